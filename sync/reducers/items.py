"""Generic items (the engine's test content): add-wins set, author-owned LWW edits,
delete tombstones, and teacher moderation marks.
"""

from __future__ import annotations

import sqlite3

from sync.errors import Reason
from sync.kinds import ItemEdit, ItemPut, ItemRef
from sync.reducers import Applied, Handler
from sync.wire.clock import encode_clock


def _item_origin(db: sqlite3.Connection, op: Applied, item: bytes) -> tuple[int, int] | None:
    """(author, seq) of a valid item op in `op`'s causal past, else None."""
    row = db.execute(
        "SELECT author, seq FROM ops WHERE op_id = ? AND space = ? AND kind = 'item.put' AND status = 0",
        (item, op.space),
    ).fetchone()
    if row is None or op.clock.get(row[0], 0) < row[1]:
        return None
    return row[0], row[1]


def _check_put(db: sqlite3.Connection, op: Applied, body: ItemPut) -> Reason | None:
    return None


def _apply_put(db: sqlite3.Connection, op: Applied, body: ItemPut) -> None:
    db.execute(
        "INSERT OR IGNORE INTO items (space, item_id, author, created_hlc, title, text,"
        " edit_hlc, edit_op) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (op.space, op.op_id, op.device, op.hlc, body.title, body.text, op.hlc, op.op_id),
    )


def _check_own(db: sqlite3.Connection, op: Applied, body: ItemEdit | ItemRef) -> Reason | None:
    origin = _item_origin(db, op, body.item)
    if origin is None:
        return Reason.BAD_CONTENT
    return None if origin[0] == op.author else Reason.NOT_PERMITTED


def _apply_edit(db: sqlite3.Connection, op: Applied, body: ItemEdit) -> None:
    db.execute(
        "UPDATE items SET title = ?, text = ?, edit_hlc = ?, edit_op = ?"
        " WHERE space = ? AND item_id = ?"
        " AND (edit_hlc < ? OR (edit_hlc = ? AND edit_op < ?))",
        (body.title, body.text, op.hlc, op.op_id, op.space, body.item, op.hlc, op.hlc, op.op_id),
    )


def _apply_delete(db: sqlite3.Connection, op: Applied, body: ItemRef) -> None:
    db.execute("UPDATE items SET deleted = 1 WHERE space = ? AND item_id = ?", (op.space, body.item))


def _check_mark(db: sqlite3.Connection, op: Applied, body: ItemRef) -> Reason | None:
    return None if _item_origin(db, op, body.item) is not None else Reason.BAD_CONTENT


def _mark(hide: bool):
    def apply(db: sqlite3.Connection, op: Applied, body: ItemRef) -> None:
        db.execute(
            "INSERT OR IGNORE INTO item_marks (op_id, space, item_id, hide, author, seq, clock)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (op.op_id, op.space, body.item, int(hide), op.author, op.seq, encode_clock(op.clock)),
        )

    return apply


HANDLERS = {
    "item.put": Handler("item.post", _check_put, _apply_put),
    "item.edit": Handler("item.post", _check_own, _apply_edit),
    "item.delete": Handler("item.post", _check_own, _apply_delete),
    "mod.hide": Handler("mod.hide", _check_mark, _mark(True)),
    "mod.unhide": Handler("mod.unhide", _check_mark, _mark(False)),
}
