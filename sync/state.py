"""Reading materialized state: members, settings, items with their visibility, and the
canonical state hash two replicas compare.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.wire.canonical import pack
from sync.wire.clock import decode_clock


@dataclass(frozen=True, slots=True)
class MemberRow:
    device: DeviceId
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class ItemRow:
    item_id: OpId
    author: DeviceId
    created_hlc: int
    title: str
    text: str
    deleted: bool
    hidden: bool


def members(db: sqlite3.Connection, space: SpaceId) -> list[MemberRow]:
    return [
        MemberRow(DeviceId(device), name, level)
        for device, name, level in db.execute(
            "SELECT device, name, level FROM members WHERE space = ? ORDER BY device", (space,)
        )
    ]


def hidden_items(db: sqlite3.Connection, space: SpaceId) -> set[OpId]:
    """Items with a hide that no unhide has seen (concurrent hide vs unhide: hide wins)."""
    marks: dict[bytes, list[tuple[bool, int, int, dict[int, int]]]] = {}
    for item_id, hide, author, seq, clock in db.execute(
        "SELECT item_id, hide, author, seq, clock FROM item_marks WHERE space = ?", (space,)
    ):
        marks.setdefault(item_id, []).append((bool(hide), author, seq, decode_clock(clock)))
    hidden: set[OpId] = set()
    for item_id, entries in marks.items():
        unhides = [clock for hide, _, _, clock in entries if not hide]
        for hide, author, seq, _ in entries:
            if hide and not any(clock.get(author, 0) >= seq for clock in unhides):
                hidden.add(OpId(item_id))
                break
    return hidden


def items(db: sqlite3.Connection, space: SpaceId) -> list[ItemRow]:
    hidden = hidden_items(db, space)
    return [
        ItemRow(OpId(item_id), DeviceId(author), created, title, text, bool(deleted), item_id in hidden)
        for item_id, author, created, title, text, deleted in db.execute(
            "SELECT item_id, author, created_hlc, title, text, deleted FROM items"
            " WHERE space = ? ORDER BY item_id",
            (space,),
        )
    ]


def state_hash(db: sqlite3.Connection, space: SpaceId) -> bytes:
    """Hash of the canonical materialized state: equal hashes mean the same state."""
    member_rows = [[m.device, m.name, m.level] for m in members(db, space)]
    setting_rows = [
        [key, value]
        for key, value in db.execute("SELECT key, value FROM settings WHERE space = ? ORDER BY key", (space,))
    ]
    item_rows = [
        [i.item_id, i.author, i.created_hlc, i.title, i.text, i.deleted, i.hidden] for i in items(db, space)
    ]
    return digest(pack([member_rows, setting_rows, item_rows]), person=b"sc-state")
