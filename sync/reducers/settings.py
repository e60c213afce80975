"""Space settings: a last-writer-wins map, ordered by (hlc, op id)."""

from __future__ import annotations

import sqlite3

from sync.kinds import Setting
from sync.reducers import Applied, Handler
from sync.wire.canonical import pack


def _check(db: sqlite3.Connection, op: Applied, body: Setting) -> None:
    return None


def _apply(db: sqlite3.Connection, op: Applied, body: Setting) -> None:
    db.execute(
        """
        INSERT INTO settings (space, key, value, hlc, op_id) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (space, key) DO UPDATE SET
            value = excluded.value, hlc = excluded.hlc, op_id = excluded.op_id
        WHERE excluded.hlc > settings.hlc
           OR (excluded.hlc = settings.hlc AND excluded.op_id > settings.op_id)
        """,
        (op.space, body.key, pack(body.value), op.hlc, op.op_id),
    )


HANDLERS = {"space.settings": Handler("settings.set", _check, _apply)}
