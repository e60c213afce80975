"""One person, several devices: what this device's person's devices are, linking a new
one (the linker's and the new device's halves of `sync.device_link`, without the
network: `app.network.device_links` carries the messages) and unlinking one.

A new device whose link was interrupted once the keys had arrived is linked for good;
`joining_state` says so (from the ops, or — before any op arrived — from the linker
recorded in `linked_by.json` just before the keys were taken), and `device join` then
finishes by syncing instead of linking again.

A device's name is what it said of itself when linked, kept in `devices.json` in the
data directory (names are not in the ops: members see the person's name); a device
this one did not link or was not linked by shows the person's name.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import trio

from app.errors import CommandError
from app.personal import personal_spaces
from app.services.commands import Commands
from app.services.lookup import resolve_prefix
from app.services.notes import notes_space
from app.services.rows import Device
from sync import state, writer
from sync.device_link import linkable_spaces
from sync.errors import Rejected
from sync.ids import DeviceId, SpaceId
from sync.link import DeviceStatement
from sync.policy import Level
from sync.replica import Replica
from sync.wire.device_link import Keys, LinkOffer, Statements

NAMES_FILE = "devices.json"
LINKED_BY_FILE = "linked_by.json"  # on a linked device: who linked it (written before the keys)


# -- names, kept locally ------------------------------------------------------------------
def device_names(home: Path) -> dict[DeviceId, str]:
    try:
        entries = json.loads((home / NAMES_FILE).read_text())
        return {DeviceId(bytes.fromhex(k)): str(v) for k, v in entries.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def remember_name(home: Path, device: DeviceId, name: str) -> None:
    names = {k.hex(): v for k, v in device_names(home).items()}
    names[device.hex()] = name
    temporary = home / (NAMES_FILE + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(names, file)
    os.replace(temporary, home / NAMES_FILE)


# -- this person's devices ------------------------------------------------------------------
def _my_devices(replica: Replica) -> dict[DeviceId, tuple[str, set[SpaceId], set[SpaceId]]]:
    """device -> (the person's name, circles it is in, every space it is in) for every
    current device of this device's person, over the spaces this device is a member of."""
    replica.refresh()
    me = replica.key.device_id
    personal = set(personal_spaces(replica))
    found: dict[DeviceId, tuple[str, set[SpaceId], set[SpaceId]]] = {}
    for space in replica.spaces():
        if writer.my_level(replica, space) == Level.NONE:
            continue
        for person in state.persons(replica.db, space):
            if me not in person.devices:
                continue
            for device in person.devices:
                entry = found.setdefault(device, (person.name, set(), set()))
                entry[2].add(space)
                if space not in personal:
                    entry[1].add(space)
    return found


async def person_devices(commands: Commands) -> set[DeviceId]:
    """This device and the person's other current devices, as far as this device knows."""
    found = await commands.database.run(_my_devices, commands.replica)
    return {commands.identity.key.device_id, *found}


async def devices(commands: Commands, home: Path) -> list[Device]:
    """This device first, then the person's other current devices by id."""
    me = commands.identity.key.device_id
    found = await commands.database.run(_my_devices, commands.replica)
    found.setdefault(me, (commands.identity.name, set(), set()))
    names = await trio.to_thread.run_sync(device_names, home)
    names[me] = commands.identity.name
    rows = [
        Device(device, names.get(device, name), device == me, len(circles))
        for device, (name, circles, _) in found.items()
    ]
    return sorted(rows, key=lambda row: (not row.this, row.device))


async def unlink(commands: Commands, typed: str) -> tuple[DeviceId, int]:
    """Unlink one of this person's other devices from every space where it is linked to
    us, rotating each space's key; returns the device and in how many spaces."""
    me = commands.identity.key.device_id
    found = await commands.database.run(_my_devices, commands.replica)
    device: DeviceId = resolve_prefix(
        typed, ((d, d) for d in {me, *found}), noun="device of yours", hint="see `device list`"
    )
    if device == me:
        raise CommandError("This is the device you are using; unlink it from another of your devices.")
    spaces = sorted(found[device][2])
    for space in spaces:
        await commands.write(
            writer.unlink_device,
            commands.replica,
            space,
            device,
            new_key=secrets.token_bytes(32),
            now_ms=commands.clock.now_ms(),
        )
    return device, len(spaces)


# -- the linker's half --------------------------------------------------------------------------
async def link_offer(commands: Commands) -> LinkOffer:
    """What a link code hands a new device: every space this person is in through this
    device. My notes is made first if it does not exist yet, so both devices share one."""
    await notes_space(commands, create=True)
    spaces = await commands.database.run(linkable_spaces, commands.replica)
    return LinkOffer(commands.identity.key.device_id, commands.identity.name, tuple(spaces))


async def link_statements(commands: Commands, offer: LinkOffer, statements: Statements) -> Keys:
    """Write a `member.link` for each space the new device consented to, and gather the
    keys it needs; a space that cannot be linked is said why, the others still are."""
    offered = {space for space, _ in offer.spaces}
    keys: list[tuple[SpaceId, tuple[tuple[bytes, bytes], ...]]] = []
    refused: list[tuple[SpaceId, str]] = []
    for space, signature in statements.signatures:
        if space not in offered:
            refused.append((space, "this space was not offered"))
            continue
        statement = DeviceStatement(space, offer.linker, statements.device, signature)
        try:
            await commands.write(
                writer.link_device, commands.replica, space, statement, now_ms=commands.clock.now_ms()
            )
            ring = await commands.database.run(_keys_for, commands.replica, space, statements.device)
        except (CommandError, Rejected) as error:
            refused.append((space, str(getattr(error, "detail", "") or error)[:300]))
            continue
        keys.append((space, tuple(ring)))
    return Keys(tuple(keys), tuple(refused))


def _keys_for(replica: Replica, space: SpaceId, device: DeviceId) -> list[tuple[bytes, bytes]]:
    return writer.space_keys(replica, space, for_device=device)


# -- the new device's half ---------------------------------------------------------------------
def _holds_anything(replica: Replica) -> bool:
    replica.refresh()
    return bool(replica.spaces())


async def require_fresh(commands: Commands) -> None:
    """A device is linked while it holds nothing yet: its own circles and notes would stay
    a separate person's."""
    if await commands.database.run(_holds_anything, commands.replica):
        raise _not_fresh()


def _not_fresh() -> CommandError:
    return CommandError(
        "This device already holds circles or notes of its own; link a new device"
        " (`studycircle --home NEW_FOLDER init`, then `device join` there)."
    )


@dataclass(frozen=True, slots=True)
class LinkedTo:
    """This device is already linked into `name`'s person (`device`: the person's id, or
    the linker's while no op of any space has arrived yet)."""

    device: DeviceId
    name: str


def remember_linker(home: Path, linker: DeviceId, name: str) -> None:
    """Before the keys are taken: which device is linking this one (see `joining_state`)."""
    temporary = home / (LINKED_BY_FILE + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump({"linker": linker.hex(), "name": name}, file)
    os.replace(temporary, home / LINKED_BY_FILE)


def _linker(home: Path) -> LinkedTo | None:
    try:
        entry = json.loads((home / LINKED_BY_FILE).read_text())
        return LinkedTo(DeviceId(bytes.fromhex(entry["linker"])), str(entry["name"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True, slots=True)
class _Mine:
    linked: LinkedTo | None  # the person this device is a current device of, if another's
    holds: bool  # it holds any space (keys at least)
    own: bool  # it is a member as its own person somewhere
    former: LinkedTo | None  # the person it was linked into and unlinked from


def _person_of_mine(replica: Replica) -> _Mine:
    replica.refresh()
    me = replica.key.device_id
    held = replica.spaces()
    own = False
    former: LinkedTo | None = None
    for space in held:
        persons = state.persons(replica.db, space)
        for person in persons:
            if me not in person.devices:
                continue
            if person.person != me:
                return _Mine(LinkedTo(person.person, person.name), True, False, None)
            own = True
        was = state.device_persons(replica.db, space).get(me)
        if was is not None and was != me and former is None:
            names = [p.name for p in persons if p.person == was]
            former = LinkedTo(was, names[0] if names else "")
    return _Mine(None, bool(held), own, former)


async def joining_state(commands: Commands, home: Path) -> LinkedTo | None:
    """Before `device join`: None on a fresh device (link it); the person it is already
    linked into (finish by syncing); a refusal if it holds circles or notes of its own,
    or was unlinked (a device is never linked again)."""
    mine = await commands.database.run(_person_of_mine, commands.replica)
    if mine.linked is not None:
        return mine.linked
    if not mine.holds:
        return None
    if mine.former is not None and not mine.own:
        whose = f" from {mine.former.name}'s devices" if mine.former.name else ""
        raise CommandError(
            f"This device was unlinked{whose}, and an unlinked device cannot be linked again;"
            " link a new one (`studycircle --home NEW_FOLDER init`, then `device join` there)."
        )
    if not mine.own:  # keys taken, no op arrived yet: the linker said who it was
        recorded = await trio.to_thread.run_sync(_linker, home)
        if recorded is not None:
            return recorded
    raise _not_fresh()


def _take(replica: Replica, keys: Keys) -> None:
    for space, ring in keys.keys:
        writer.take_space_keys(replica, space, ring)


async def take_keys(commands: Commands, keys: Keys) -> None:
    await commands.database.run(_take, commands.replica, keys)
