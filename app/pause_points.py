"""Test-only pause points, so a test can kill a process at an exact step of its work.

`STUDYCIRCLE_PAUSE_AT=<name>` in a process's environment makes `pause_at(name)` print
`studycircle: paused at <name>` on stderr and then block the calling thread for good
(the trio thread, so nothing else of the process moves either); the test reads the
line and sends SIGKILL. Without the variable, a pause point costs one dictionary look-up.
The points are named `<command>.<step>`; docs/cli.md lists them.
"""

from __future__ import annotations

import os
import sys
import threading

PAUSE_ENV = "STUDYCIRCLE_PAUSE_AT"


def pause_at(point: str) -> None:
    if os.environ.get(PAUSE_ENV) != point:
        return
    print(f"studycircle: paused at {point}", file=sys.stderr, flush=True)
    threading.Event().wait()  # until the test kills us
