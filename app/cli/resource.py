"""Command group: the circle's resource library (`resource add|list|get`): links, texts
and files. A file's bytes reach other members' devices while a peer runs (`serve`) or
with `sync --connect`; `resource get` says so when a file has not arrived yet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import CommandLine, emit
from app.services import resources
from app.services.commands import Commands
from app.services.files import describe_size


async def cmd_resource_add(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    item = await resources.add(
        commands,
        space,
        title=args.title,
        text=args.body,
        url=args.url,
        tags=args.tag,
        files=[Path(path) for path in args.file],
    )
    emit(args, {"resource_id": item.hex()}, item.hex())


async def cmd_resource_list(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    rows = await resources.listing(commands, space)
    lines = []
    for row in rows:
        flags = "".join(f" [{flag}]" for flag in ("hidden", "redacted") if getattr(row, flag))
        lines.append(f"{row.id[:12]}  {row.title}  — {row.author_name}{flags}")
        if row.url:
            lines.append(f"    {row.url}")
        for file in row.files:
            state = "" if file.downloaded else "  (not downloaded yet)"
            lines.append(f"    {file.name}  {describe_size(file.size)}{state}")
    emit(args, {"circle_id": space.hex(), "resources": [row.to_json() for row in rows]}, "\n".join(lines))


async def cmd_resource_get(args: argparse.Namespace, commands: Commands) -> None:
    found = await resources.find(commands, args.resource)
    saved = await resources.save_files(commands, found, Path(args.dir))
    emit(
        args,
        {"resource_id": found.item.item_id.hex(), "files": [file.to_json() for file in saved]},
        "\n".join(f"Saved {file.path}" for file in saved),
    )


def register(cli: CommandLine) -> None:
    cli.group("resource", help="the circle's library: links, texts and files")
    add = cli.command(
        "resource add", cmd_resource_add, help="add a link, a text or files (up to 50 MiB each)"
    )
    add.add_argument("circle")
    add.add_argument("--title", required=True)
    add.add_argument("--body", default="", help="a description, or the text itself")
    add.add_argument("--url", default="", help="a link (http:// or https://)")
    add.add_argument("--file", action="append", default=[], metavar="FILE", help="a file to share (repeat)")
    add.add_argument("--tag", action="append", default=[], metavar="TAG")
    cli.command("resource list", cmd_resource_list, help="a circle's library").add_argument("circle")
    get = cli.command("resource get", cmd_resource_get, help="save a resource's files into a folder")
    get.add_argument("resource")
    get.add_argument("dir", metavar="DIR")
