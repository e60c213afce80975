"""Command group: this device's identity (`init`, `whoami`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app import identity
from app.cli.base import CommandLine, Needs, emit
from app.services.commands import Commands


async def cmd_init(args: argparse.Namespace, home: Path) -> None:
    me = identity.create(home, args.name)
    emit(args, {"name": me.name, "device_id": me.key.device_id.hex()}, f"Created {me.name} in {home}")


async def cmd_whoami(args: argparse.Namespace, commands: Commands) -> None:
    from app.launch import peer_id_of

    me = commands.identity
    document = {
        "name": me.name,
        "device_id": me.key.device_id.hex(),
        "peer_id": peer_id_of(me.key.seed),
    }
    emit(args, document, f"{me.name}\ndevice {document['device_id']}\npeer   {document['peer_id']}")


def register(cli: CommandLine) -> None:
    init = cli.command("init", cmd_init, help="create this device's identity", needs=Needs.HOME)
    init.add_argument("--name", required=True, help="your display name, as others will see it")
    cli.command("whoami", cmd_whoami, help="show name, device id and peer id")
