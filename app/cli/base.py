"""What every command-line group shares: how commands are registered, run and print.

A group is a module with `register(cli: CommandLine) -> None`, listed in
`app.cli.main.GROUPS`. It declares each command with `cli.command("circle leave", handler,
help=..., needs=...)` and adds its arguments to the parser that returns. A handler is
`async def handler(args, target) -> None`, where `target` depends on `needs`:

- `Needs.FILES` (the default): a `Commands` over this device's database; no network;
- `Needs.NETWORK`: a running `Core` (libp2p host and sync service);
- `Needs.HOME`: just the data directory (a `Path`), for commands such as `init`.

`check(args)`, if given, runs before anything is opened (no database file is created,
no network started), for validation that needs neither.

Conventions: every command takes `--json` and then prints exactly one JSON document on
stdout (`emit`); errors are `CommandError`s, printed by `app.cli.main` as one line on stderr
with exit code 1; ids are resolved with `app.services.lookup`.
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

EXIT_USAGE = 2


class Needs(enum.Enum):
    HOME = "home"
    FILES = "files"
    NETWORK = "network"


Handler = Callable[[argparse.Namespace, Any], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    handler: Handler
    needs: Needs
    check: Callable[[argparse.Namespace], None] | None


class OneLineParser(argparse.ArgumentParser):
    """Wrong usage is one line on stderr too (argparse's default is usage plus a message)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


class CommandLine:
    """The parser being built. Groups add commands; `spec_of(args)` finds what to run."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self._children: dict[tuple[str, ...], Any] = {
            (): parser.add_subparsers(dest="command", required=True)
        }

    def group(self, name: str, *, help: str) -> None:
        """Declare a command group (`circle`, `thread`, …); its commands follow."""
        parent = self._children[()]
        sub = parent.add_parser(name, help=help, description=help)
        self._children[(name,)] = sub.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")

    def command(
        self,
        path: str,
        handler: Handler,
        *,
        help: str,
        needs: Needs = Needs.FILES,
        check: Callable[[argparse.Namespace], None] | None = None,
        json_flag: bool = True,
    ) -> argparse.ArgumentParser:
        """Add `path` ("whoami", "circle leave"): returns its parser for the arguments."""
        *group, name = path.split()
        parent = self._children.get(tuple(group))
        if parent is None:
            raise ValueError(f"declare the group {' '.join(group)!r} with cli.group() first")
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help, description=help)
        sub.set_defaults(spec=CommandSpec(handler, needs, check))
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        return sub


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 submission", "3 submissions" (English; the CLI is not translated)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def spec_of(args: argparse.Namespace) -> CommandSpec:
    spec: CommandSpec = args.spec
    return spec


def emit(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    """Print the command's result: `document` as one JSON line with --json, else `text`.

    `document` is the JSON itself (rows put theirs in with `to_json()`, `app.services.rows`)."""
    out = json.dumps(document) if getattr(args, "json", False) else text
    if out:
        print(out, file=sys.stdout, flush=True)
