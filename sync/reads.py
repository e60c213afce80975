"""The reads the application asks of the core that are not a view of one feature's items
(`sync.views`) or a page of them (`sync.paging`): counts, lookups by id prefix, a
feature's rows in the shape its service needs. Every SQL statement the app layer needs
lives here or in those two, behind typed results: `make lint` fails on SQL outside `sync/`
(tests/lint/sql_outside_core.py).

Called on the database worker with the replica's connection; read-only.
"""

from __future__ import annotations

import sqlite3

from sync.ids import DeviceId, OpId, SpaceId
from sync.state import ItemRow, items
from sync.wire.canonical import unpack_canonical


# -- spaces and members ---------------------------------------------------------------------
def op_count(db: sqlite3.Connection, space: SpaceId) -> int:
    return int(db.execute("SELECT COUNT(*) FROM ops WHERE space = ?", (space,)).fetchone()[0])


def description(db: sqlite3.Connection, space: SpaceId) -> str:
    """The circle's description setting ("" when none was set)."""
    found = db.execute(
        "SELECT value FROM settings WHERE space = ? AND key = 'description'", (space,)
    ).fetchone()
    return str(unpack_canonical(found[0])) if found else ""


def spaces_with_member(db: sqlite3.Connection, device: DeviceId) -> set[SpaceId]:
    """Spaces whose member table lists `device` (joins still being confirmed included)."""
    return {
        SpaceId(space) for (space,) in db.execute("SELECT space FROM members WHERE device = ?", (device,))
    }


def member_devices(db: sqlite3.Connection, space: SpaceId) -> list[DeviceId]:
    return [DeviceId(row[0]) for row in db.execute("SELECT device FROM members WHERE space = ?", (space,))]


def spaces_with_setting(db: sqlite3.Connection, key: str) -> list[tuple[SpaceId, bytes]]:
    """(space, encoded value) of every space that has setting `key`, oldest space first."""
    return [
        (SpaceId(space), value)
        for space, value in db.execute(
            "SELECT s.space, s.value FROM settings s JOIN spaces p ON p.space = s.space"
            " WHERE s.key = ? ORDER BY p.rowid",
            (key,),
        )
    ]


def has_pending(db: sqlite3.Connection, space: SpaceId) -> bool:
    """Whether ops of the space still wait for a missing parent."""
    return db.execute("SELECT 1 FROM pending WHERE space = ? LIMIT 1", (space,)).fetchone() is not None


def ops_after(db: sqlite3.Connection, space: SpaceId, author: int, seq: int) -> list[tuple[int, int]]:
    """(rowid, seq) of the ops past `seq` of the author with index `author` (the space's
    author table), in the order stored."""
    rows = db.execute(
        "SELECT rowid, seq FROM ops WHERE space = ? AND author = ? AND seq > ? ORDER BY rowid",
        (space, author, seq),
    ).fetchall()
    return [(int(rowid), int(found)) for rowid, found in rows]


# -- items ----------------------------------------------------------------------------------
def item_ids_between(
    db: sqlite3.Connection, space: SpaceId, low: bytes, high: bytes, *, limit: int, type_: str | None = None
) -> list[OpId]:
    """Undeleted items whose id lies in [low, high] (an id prefix typed by a person)."""
    where = "" if type_ is None else " AND type = ?"
    rows = db.execute(
        "SELECT item_id FROM items WHERE space = ? AND item_id BETWEEN ? AND ?"
        f"{where} AND deleted = 0 LIMIT ?",
        (space, low, high, *(() if type_ is None else (type_,)), limit),
    )
    return [OpId(item_id) for (item_id,) in rows]


def notes(db: sqlite3.Connection, space: SpaceId, *, tag: str | None = None) -> list[ItemRow]:
    """The space's undeleted notes, oldest first; with `tag`, only those carrying it."""
    if tag is None:
        return items(db, space, where="type = 'note' AND deleted = 0")
    return items(
        db,
        space,
        where="type = 'note' AND deleted = 0"
        " AND item_id IN (SELECT item_id FROM item_tags WHERE space = ? AND tag = ?)",
        params=(space, tag),
    )


def notes_titled(db: sqlite3.Connection, space: SpaceId, prefix: str, *, limit: int) -> list[ItemRow]:
    """Undeleted notes whose title starts with `prefix` (case as SQLite's LIKE), by title."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    where = "type = 'note' AND deleted = 0 AND title LIKE ? ESCAPE '\\'"
    return items(db, space, where=where, params=(escaped + "%",), order="title", limit=limit)


def last_op_rowid(db: sqlite3.Connection) -> int:
    """The newest op's position in the store (0 when empty): a mark for "seen up to here"."""
    return int(db.execute("SELECT COALESCE(MAX(rowid), 0) FROM ops").fetchone()[0])


# An item `i` in an op `o` not written by another device of the person of the device
# given as the parameter (one person's devices, unlinked ones too, in `device_persons`).
NOT_MY_OTHER_DEVICES = (
    " AND i.author NOT IN (SELECT d.device FROM device_persons m JOIN device_persons d"
    " ON d.space = m.space AND d.person = m.person WHERE m.space = o.space AND m.device = ?)"
)


def items_added_after(
    db: sqlite3.Connection, rowid: int, *, not_by: DeviceId
) -> list[tuple[int, SpaceId, OpId]]:
    """(op rowid, space, item id) of undeleted items stored after `rowid`, not authored by
    `not_by` nor by another device of its person in that space (`device_persons`). The
    rowid range first: ops_chain would read every op of a space."""
    rows = db.execute(
        "SELECT o.rowid, o.space, i.item_id FROM ops o"
        " JOIN items i ON i.space = o.space AND i.item_id = o.op_id"
        " WHERE o.rowid > ? AND i.author != ? AND i.deleted = 0" + NOT_MY_OTHER_DEVICES,
        (rowid, not_by, not_by),
    ).fetchall()
    return [(int(found), SpaceId(space), OpId(item_id)) for found, space, item_id in rows]


# -- help desk ------------------------------------------------------------------------------
def help_events_since(
    db: sqlite3.Connection, space: SpaceId, since_hlc: int
) -> list[tuple[str, OpId, OpId, DeviceId]]:
    """(event, op, request, who) for requests asked, answers given and escalations with a
    clock at or after `since_hlc`: event is "asked", "answered" or "escalated"."""
    found = [
        ("asked" if type_ == "help" else "answered", OpId(item_id), OpId(parent or item_id), DeviceId(author))
        for item_id, type_, parent, author in db.execute(
            "SELECT item_id, type, parent, author FROM items WHERE space = ? AND type IN ('help', 'answer')"
            " AND created_hlc >= ? AND deleted = 0",
            (space, since_hlc),
        )
    ]
    found += [
        ("escalated", OpId(op_id), OpId(request), DeviceId(device))
        for op_id, request, device in db.execute(
            "SELECT op_id, request, device FROM help_steps"
            " WHERE space = ? AND step = 'escalate' AND hlc >= ?",
            (space, since_hlc),
        )
    ]
    return found


def marks_since(db: sqlite3.Connection, space: SpaceId, since_hlc: int) -> list[tuple[OpId, OpId, str, int]]:
    """(op, item, mark, author index) for moderation marks (hide, lock, redact…) put on
    items with a clock at or after `since_hlc`."""
    return [
        (OpId(op_id), OpId(item), str(mark), int(author))
        for op_id, item, mark, author in db.execute(
            "SELECT m.op_id, m.item_id, m.mark, m.author FROM item_marks m JOIN ops o ON o.op_id = m.op_id"
            " WHERE m.space = ? AND o.hlc >= ?",
            (space, since_hlc),
        )
    ]


def item_brief(
    db: sqlite3.Connection, space: SpaceId, item: OpId
) -> tuple[str, str, str, DeviceId, OpId | None] | None:
    """An item's type, title, text, author and parent (None when absent)."""
    row = db.execute(
        "SELECT type, title, text, author, parent FROM items WHERE space = ? AND item_id = ?", (space, item)
    ).fetchone()
    if row is None:
        return None
    return str(row[0]), str(row[1]), str(row[2]), DeviceId(row[3]), OpId(row[4]) if row[4] else None


def title_and_author(db: sqlite3.Connection, space: SpaceId, item: OpId) -> tuple[str, DeviceId] | None:
    """An undeleted item's title and author (None when absent or deleted)."""
    row = db.execute(
        "SELECT title, author FROM items WHERE space = ? AND item_id = ? AND deleted = 0", (space, item)
    ).fetchone()
    return None if row is None else (str(row[0]), DeviceId(row[1]))
