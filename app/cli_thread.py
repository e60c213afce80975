"""Command group: discussion threads (`thread new`)."""

from __future__ import annotations

import argparse

from app.cli_base import CommandLine, emit
from app.commands import Commands


async def cmd_thread_new(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    item = await commands.post(space, args.title, args.body)
    emit(args, {"thread_id": item.hex()}, item.hex())


def register(cli: CommandLine) -> None:
    cli.group("thread", help="discussion threads")
    new = cli.command("thread new", cmd_thread_new, help="start a discussion thread")
    new.add_argument("circle")
    new.add_argument("--title", required=True)
    new.add_argument("--body", default="")
