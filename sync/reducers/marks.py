"""Moderation: teachers hide, unhide, lock, unlock and redact items.

Marks are kept whole and what they add up to is decided when read, so the answer is
the same in any arrival order: a hide (or lock) is in force unless an unhide (unlock)
had seen it — a concurrent hide and unhide leave the item hidden. A redaction is
final. A lock holds back new replies, answers and steps from everyone below teacher,
judged over the replying op's causal past.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sync.content import ItemRef
from sync.errors import Reason
from sync.policy import MODERATOR
from sync.reducers import Applied, Handler
from sync.reducers.common import origin
from sync.wire.clock import decode_clock, encode_clock

UNDO = {"hide": "unhide", "lock": "unlock"}


@dataclass(frozen=True, slots=True)
class Mark:
    mark: str
    author: int
    seq: int
    clock: dict[int, int]


@dataclass(frozen=True, slots=True)
class Moderation:
    hidden: bool = False
    locked: bool = False
    redacted: bool = False


def resolve(marks: Iterable[Mark]) -> Moderation:
    marks = list(marks)

    def in_force(mark: str) -> bool:
        undos = [m.clock for m in marks if m.mark == UNDO[mark]]
        return any(
            m.mark == mark and not any(clock.get(m.author, 0) >= m.seq for clock in undos) for m in marks
        )

    return Moderation(in_force("hide"), in_force("lock"), any(m.mark == "redact" for m in marks))


def marks_of(db: sqlite3.Connection, space: bytes, item: bytes) -> list[Mark]:
    return [
        Mark(mark, author, seq, decode_clock(clock))
        for mark, author, seq, clock in db.execute(
            "SELECT mark, author, seq, clock FROM item_marks WHERE space = ? AND item_id = ?", (space, item)
        )
    ]


def moderation(db: sqlite3.Connection, space: bytes) -> dict[bytes, Moderation]:
    """Every moderated item of the space and what its marks add up to."""
    by_item: dict[bytes, list[Mark]] = {}
    for item, mark, author, seq, clock in db.execute(
        "SELECT item_id, mark, author, seq, clock FROM item_marks WHERE space = ?", (space,)
    ):
        by_item.setdefault(item, []).append(Mark(mark, author, seq, decode_clock(clock)))
    return {item: resolve(marks) for item, marks in by_item.items()}


def locked_for(db: sqlite3.Connection, op: Applied, item: bytes) -> bool:
    """Was `item` locked in `op`'s causal past (and is `op`'s author below teacher)?"""
    if op.level >= MODERATOR:
        return False
    seen = [m for m in marks_of(db, op.space, item) if op.clock.get(m.author, 0) >= m.seq]
    return resolve(seen).locked


def _check(db: sqlite3.Connection, op: Applied, body: ItemRef) -> Reason | None:
    return None if origin(db, op, body.item) is not None else Reason.BAD_CONTENT


def _mark(mark: str) -> Callable[[sqlite3.Connection, Applied, ItemRef], None]:
    def apply(db: sqlite3.Connection, op: Applied, body: ItemRef) -> None:
        db.execute(
            "INSERT OR IGNORE INTO item_marks (op_id, space, item_id, mark, author, seq, clock)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (op.op_id, op.space, body.item, mark, op.author, op.seq, encode_clock(op.clock)),
        )

    return apply


HANDLERS = {
    "mod.hide": Handler("mod.hide", _check, _mark("hide")),
    "mod.unhide": Handler("mod.unhide", _check, _mark("unhide")),
    "mod.lock": Handler("mod.lock", _check, _mark("lock")),
    "mod.unlock": Handler("mod.lock", _check, _mark("unlock")),
    "mod.redact": Handler("mod.redact", _check, _mark("redact")),
}
