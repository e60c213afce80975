"""`studycircle` command line: the entry point named in pyproject.toml."""

from __future__ import annotations

import argparse
import sys

from app import __doc__ as app_doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studycircle", description=app_doc)
    parser.add_argument("--version", action="version", version="studycircle 0.1.0")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
