"""A glance at a device's data for the desktop's first paint: the person's name, the
circles the sidebar lists (with their unread counts) and the first page of My notes,
read straight from the database file, read-only, before trio, the replica and the
network stack are imported (bench/startup.py: they take longer than a bare PySide6
window does to start).

What it returns is what the core's own queries return for the same file
(`Commands.circles` with `app.services.membership`, `app.services.unread.counts`, `app.services.notes.page`);
tests/app/test_glance.py holds the two side by side. The one module outside `sync/` with
SQL in it, on purpose (tests/lint/sql_outside_core.py exempts it by name). It reads the materialized tables
(`spaces`, `settings`, `members`, `items`, `item_tags`) and decodes only a circle's
genesis body, for its name. The connection is opened read-only, never writes (no
journal, no WAL checkpoint) and is closed before `read` returns, so the core that
opens the file next is never kept waiting.

Runs on the GUI thread, once, before the first paint; imports no trio, no replica.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.paths import database_path, key_path, profile_path
from app.services.glance_rows import NoteSummary
from sync.hlc import wall_ms
from sync.ids import DeviceId, SpaceId
from sync.policy import MODERATOR

PAGE = 200  # rows of a list's page: the first paint's, and each `ui.paged_list` reads
PERSONAL = "personal"  # app.personal.PERSONAL (not imported: it brings the replica)


@dataclass(frozen=True, slots=True)
class Glance:
    """What the window shows first; `None` fields mean "ask the core"."""

    name: str
    me: DeviceId
    circles: list[tuple[SpaceId, str]]  # the sidebar's, in `Commands.circles` order
    mark_now: int  # `app.services.unread`'s mark for "everything so far"
    unread: dict[SpaceId, int]  # per circle given a mark: items new since it
    notes_space: SpaceId | None
    notes: list[NoteSummary]  # the first page of My notes, as `app.services.notes.page` gives it
    notes_after: tuple[int, bytes] | None  # where the next page starts


def read(home: Path, *, marks: Mapping[bytes, int] | None = None) -> Glance | None:
    """A glance at `home`'s data, or None when there is nothing to glance at yet (no
    identity, no database) or the file cannot be read this way (then the window waits
    for the core, as it did before there was a glance)."""
    try:
        seed = key_path(home).read_bytes()
        name = str(json.loads(profile_path(home).read_text(encoding="utf-8"))["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = database_path(home)
    if len(seed) != 32 or not path.exists():
        return None
    from sync.identity import DeviceKey  # the device id is the seed's public key

    me = DeviceKey(seed).device_id
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        db.execute("BEGIN")  # one snapshot for every read below; released at close
        return _read(db, name=name, me=me, marks=dict(marks or {}))
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _read(db: sqlite3.Connection, *, name: str, me: DeviceId, marks: dict[bytes, int]) -> Glance:
    spaces = [SpaceId(row[0]) for row in db.execute("SELECT space FROM spaces ORDER BY rowid")]
    personal = [space for space in spaces if _is_my_personal(db, space, me)]
    mine = {row[0] for row in db.execute("SELECT space FROM members WHERE device = ?", (me,))}
    circles = [(space, _name(db, space)) for space in spaces if space not in personal and space in mine]
    mark_now = int(db.execute("SELECT COALESCE(MAX(rowid), 0) FROM ops").fetchone()[0])
    listed = {space for space, _ in circles}
    unread = _unread(db, me, {space: mark for space, mark in marks.items() if space in listed})
    notes_space = personal[0] if personal else None
    notes, after = _first_notes(db, notes_space) if notes_space is not None else ([], None)
    return Glance(name, me, circles, mark_now, unread, notes_space, notes, after)


def _is_my_personal(db: sqlite3.Connection, space: SpaceId, me: DeviceId) -> bool:
    """As `app.personal.personal_spaces`: marked personal, I am a member device, and every
    member device is of the person who made it."""
    from sync.wire.canonical import unpack_canonical

    mark = db.execute("SELECT value FROM settings WHERE space = ? AND key = ?", (space, PERSONAL)).fetchone()
    if mark is None or unpack_canonical(mark[0]) is not True:
        return False
    members = db.execute(
        "SELECT device, COALESCE(person, device) FROM members WHERE space = ?", (space,)
    ).fetchall()
    if me not in {row[0] for row in members}:
        return False
    maker = db.execute(
        "SELECT a.device FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
        " WHERE o.space = ? AND o.op_id = ? AND o.kind = 'space.genesis'",
        (space, space),
    ).fetchone()
    return maker is not None and all(person == maker[0] for _, person in members)


def _name(db: sqlite3.Connection, space: SpaceId) -> str:
    """The name its genesis gave the circle (`sync.space.load`: `context.name`)."""
    from sync.wire.canonical import unpack_canonical

    row = db.execute(
        "SELECT b.plaintext FROM ops o JOIN auth_bodies b USING (op_id)"
        " WHERE o.space = ? AND o.kind = 'space.genesis' AND o.op_id = ?",
        (space, space),
    ).fetchone()
    if row is None:
        return ""
    body = unpack_canonical(row[0])  # a body the replica admitted: a canonical map
    value = body.get("name", "") if isinstance(body, dict) else ""
    return value if isinstance(value, str) else ""


# As `sync.reads.NOT_MY_OTHER_DEVICES` (copied, not imported: sync.reads pulls in the
# reducers; tests/app/test_glance.py checks the two are the same).
NOT_MY_OTHER_DEVICES = (
    " AND i.author NOT IN (SELECT d.device FROM device_persons m JOIN device_persons d"
    " ON d.space = m.space AND d.person = m.person WHERE m.space = o.space AND m.device = ?)"
)


def _unread(db: sqlite3.Connection, me: DeviceId, marks: dict[bytes, int]) -> dict[SpaceId, int]:
    """As `app.services.unread._counts`."""
    if not marks:
        return {}
    new: dict[bytes, list[bytes]] = {}
    for rowid, space, item_id in db.execute(
        "SELECT o.rowid, o.space, i.item_id FROM ops o"
        " JOIN items i ON i.space = o.space AND i.item_id = o.op_id"
        " WHERE o.rowid > ? AND i.author != ? AND i.deleted = 0" + NOT_MY_OTHER_DEVICES,
        (min(marks.values()), me, me),
    ):
        if space in marks and rowid > marks[space]:
            new.setdefault(space, []).append(item_id)
    counts = {SpaceId(space): 0 for space in marks}
    for space, found in new.items():
        hidden = _hidden(db, SpaceId(space), me)
        counts[SpaceId(space)] = sum(1 for item_id in found if item_id not in hidden)
    return counts


def _hidden(db: sqlite3.Connection, space: SpaceId, me: DeviceId) -> set[bytes]:
    """Items hidden from me in `space` (none for a moderator)."""
    level = db.execute("SELECT level FROM members WHERE space = ? AND device = ?", (space, me)).fetchone()
    if level is not None and level[0] >= MODERATOR:
        return set()
    if db.execute("SELECT 1 FROM item_marks WHERE space = ? LIMIT 1", (space,)).fetchone() is None:
        return set()
    from sync.state import hidden_items  # only where something was moderated

    return set(hidden_items(db, space))


def _first_notes(
    db: sqlite3.Connection, space: SpaceId
) -> tuple[list[NoteSummary], tuple[int, bytes] | None]:
    """As `app.services.notes.page(limit=PAGE)`: newest first, with each note's tags."""
    read = db.execute(
        "SELECT item_id, title, created_hlc FROM items WHERE space = ? AND type = 'note' AND deleted = 0"
        " ORDER BY created_hlc DESC, item_id DESC LIMIT ?",
        (space, PAGE),
    ).fetchall()
    tags: dict[bytes, list[str]] = {}
    ids = [row[0] for row in read]  # PAGE ids: well within SQLite's limit of bound values
    for item_id, tag in db.execute(
        f"SELECT item_id, tag FROM item_tags WHERE space = ? AND item_id IN ({','.join('?' * len(ids))})"
        " ORDER BY item_id, tag",
        (space, *ids),
    ):
        tags.setdefault(item_id, []).append(tag)
    rows = [
        NoteSummary(
            note_id=item_id.hex(), title=title, tags=tuple(tags.get(item_id, [])), created=_created(hlc)
        )
        for item_id, title, hlc in read
    ]
    after = (read[-1][2], bytes(read[-1][0])) if len(read) == PAGE else None
    return rows, after


def _created(hlc: int) -> str:
    """As `app.services.notes.created`."""
    return datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC).isoformat(timespec="seconds")
