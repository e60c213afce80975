"""`studycircle` — the command line: a headless peer, scripting, and testing without a screen.

`studycircle [--home DIR] COMMAND …`. The commands live in group modules (`GROUPS`),
each registering its commands with `app.cli.base.CommandLine`; this module parses,
opens what a command needs (the data directory, the database, or the network core),
runs it on trio, and turns every error into one line on stderr with a non-zero exit
code. Usage: `studycircle --help` and docs/cli.md.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

import trio

from app import identity
from app.cli.base import CommandLine, CommandSpec, Needs, OneLineParser, spec_of
from app.clock import SystemClock
from app.database import Database
from app.errors import CommandError, disk_full
from app.identity import IdentityError
from app.paths import ENV_HOME, data_home, database_path
from app.services.commands import Commands, sentence
from sync.errors import Rejected

#: The modules that register command groups, in `--help` order. Add yours here.
GROUPS = (
    "app.cli.device",
    "app.cli.network",
    "app.cli.circle",
    "app.cli.thread",
    "app.cli.help",
    "app.cli.note",
    "app.cli.resource",
    "app.cli.search",
    "app.cli.assignment",
    "app.cli.coach",  # peer coaching, surveys, direct messages (issue 18)
    "app.cli.survey",
    "app.cli.message",
)
#: 74 is sysexits' EX_IOERR: the disk holding the data (or an output file) is full or failing.
EXIT_ERROR, EXIT_INTERNAL, EXIT_DISK_FULL, EXIT_INTERRUPTED = 1, 70, 74, 130
log = logging.getLogger("studycircle")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="studycircle", description="StudyCircle: peer-assisted learning, no server.")
    parser.add_argument(
        "--home", metavar="DIR", help=f"data directory (default: ${ENV_HOME}, else the platform's)"
    )
    parser.add_argument("--version", action="version", version="studycircle 0.1.0")
    cli = CommandLine(parser)
    for module in GROUPS:
        importlib.import_module(module).register(cli)
    return parser


async def _run(args: argparse.Namespace, spec: CommandSpec) -> None:
    if spec.needs is Needs.HOME:
        await spec.handler(args, args.home_path)
    elif spec.needs is Needs.FILES:  # no network stack to start (or import)
        me = identity.load(args.home_path)
        database = Database(database_path(args.home_path), me.key)
        try:
            await spec.handler(args, Commands(database=database, identity=me, clock=SystemClock()))
        finally:
            database.close()
    else:
        from app.core import Core
        from app.launch import host_config, lan_network

        identity.load(args.home_path)  # a missing identity is one line, before any network starts
        listen = tuple(getattr(args, "listen", None) or ())
        mdns = not getattr(args, "no_mdns", False)
        if listen or args.command != "serve":
            config = host_config(listen=listen or ("/ip4/0.0.0.0/tcp/0",), mdns=mdns)
        else:  # a device that stays up: its port again, so that noted addresses still work
            config = host_config(mdns=mdns, home=args.home_path)
        async with Core.open(home=args.home_path, network=lan_network(), host_config=config) as core:
            await spec.handler(args, core)


def _innermost(error: BaseException) -> BaseException:
    """trio wraps errors raised inside a nursery in groups; a lone error is the real one."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def _message(error: BaseException) -> str | None:
    """The one line for a person, or None for an error nobody worded (a bug)."""
    if isinstance(error, CommandError | IdentityError):
        return str(error)
    if isinstance(error, Rejected):
        return sentence(error.detail or error.reason.value)
    if type(error).__module__.startswith("p2p."):  # network errors are worded for people
        return str(error)
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of what the closed
    pipe did not take raises nothing more (the Python docs' advice for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.home_path = data_home(args.home)
    logging.basicConfig(level=os.environ.get("STUDYCIRCLE_LOG", "WARNING"), stream=sys.stderr)
    spec = spec_of(args)
    try:
        if spec.check is not None:
            spec.check(args)
        trio.run(_run, args, spec)
    except BaseException as raised:
        error = _innermost(raised)
        if isinstance(error, KeyboardInterrupt):
            return EXIT_INTERRUPTED
        if isinstance(error, BrokenPipeError):  # `studycircle … | head` closed the pipe
            _silence_stdout()
            return EXIT_ERROR
        if isinstance(error, SystemExit):
            raise error from None
        full = disk_full(error, args.home_path)  # worded already if the database raised it
        if full is not None:
            print(f"studycircle: {full}", file=sys.stderr, flush=True)
            return EXIT_DISK_FULL
        message = _message(error)
        if message is None:
            log.debug("unexpected error", exc_info=error)
            message = (
                f"unexpected error ({type(error).__name__}: {error}); "
                "run with STUDYCIRCLE_LOG=DEBUG for the details"
            )
            print(f"studycircle: {' '.join(message.split())}", file=sys.stderr, flush=True)
            return EXIT_INTERNAL
        print(f"studycircle: {' '.join(message.split())}", file=sys.stderr, flush=True)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
