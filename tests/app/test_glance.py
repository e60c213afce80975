"""`app.services.glance`, the desktop's first paint, against the core's own queries over the same
real data directory: the circles (current ones, by name), their unread counts (others'
items after a mark, hidden ones left out for a member), the first page of My notes (with
tags, past a deleted note) and where the next page starts. The read is read-only and
leaves the file free for the core to write at once.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.paths import database_path
from app.personal import NAME, PERSONAL
from app.services import glance, membership, notes, unread
from app.services.commands import Commands
from sync import writer
from sync.ids import SpaceId
from sync.policy import Level
from sync.replica import Replica
from sync.store import Store
from tests.sync.helpers import reconcile

NOW = 1_790_000_000_000


def _replica(home: Path) -> Replica:
    return Replica(Store(database_path(home)), identity.load(home).key)


def make_homes(tmp_path: Path) -> tuple[Path, SpaceId, SpaceId, int]:
    """Ben's home: 230 notes (one deleted, some tagged), Ana's circle "Algebra" he joined
    (where Ana then posts three threads and hides one), and a circle "Old" he left.
    Returns his home, the two circles' ids and his mark from before Ana's threads."""
    ana_home, ben_home = tmp_path / "ana", tmp_path / "ben"
    identity.create(ana_home, "Ana")
    identity.create(ben_home, "Ben")
    ana, ben = _replica(ana_home), _replica(ben_home)
    try:
        personal = writer.create_space(
            ben, name=NAME, member_name="Ben", space_key=secrets.token_bytes(32), now_ms=NOW,
            settings={PERSONAL: True},
        )
        batch = [
            ("note.put", {"title": f"Note {n}", "text": "", "tags": ["odd"] if n % 2 else []})
            for n in range(230)
        ]
        written, _ = writer.write_many(ben, personal, batch, now_ms=NOW)
        writer.write(ben, personal, "item.delete", {"item": written[-2].op_id}, now_ms=NOW + 1)
        algebra = writer.create_space(
            ana, name="Algebra", member_name="Ana", space_key=secrets.token_bytes(32), now_ms=NOW
        )
        old = writer.create_space(
            ana, name="Old", member_name="Ana", space_key=secrets.token_bytes(32), now_ms=NOW
        )
        for space in (algebra, old):
            invite = writer.invite(
                ana, space, role=Level.MEMBER, uses=1, expires_ms=NOW + 10**9, nonce=secrets.token_bytes(16)
            )
            writer.accept_invite(ben, invite)
            reconcile(ana, ben, space)
            writer.join(ben, invite, member_name="Ben", now_ms=NOW + 2)
            reconcile(ana, ben, space)
        writer.leave(ben, old, now_ms=NOW + 3)
        mark = int(ben.db.execute("SELECT MAX(rowid) FROM ops").fetchone()[0])
        thread = {"title": "Thread", "text": "?", "tags": []}
        threads = [writer.write(ana, algebra, "item.put", thread, now_ms=NOW + 4) for _ in range(3)]
        writer.write(ana, algebra, "mod.hide", {"item": threads[1][0].op_id}, now_ms=NOW + 5)
        reconcile(ana, ben, algebra)
    finally:
        ana.store.close()
        ben.store.close()
    return ben_home, algebra, old, mark


async def test_the_glance_shows_what_the_core_then_lists(tmp_path: Path) -> None:
    home, algebra, old, mark = make_homes(tmp_path)

    seen = glance.read(home, marks={algebra: mark, old: mark})  # a mark kept from before he left

    me = identity.load(home)
    database = Database(database_path(home), me.key, verify_workers=0)
    try:
        commands = Commands(database=database, identity=me, clock=SystemClock())
        current = await membership.current_circles(commands)
        circles = [(space, name) for space, name in await commands.circles() if space in current]
        now, counts = await unread.counts(commands, {algebra: mark})
        page = await notes.page(commands, limit=glance.PAGE)
        space = await notes.notes_space(commands, create=False)
    finally:
        database.close()
    assert seen is not None
    assert glance.PERSONAL == PERSONAL  # the mark it looks for is the one app.personal sets
    assert (seen.name, seen.me) == ("Ben", me.key.device_id)
    assert seen.circles == circles == [(algebra, "Algebra")]  # not the circle he left…
    assert old not in seen.unread  # …nor a count for it
    assert (seen.mark_now, seen.unread) == (now, counts) == (now, {algebra: 2})  # one is hidden
    assert seen.notes_space == space
    assert seen.notes == page.rows
    assert seen.notes_after == page.after is not None  # 229 notes: a next page
    assert [row.title for row in seen.notes[:2]] == ["Note 229", "Note 227"]  # 228 deleted
    assert seen.notes[0].tags == ("odd",)


def test_the_glance_is_read_only_and_leaves_the_file_free(tmp_path: Path) -> None:
    home, _, _, _ = make_homes(tmp_path)
    path = database_path(home)
    before = path.read_bytes()

    assert glance.read(home) is not None

    assert path.read_bytes() == before  # nothing written (no checkpoint, no journal)
    writer_db = sqlite3.connect(path, timeout=0)  # a writer that would not wait a moment
    try:
        writer_db.execute("BEGIN IMMEDIATE")
        writer_db.execute("DELETE FROM items WHERE 0")
        writer_db.execute("COMMIT")
    finally:
        writer_db.close()


def test_without_data_there_is_nothing_to_glance_at_and_nothing_is_made(tmp_path: Path) -> None:
    assert glance.read(tmp_path / "nobody") is None
    identity.create(tmp_path / "new", "Cleo")
    assert glance.read(tmp_path / "new") is None
    assert not database_path(tmp_path / "new").exists()


def test_the_rows_module_re_exports_the_first_paints_rows_as_the_same_classes() -> None:
    from app.services import glance_rows, rows

    assert rows.NoteSummary is glance_rows.NoteSummary  # one class: isinstance and == agree
    assert "NoteSummary" in rows.__all__
