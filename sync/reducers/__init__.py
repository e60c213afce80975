"""Reducers: one pure handler per content kind, folding valid ops into materialized tables.

Each handler states its CRDT so the tables are the same whatever order valid ops are
applied in: settings are last-writer-wins registers ordered by (hlc, op id); items are
an add-wins set keyed by the creating op, with author-owned last-writer-wins edits and
a delete tombstone; moderation marks are kept whole and resolved when read (a hide
wins over any unhide that had not seen it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync.errors import Reason
from sync.ids import DeviceId, OpId, SpaceId


@dataclass(frozen=True, slots=True)
class Applied:
    """What a reducer needs to know about the op it folds in."""

    space: SpaceId
    op_id: OpId
    author: int
    device: DeviceId
    seq: int
    hlc: int
    clock: dict[int, int]
    level: int


@dataclass(frozen=True, slots=True)
class Handler:
    action: str | None
    check: Callable[[sqlite3.Connection, Applied, Any], Reason | None]
    apply: Callable[[sqlite3.Connection, Applied, Any], None]


MATERIALIZED_TABLES = ("members", "settings", "items", "item_marks")


def clear(db: sqlite3.Connection, space: SpaceId) -> None:
    for table in MATERIALIZED_TABLES:
        db.execute(f"DELETE FROM {table} WHERE space = ?", (space,))


def handlers() -> dict[str, Handler]:
    from sync.reducers import items, settings

    return {**items.HANDLERS, **settings.HANDLERS}
