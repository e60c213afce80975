"""Command group: circles — create, list, members, invites and joining, leaving, removing,
roles, the state hash, and offline exchange through export files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.address_book import addresses_for
from app.cli.base import CommandLine, Needs, emit
from app.cli.network import serving_addresses
from app.clock import SystemClock
from app.errors import CommandError
from app.services.commands import Commands, parse_invite
from app.services.membership import waiting_circles
from app.services.offline import export_circle, import_file
from app.services.room_codes import make_room_code
from sync.errors import Rejected
from sync.ids import SpaceId, short
from sync.room_code import (
    DEFAULT_MINUTES,
    DEFAULT_USES,
    looks_like_room_code,
    parse_room_code,
)

ROLES = ("member", "mentor", "teacher")


async def cmd_create(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.create_circle(args.name, args.description)
    emit(args, {"circle_id": space.hex()}, space.hex())


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    rows = await commands.circle_rows(everything=args.all)
    lines = [f"{r.circle_id[:12]}  {r.role:<7}  {r.name}" for r in rows]
    emit(args, {"circles": [r.to_json() for r in rows]}, "\n".join(lines))


async def cmd_members(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    me = commands.identity.key.device_id
    members = await commands.members(space)
    rows = [m.to_json() for m in members]
    lines = [
        f"{m.device.hex()[:12]}  {m.role:<7}  {m.name}"
        + (f"  ({len(m.all_devices)} devices)" if len(m.all_devices) > 1 else "")
        + ("  (you)" if m.has_device(me) else "")
        for m in members
    ]
    emit(args, {"circle_id": space.hex(), "members": rows}, "\n".join(lines))


async def cmd_invite(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    if args.short:
        await _invite_short(args, commands, space)
        return
    code = await commands.invite(
        space,
        role=args.role,
        uses=1 if args.uses is None else args.uses,
        expires_hours=args.expires_hours,
        addresses=await _invite_addresses(args, commands, space),
    )
    emit(args, {"code": code}, code)


async def _invite_addresses(args: argparse.Namespace, commands: Commands, space: SpaceId) -> list[str]:
    """A running `serve`'s addresses, then other members' last-known ones (app.address_book)."""
    members = [device.hex() for member in await commands.members(space) for device in member.all_devices]
    return addresses_for(args.home_path, members, own=serving_addresses(args.home_path))


async def _invite_short(args: argparse.Namespace, commands: Commands, space: SpaceId) -> None:
    """A room code over a long invite that lasts as long and allows as many uses."""
    uses = DEFAULT_USES if args.uses is None else args.uses
    offer, _ = await make_room_code(
        commands,
        args.home_path,
        space,
        role=args.role,
        uses=uses,
        minutes=args.minutes,
        addresses=serving_addresses(args.home_path),
    )
    name = offer.circle_name
    text = offer.code.text()
    emit(
        args,
        {"code": text, "uses": uses, "minutes": args.minutes},
        f"{text}\n(«{name}»: {uses} uses within {args.minutes:g} minutes, while this device runs)",
    )


def check_join(args: argparse.Namespace) -> None:
    """A bad or expired code is refused before the network starts or a file is written."""
    if looks_like_room_code(args.code):
        try:
            parse_room_code(args.code)
        except Rejected as error:
            raise CommandError(f"This room code is not valid: {error.detail}.") from None
        return
    parse_invite(args.code, now_ms=SystemClock().now_ms())


async def cmd_join(args: argparse.Namespace, core: Any) -> None:
    space = await core.join(args.code, timeout=args.timeout, may_wait=True)
    status = await core.join_status(space)
    document = {"circle_id": space.hex(), "status": status}
    if status == "joined":
        emit(args, document, f"Joined {space.hex()}")
        return
    name = dict(await waiting_circles(core.commands)).get(space) or f"circle {short(space, 12)}"
    emit(
        args,
        document,
        f"Waiting to meet a member of «{name}»; you'll be admitted automatically the next time"
        " this device meets one (the desktop client, `studycircle serve` or `studycircle sync`).",
    )


async def cmd_leave(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    await commands.leave(space)
    emit(args, {"circle_id": space.hex(), "left": True}, f"You left circle {short(space, 12)}.")


async def cmd_remove(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    member = await commands.resolve_member(space, args.member)
    await commands.remove(space, member)
    emit(
        args,
        {"circle_id": space.hex(), "removed": member.device.hex()},
        f"Removed {member.name or short(member.device, 12)}; the circle's key was renewed for the others.",
    )


async def cmd_role(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    member = await commands.resolve_member(space, args.member)
    await commands.set_role(space, member, args.role)
    emit(
        args,
        {"circle_id": space.hex(), "device_id": member.device.hex(), "role": args.role},
        f"{member.name or short(member.device, 12)} is now a {args.role}.",
    )


async def cmd_state(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    state = await commands.state(space)
    document = {"state_hash": state.state_hash, "ops": state.ops, "frontier": state.frontier}
    emit(args, document, f"{state.state_hash}  ({state.ops} ops)")


async def cmd_export(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    path = Path(args.file).expanduser()
    count = await export_circle(commands, space, path)
    emit(args, {"circle_id": space.hex(), "file": str(path), "ops": count}, f"Wrote {count} ops to {path}")


async def cmd_import(args: argparse.Namespace, commands: Commands) -> None:
    path = Path(args.file).expanduser()
    report = await import_file(commands, path)
    document = {
        "circle_id": report.space.hex(),
        "ops_in_file": report.in_file,
        "ops_new": report.new,
        "ops_known": report.known,
        "ops_waiting": report.pending,
        "ops_refused": len(report.refused),
    }
    text = (
        f"Imported {report.new} new ops into circle {short(report.space, 12)} ({report.known} already here)"
    )
    emit(args, document, text)
    if report.refused:  # the file's checksum held, so someone signed or edited these ops on purpose
        reasons = ", ".join(sorted({error.reason.value for error in report.refused}))
        raise CommandError(
            f"{len(report.refused)} ops in {path} were refused ({reasons}): it was tampered with;"
            " the other ops were imported."
        )


def register(cli: CommandLine) -> None:
    cli.group("circle", help="circles: members, invites, roles, export and import")
    create = cli.command("circle create", cmd_create, help="create a circle; you are its owner")
    create.add_argument("name")
    create.add_argument("--description", default="", metavar="TEXT", help="what the circle is for")
    listing = cli.command("circle list", cmd_list, help="the circles you are in, with your role")
    listing.add_argument("--all", action="store_true", help="also circles you left or were removed from")
    members = cli.command("circle members", cmd_members, help="a circle's members and their roles")
    members.add_argument("circle", help="circle id or unique prefix")

    invite = cli.command("circle invite", cmd_invite, help="mint an invite code for a new member")
    invite.add_argument("circle", help="circle id or unique prefix")
    invite.add_argument("--role", default="member", choices=ROLES)
    invite.add_argument(
        "--uses", type=int, default=None, help="how many people may join with it (default 1; 30 with --short)"
    )
    invite.add_argument("--short", action="store_true", help="a room code to read aloud, for the LAN")
    invite.add_argument(
        "--minutes", type=float, default=DEFAULT_MINUTES, help="how long a --short code lasts (default 10)"
    )
    invite.add_argument("--expires-hours", type=float, default=72.0, metavar="H", help="default 72")
    join = cli.command(
        "circle join",
        cmd_join,
        help="fetch a circle from the inviter and join",
        needs=Needs.NETWORK,
        check=check_join,
    )
    join.add_argument("code")
    join.add_argument("--timeout", type=float, default=60.0, metavar="S")
    join.add_argument("--listen", action="append", metavar="MULTIADDR")
    join.add_argument("--no-mdns", action="store_true")

    leave = cli.command("circle leave", cmd_leave, help="leave a circle (its history stays on this device)")
    leave.add_argument("circle", help="circle id or unique prefix")
    remove = cli.command("circle remove", cmd_remove, help="remove a member (teachers and owners)")
    remove.add_argument("circle", help="circle id or unique prefix")
    remove.add_argument("member", help="member name, or device id or unique prefix")
    role = cli.command("circle role", cmd_role, help="appoint a mentor, grant teacher, or make a member")
    role.add_argument("circle", help="circle id or unique prefix")
    role.add_argument("member", help="member name, or device id or unique prefix")
    role.add_argument("role", choices=ROLES)

    state = cli.command("circle state", cmd_state, help="state hash (equal hash = same state), ops, frontier")
    state.add_argument("circle", help="circle id or unique prefix")
    export = cli.command("circle export", cmd_export, help="write the circle's ops to a file")
    export.add_argument("circle", help="circle id or unique prefix")
    export.add_argument("file")
    imported = cli.command("circle import", cmd_import, help="import ops from an export file")
    imported.add_argument("file")
