"""What the content reducers share: finding an item in an op's causal past, inserting
items with their tags, and keeping a note's links and search index in step.

A reference is judged against the op's causal past only, so whether an op is valid
never depends on what else has arrived: the item it names must be a valid op the
author had seen when writing.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from sync.ids import OpId
from sync.reducers import Applied
from sync.wire.canonical import pack

#: `[[Title]]` or `[[Title|shown text]]`; the title is what a link points at.
LINK = re.compile(r"\[\[([^\[\]|\n]{1,500})(?:\|[^\[\]\n]*)?\]\]")

TITLED = frozenset({"thread", "resource", "help", "note"})


@dataclass(frozen=True, slots=True)
class Origin:
    """The creating op of an item, as stored in `items`."""

    type: str
    device: bytes
    author: int
    seq: int
    parent: bytes | None


def origin(
    db: sqlite3.Connection, op: Applied, item: bytes, types: frozenset[str] | None = None
) -> Origin | None:
    """The item `item` if it is in `op`'s causal past (and of one of `types`), else None."""
    row = db.execute(
        "SELECT type, author, author_idx, seq, parent FROM items WHERE space = ? AND item_id = ?",
        (op.space, item),
    ).fetchone()
    if row is None or op.clock.get(row[2], 0) < row[3] or (types is not None and row[0] not in types):
        return None
    return Origin(*row)


def insert_item(
    db: sqlite3.Connection,
    op: Applied,
    type_: str,
    *,
    title: str = "",
    text: str = "",
    parent: OpId | None = None,
    tags: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    db.execute(
        "INSERT OR IGNORE INTO items (space, item_id, type, parent, author, author_idx, seq, created_hlc,"
        " title, text, extra, edit_hlc, edit_op) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            type_,
            parent,
            op.device,
            op.author,
            op.seq,
            op.hlc,
            title,
            text,
            pack(extra) if extra else None,
            op.hlc,
            op.op_id,
        ),
    )
    if tags:
        set_tags(db, op, op.op_id, tags)


def set_tags(db: sqlite3.Connection, op: Applied, item: bytes, tags: tuple[str, ...]) -> None:
    db.execute("DELETE FROM item_tags WHERE space = ? AND item_id = ?", (op.space, item))
    db.executemany(
        "INSERT OR IGNORE INTO item_tags (space, item_id, tag) VALUES (?, ?, ?)",
        [(op.space, item, tag.lower()) for tag in tags],
    )


def link_targets(text: str) -> set[str]:
    return {match.group(1).strip().lower() for match in LINK.finditer(text) if match.group(1).strip()}


def index_note(db: sqlite3.Connection, op: Applied, item: bytes) -> None:
    """(Re)write a note's links and its row in the full-text index from its current state.

    The index row shares the item's rowid, so replacing it is a lookup, not a scan.
    """
    rowid, title, text = db.execute(
        "SELECT rowid, title, text FROM items WHERE space = ? AND item_id = ?", (op.space, item)
    ).fetchone()
    tags = " ".join(
        tag
        for (tag,) in db.execute(
            "SELECT tag FROM item_tags WHERE space = ? AND item_id = ?", (op.space, item)
        )
    )
    db.execute("DELETE FROM note_links WHERE space = ? AND item_id = ?", (op.space, item))
    db.executemany(
        "INSERT INTO note_links (space, item_id, target) VALUES (?, ?, ?)",
        [(op.space, item, target) for target in sorted(link_targets(text))],
    )
    db.execute("DELETE FROM note_search WHERE rowid = ?", (rowid,))
    db.execute(
        "INSERT INTO note_search (rowid, title, text, tags, space, item_id) VALUES (?, ?, ?, ?, ?, ?)",
        (rowid, title, text, tags, op.space, item),
    )
