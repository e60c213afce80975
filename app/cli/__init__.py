"""The `studycircle` command line: one module per command group, each a client of the
services in `app.services` and of `app.core`, as the desktop client is (never of the
sync runtime in `app.network` directly).

Owns: argument parsing, the command groups, how results are printed (text or `--json`).
"""

from app.cli.main import main

__all__ = ["main"]
