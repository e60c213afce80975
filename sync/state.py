"""Reading materialized state: members, items with their moderation, help-request
status, reactions, and the canonical state hash two replicas compare.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.reducers.helpdesk import Status, fold, steps_by_request, steps_of
from sync.reducers.marks import Moderation, moderation
from sync.wire.canonical import pack, unpack_canonical


@dataclass(frozen=True, slots=True)
class MemberRow:
    device: DeviceId
    name: str
    level: int
    person: DeviceId | None = None  # the person this device belongs to (its first device)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One member person of a space with its current devices (the first is the person's id
    when that device is still linked)."""

    person: DeviceId
    name: str
    level: int
    devices: tuple[DeviceId, ...]


@dataclass(frozen=True, slots=True)
class ItemRow:
    item_id: OpId
    type: str
    parent: OpId | None
    author: DeviceId
    created_hlc: int
    title: str
    text: str
    tags: tuple[str, ...]
    extra: dict[str, Any]
    deleted: bool
    hidden: bool
    locked: bool
    redacted: bool

    @property
    def shown_text(self) -> str:
        return "" if self.redacted else self.text


def members(db: sqlite3.Connection, space: SpaceId) -> list[MemberRow]:
    """One row per current member *device* (a person with two devices has two rows)."""
    return [
        MemberRow(DeviceId(device), name, level, DeviceId(person or device))
        for device, name, level, person in db.execute(
            "SELECT device, name, level, person FROM members WHERE space = ? ORDER BY device", (space,)
        )
    ]


def persons(db: sqlite3.Connection, space: SpaceId) -> list[PersonRow]:
    """One row per current member *person*, with its current devices, by name."""
    grouped: dict[DeviceId, list[MemberRow]] = {}
    for row in members(db, space):
        grouped.setdefault(row.person or row.device, []).append(row)
    found = [
        PersonRow(
            person,
            rows[0].name,
            rows[0].level,
            tuple(sorted((r.device for r in rows), key=lambda d: d != person)),
        )
        for person, rows in grouped.items()
    ]
    return sorted(found, key=lambda p: (p.name.lower(), p.person))


def device_persons(db: sqlite3.Connection, space: SpaceId) -> dict[DeviceId, DeviceId]:
    """device -> person for every device ever accepted in the space (unlinked devices and
    former members included), so what a device wrote can be counted for its person. A
    device not listed is its own person."""
    return {
        DeviceId(device): DeviceId(person)
        for device, person in db.execute(
            "SELECT device, person FROM device_persons WHERE space = ?", (space,)
        )
    }


def hidden_items(db: sqlite3.Connection, space: SpaceId) -> set[OpId]:
    """Items with a hide that no unhide has seen (concurrent hide vs unhide: hide wins)."""
    return {OpId(item) for item, marks in moderation(db, space).items() if marks.hidden}


def _tags(db: sqlite3.Connection, space: SpaceId, ids: list[bytes] | None) -> dict[bytes, tuple[str, ...]]:
    found: dict[bytes, list[str]] = {}
    if ids is None:
        rows = db.execute("SELECT item_id, tag FROM item_tags WHERE space = ? ORDER BY tag", (space,))
    else:
        marks = ",".join("?" * len(ids))
        rows = db.execute(  # ORDER BY item_id keeps SQLite on the primary key, not a scan of the tag index
            f"SELECT item_id, tag FROM item_tags WHERE space = ? AND item_id IN ({marks})"
            " ORDER BY item_id, tag",
            (space, *ids),
        )
    for item, tag in rows:
        found.setdefault(item, []).append(tag)
    return {item: tuple(tags) for item, tags in found.items()}


#: Up to this many rows, tags are fetched for just those rows; beyond, for the space.
_FEW = 500


def items(
    db: sqlite3.Connection,
    space: SpaceId,
    *,
    where: str = "",
    params: tuple[Any, ...] = (),
    order: str = "created_hlc, item_id",
    limit: int = -1,
) -> list[ItemRow]:
    """Items of the space (all of them, moderated or not), optionally narrowed by SQL."""
    found = db.execute(
        "SELECT item_id, type, parent, author, created_hlc, title, text, extra, deleted FROM items"
        f" WHERE space = ? {'AND ' + where if where else ''} ORDER BY {order} LIMIT ?",
        (space, *params, limit),
    ).fetchall()
    marks = moderation(db, space)
    tags = _tags(db, space, [row[0] for row in found] if len(found) <= _FEW else None)
    none = Moderation()
    rows = []
    for item_id, type_, parent, author, created, title, text, extra, deleted in found:
        mod = marks.get(item_id, none)
        rows.append(
            ItemRow(
                OpId(item_id),
                type_,
                OpId(parent) if parent else None,
                DeviceId(author),
                created,
                title,
                text,
                tags.get(item_id, ()),
                unpack_canonical(extra) if extra else {},
                bool(deleted),
                mod.hidden,
                mod.locked,
                mod.redacted,
            )
        )
    return rows


def help_status(db: sqlite3.Connection, space: SpaceId, request: OpId) -> Status:
    return fold(steps_of(db, space, request))


def help_statuses(db: sqlite3.Connection, space: SpaceId) -> dict[bytes, Status]:
    """Every help request's status in the space that has a step (one query; a request not
    listed is open with no steps): the same as `help_status` for each."""
    return {request: fold(steps) for request, steps in steps_by_request(db, space).items()}


def reactions(db: sqlite3.Connection, space: SpaceId) -> dict[tuple[bytes, str], set[bytes]]:
    """(item, reaction) -> the devices that have it on."""
    found: dict[tuple[bytes, str], set[bytes]] = {}
    for item, reaction, device in db.execute(
        "SELECT item_id, reaction, device FROM reactions WHERE space = ? AND active = 1", (space,)
    ):
        found.setdefault((item, reaction), set()).add(device)
    return found


def state_hash(db: sqlite3.Connection, space: SpaceId) -> bytes:
    """Hash of the canonical materialized state: equal hashes mean the same state."""
    # A linked device's row names its person; rows of devices that are their own person
    # keep the shape they had before persons existed.
    member_rows = [
        [m.device, m.name, m.level] + ([m.person] if m.person not in (None, m.device) else [])
        for m in members(db, space)
    ]
    setting_rows = [
        [key, value]
        for key, value in db.execute("SELECT key, value FROM settings WHERE space = ? ORDER BY key", (space,))
    ]
    all_items = sorted(items(db, space), key=lambda row: row.item_id)
    item_rows = [
        [
            i.item_id,
            i.type,
            i.parent,
            i.author,
            i.created_hlc,
            i.title,
            i.text,
            list(i.tags),
            i.extra,
            i.deleted,
            i.hidden,
            i.locked,
            i.redacted,
        ]
        for i in all_items
    ]
    help_rows = []
    statuses = help_statuses(db, space)
    for request in (i.item_id for i in all_items if i.type == "help"):
        status = statuses.get(request) or Status()
        help_rows.append(
            [
                request,
                status.status,
                status.claimed_by,
                status.escalated,
                status.accepted,
                sorted(status.me_too),
            ]
        )
    reaction_rows = [
        [item, reaction, sorted(devices)]
        for (item, reaction), devices in sorted(reactions(db, space).items())
    ]
    parts = [member_rows, setting_rows, item_rows, help_rows, reaction_rows]
    assessment = assessment_rows(db, space)
    if any(assessment):  # spaces without assignments keep the hash they had before them
        parts.append(assessment)
    # Peer coaching and surveys (issue 18): appended only when present, so a space
    # without any keeps the hash it had before they existed.
    from sync.coaching_views import state_rows

    coaching = state_rows(db, space)
    if coaching:
        parts.append(coaching)
    return digest(pack(parts), person=b"sc-state")


def assessment_rows(db: sqlite3.Connection, space: SpaceId) -> list[list[list[Any]]]:
    """Every assignment table's rows, in key order: each row is a fact derived from valid
    ops (the allocation from its opening op's causal past), less the replica's own
    author numbering, so equal sets of valid ops
    give equal rows whatever order they came in."""
    from sync.reducers.assess import TABLES

    found = []
    for table in TABLES:
        # Author indexes are this replica's own numbering: never part of the state.
        columns = [
            c[1] for c in db.execute(f"PRAGMA table_info({table})") if c[1] not in ("space", "author_idx")
        ]
        found.append(
            [
                list(row)
                for row in db.execute(
                    f"SELECT {', '.join(columns)} FROM {table} WHERE space = ? ORDER BY 1, 2, 3", (space,)
                )
            ]
        )
    return found
