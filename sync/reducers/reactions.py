"""Reactions and thanks: one last-writer-wins register per (item, author, reaction),
ordered by (hlc, op id); a count is the number of distinct authors with it on. Thanking
your own item is refused, from any of your devices — recognition comes from others.
"""

from __future__ import annotations

import sqlite3

from sync.content import Reaction
from sync.errors import Reason
from sync.reducers import Applied, Handler
from sync.reducers.common import origin


def _check(db: sqlite3.Connection, op: Applied, body: Reaction) -> Reason | None:
    found = origin(db, op, body.item)
    if found is None:
        return Reason.BAD_CONTENT
    return Reason.NOT_PERMITTED if op.by_author_of(found.author) and body.reaction == "thanks" else None


def _apply(db: sqlite3.Connection, op: Applied, body: Reaction) -> None:
    db.execute(
        """
        INSERT INTO reactions (space, item_id, device, reaction, active, hlc, op_id)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (space, item_id, device, reaction) DO UPDATE SET
            active = excluded.active, hlc = excluded.hlc, op_id = excluded.op_id
        WHERE excluded.hlc > reactions.hlc
           OR (excluded.hlc = reactions.hlc AND excluded.op_id > reactions.op_id)
        """,
        (op.space, body.item, op.device, body.reaction, int(body.on), op.hlc, op.op_id),
    )


HANDLERS = {"react.set": Handler("react", _check, _apply)}
