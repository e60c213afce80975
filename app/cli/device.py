"""Command group: this device's identity (`init`, `whoami`) and the person's devices
(`device link`, `device join`, `device list`, `device unlink`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import identity
from app.cli.base import CommandLine, Needs, emit
from app.errors import CommandError
from app.services import devices
from app.services.commands import Commands
from sync.device_link import DEFAULT_LINK_MINUTES, MAX_LINK_MINUTES
from sync.errors import Rejected
from sync.room_code import parse_room_code


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


def check_link(args: argparse.Namespace) -> None:
    if not 0 < args.minutes <= MAX_LINK_MINUTES:
        raise CommandError(f"A link code lasts from 1 to {MAX_LINK_MINUTES} minutes, not {args.minutes:g}.")


async def cmd_link(args: argparse.Namespace, core: Any) -> None:
    """Two outputs: the code as soon as it is made, then the linked device when done."""
    if not core.room_codes.answering:  # another process runs this device on the network
        raise CommandError(
            "This device is already running (the desktop client or `studycircle serve`): link from"
            " the client's menu (Link a device…), or stop `serve` and run this again."
        )
    pending = await core.link_device(minutes=args.minutes)
    addresses = [a for a in core.host.listen_addrs() if "/ip4/0.0.0.0/" not in a]
    code = pending.code.text()
    emit(
        args,
        {"code": code, "minutes": args.minutes, "addresses": addresses},
        f"{code}\nOn your new device: `studycircle init --name NAME`, then `studycircle device join {code}`"
        f" (within {args.minutes:g} minutes, on this network). Waiting…",
    )
    linked = await core.wait_link()
    refused = f"; not linked: {'; '.join(linked.refused)}" if linked.refused else ""
    emit(
        args,
        {
            "linked": linked.device.hex(),
            "name": linked.name,
            "spaces": linked.spaces,
            "refused": list(linked.refused),
        },
        f"Linked {linked.name} (device {linked.device.hex()[:12]}) in {linked.spaces} spaces{refused}.",
    )


def check_join(args: argparse.Namespace) -> None:
    if args.code is None:
        return  # fine once this device is linked: the join finishes by syncing
    try:
        parse_room_code(args.code)
    except Rejected as error:
        raise CommandError(f"This link code is not valid: {error.detail.replace('room', 'link')}.") from None


async def cmd_join(args: argparse.Namespace, core: Any) -> None:
    for address in args.connect or ():
        await core.host.connect(address)

    def resuming(linked_to: devices.LinkedTo) -> None:
        unused = " (the link code is not needed again)" if args.code else ""
        if not getattr(args, "json", False):
            print(
                f"This device is already linked to {linked_to.name}{unused}; fetching the rest"
                " of the history…",
                flush=True,
            )

    linked = await core.join_device(args.code, timeout=args.timeout, resuming=resuming)
    refused = f"; not linked: {'; '.join(linked.refused)}" if linked.refused else ""
    document = {
        "linker": linked.device.hex(),
        "name": linked.name,
        "spaces": linked.spaces,
        "refused": list(linked.refused),
        "already_linked": linked.resumed,
    }
    if linked.resumed:
        emit(args, document, f"Linked to {linked.name}; {linked.spaces} spaces are up to date.")
        return
    emit(
        args,
        document,
        f"Linked to {linked.name}'s device {linked.device.hex()[:12]}: {linked.spaces} spaces{refused}.",
    )


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    rows = await devices.devices(commands, args.home_path)
    lines = [
        f"{r.device.hex()[:12]}  {r.circles:>3} circles  {r.name}{'  (this device)' if r.this else ''}"
        for r in rows
    ]
    emit(args, {"devices": [r.to_json() for r in rows]}, "\n".join(lines))


async def cmd_unlink(args: argparse.Namespace, commands: Commands) -> None:
    device, spaces = await devices.unlink(commands, args.device)
    emit(
        args,
        {"device_id": device.hex(), "spaces": spaces},
        f"Unlinked device {device.hex()[:12]} from {spaces} spaces; their keys were changed, so it reads"
        " nothing written from now on.",
    )


def register(cli: CommandLine) -> None:
    init = cli.command("init", cmd_init, help="create this device's identity", needs=Needs.HOME)
    init.add_argument("--name", required=True, help="your display name, as others will see it")
    cli.command("whoami", cmd_whoami, help="show name, device id and peer id")

    cli.group("device", help="your devices: link a new one, list them, unlink a lost one")
    link = cli.command(
        "device link",
        cmd_link,
        help="make a link code for your new device and wait for it",
        needs=Needs.NETWORK,
        check=check_link,
    )
    link.add_argument(
        "--minutes",
        type=float,
        default=DEFAULT_LINK_MINUTES,
        help=f"how long the code lasts (default {DEFAULT_LINK_MINUTES})",
    )
    link.add_argument("--listen", action="append", metavar="MULTIADDR")
    link.add_argument("--no-mdns", action="store_true")
    join = cli.command(
        "device join",
        cmd_join,
        help="on a new device (after init): be linked by your other device's link code;"
        " run again (code optional) to finish a join that stopped",
        needs=Needs.NETWORK,
        check=check_join,
    )
    join.add_argument("code", nargs="?", help="the link code (not needed once this device is linked)")
    join.add_argument("--timeout", type=float, default=60.0, metavar="S")
    join.add_argument("--connect", action="append", metavar="MULTIADDR", help="dial your other device here")
    join.add_argument("--listen", action="append", metavar="MULTIADDR")
    join.add_argument("--no-mdns", action="store_true")
    cli.command("device list", cmd_list, help="your devices, and in how many circles each is")
    unlink = cli.command("device unlink", cmd_unlink, help="unlink a lost device of yours (changes the keys)")
    unlink.add_argument("device", help="device id or unique prefix (see `device list`)")
