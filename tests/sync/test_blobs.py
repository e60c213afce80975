"""Blobs in the store: ids, chunked storage that is whole or absent, which blobs a space
refers to, as a function of its valid ops, and which it holds here: only those it both
refers to and holds are served, and those it refers to but does not hold are wanted."""

from __future__ import annotations

from importlib import resources

import pytest

from sync import blobs, writer
from sync.content import MAX_FILE_BYTES
from sync.errors import Reason, Rejected
from sync.ids import digest
from sync.policy import Level
from sync.replica import Replica
from sync.store import Store
from sync.wire.blob import CHUNK_BYTES
from tests.sync.helpers import Circle, Clock, new_replica, seed


def count(replica: Replica, table: str) -> int:
    return int(replica.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_a_blob_id_is_a_personalised_blake2b_of_the_bytes() -> None:
    data = b"lecture notes"
    assert blobs.blob_id(data) == digest(data, person=b"sc-blob")
    assert blobs.blob_id(data) != digest(data)  # never an op id or another protocol hash
    incremental = blobs.hasher()
    incremental.update(data[:4])
    incremental.update(data[4:])
    assert incremental.digest() == blobs.blob_id(data)


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5])
def test_a_blob_is_stored_in_chunks_and_read_back_whole(size: int) -> None:
    replica = new_replica("ana")
    data = bytes(index % 251 for index in range(size))
    blob = blobs.put(replica.store, data)
    assert blob == blobs.blob_id(data)
    assert blobs.has(replica.db, blob) and blobs.size_of(replica.db, blob) == size
    chunks = list(blobs.read(replica.db, blob))
    assert b"".join(chunks) == data
    assert len(chunks) == blobs.chunk_count(size) == -(-size // CHUNK_BYTES)
    assert all(len(chunk) <= CHUNK_BYTES for chunk in chunks)
    assert blobs.put(replica.store, data) == blob  # storing it again changes nothing
    assert count(replica, "blobs") == 1 and count(replica, "blob_chunks") == len(chunks)


def test_bytes_that_are_not_the_named_blob_are_refused_and_nothing_is_stored() -> None:
    replica = new_replica("ana")
    data = bytes(CHUNK_BYTES + 10)
    blob = blobs.blob_id(data)
    corrupt = bytearray(data)
    corrupt[-1] ^= 1
    with pytest.raises(Rejected) as raised:
        blobs.put_chunks(replica.store, blob, blobs.split(bytes(corrupt)))
    assert raised.value.reason is Reason.BAD_BODY
    with pytest.raises(Rejected) as raised:  # the right bytes, cut differently
        blobs.put_chunks(replica.store, blob, [data[:10], data[10:]])
    assert raised.value.reason is Reason.MALFORMED
    with pytest.raises(Rejected):
        blobs.put_chunks(replica.store, blob[:31], blobs.split(data))
    assert count(replica, "blobs") == count(replica, "blob_chunks") == 0
    assert blobs.put_chunks(replica.store, blob, blobs.split(data)) is True
    assert blobs.put_chunks(replica.store, blob, blobs.split(data)) is False


def test_more_than_the_file_bound_is_refused_before_hashing() -> None:
    replica = new_replica("ana")
    chunk = memoryview(bytes(CHUNK_BYTES))  # one buffer, viewed many times: no 50 MiB in memory
    chunks = [chunk] * (MAX_FILE_BYTES // CHUNK_BYTES) + [chunk[:1]]
    with pytest.raises(Rejected) as raised:
        blobs.put_chunks(replica.store, bytes(32), chunks)
    assert raised.value.reason is Reason.OVERSIZE
    assert count(replica, "blobs") == 0


def ref(data: bytes, name: str = "notes.pdf") -> list[object]:
    return [blobs.blob_id(data), name, len(data)]


def add_resource(circle: Circle, replica: Replica, clock: Clock, *files: list[object]) -> bytes:
    fields = {"title": "Week 3", "text": "", "files": list(files)}
    op, _ = writer.write(replica, circle.space, "resource.add", fields, now_ms=clock())
    circle.sync_all()
    return op.op_id


def test_wanted_and_referenced_follow_the_spaces_live_items() -> None:
    clock = Clock()
    circle = Circle.create(clock)
    ben = circle.add("ben")
    teacher = circle.add("tom", Level.TEACHER)
    slides, sheet, other = b"slides", b"exercise sheet", b"not in this circle"
    item = add_resource(circle, ben, clock, ref(slides), ref(sheet, "sheet.pdf"))
    space = circle.space
    assert blobs.wanted(ben.db, space) == [blobs.blob_id(slides), blobs.blob_id(sheet)]
    assert blobs.referenced(ben.db, space, blobs.blob_id(slides))
    assert not blobs.referenced(ben.db, space, blobs.blob_id(other))

    blobs.put(ben.store, slides)  # the bytes alone, held in no space: still wanted here
    assert blobs.wanted(ben.db, space) == [blobs.blob_id(slides), blobs.blob_id(sheet)]
    blobs.put(ben.store, slides, space=space)
    assert blobs.wanted(ben.db, space) == [blobs.blob_id(sheet)]
    assert blobs.wanted(circle.owner.db, space) == [blobs.blob_id(slides), blobs.blob_id(sheet)]

    # A redacted resource's files are neither served nor wanted; nor are a deleted one's.
    writer.write(teacher, space, "mod.redact", {"item": item}, now_ms=clock())
    circle.sync_all()
    assert blobs.wanted(circle.owner.db, space) == []
    assert not blobs.referenced(ben.db, space, blobs.blob_id(slides))
    second = add_resource(circle, ben, clock, ref(other, "other.txt"))
    assert blobs.wanted(circle.owner.db, space) == [blobs.blob_id(other)]
    writer.write(ben, space, "item.delete", {"item": second}, now_ms=clock())
    circle.sync_all()
    assert blobs.wanted(circle.owner.db, space) == []


def test_an_invalid_op_refers_to_nothing() -> None:
    """A resource written concurrently with its author's removal is invalid: no item, no file."""
    clock = Clock()
    circle = Circle.create(clock)
    ben = circle.add("ben")
    writer.remove_member(circle.owner, circle.space, ben.key.device_id, new_key=seed("k2"), now_ms=clock())
    op, _ = writer.write(
        ben, circle.space, "resource.add", {"title": "x", "text": "", "files": [ref(b"x")]}, now_ms=clock()
    )
    circle.sync_all()
    status = circle.owner.db.execute("SELECT status FROM ops WHERE op_id = ?", (op.op_id,)).fetchone()
    assert status is not None and status[0] != 0  # the owner holds the op, judged invalid
    assert blobs.wanted(circle.owner.db, circle.space) == []
    assert not blobs.referenced(circle.owner.db, circle.space, blobs.blob_id(b"x"))


def test_remove_undoes_only_an_unreferenced_blob() -> None:
    clock = Clock()
    circle = Circle.create(clock)
    kept, loose = b"kept", b"loose"
    blobs.put(circle.owner.store, kept)
    blobs.put(circle.owner.store, loose)
    add_resource(circle, circle.owner, clock, ref(kept))
    assert not blobs.remove(circle.owner.store, blobs.blob_id(kept))
    assert blobs.remove(circle.owner.store, blobs.blob_id(loose))
    assert blobs.has(circle.owner.db, blobs.blob_id(kept))
    assert not blobs.has(circle.owner.db, blobs.blob_id(loose))
    assert count(circle.owner, "blob_chunks") == 1


def test_a_blob_is_served_only_in_the_spaces_that_hold_it() -> None:
    """Bytes held for one circle are neither servable nor counted as downloaded in another
    that names them: a member of the other circle could have named them on purpose."""
    clock = Clock()
    physics = Circle.create(clock)
    chess = Circle.create(clock, owner=physics.owner, name="Chess")  # the owner is in both
    answers = b"exam answers"
    blob = blobs.put(physics.owner.store, answers, space=physics.space)
    add_resource(physics, physics.owner, clock, ref(answers))
    mal = chess.add("mal")
    add_resource(chess, mal, clock, ref(answers, "x.pdf"))  # Mal knows the hash
    owner = physics.owner
    assert blobs.servable(owner.db, physics.space, blob)
    assert blobs.referenced(owner.db, chess.space, blob) and not blobs.servable(owner.db, chess.space, blob)
    assert blobs.wanted(owner.db, chess.space) == [blob]
    # Received from a member of Chess (the bytes prove it held them): held there too.
    assert blobs.put_chunks(owner.store, blob, blobs.split(answers), space=chess.space) is True
    assert blobs.servable(owner.db, chess.space, blob) and blobs.wanted(owner.db, chess.space) == []
    assert count(owner, "blobs") == 1 and blobs.held_count(owner.db) == 2


def test_carry_holds_a_file_where_a_person_copies_it_and_remove_undoes_it() -> None:
    clock = Clock()
    physics = Circle.create(clock)
    other = Circle.create(clock, owner=physics.owner, name="Chess").space
    owner = physics.owner
    kept, absent = b"slides", b"not held in physics"
    blob = blobs.put(owner.store, kept, space=physics.space)
    loose = blobs.put(owner.store, absent)
    assert blobs.carry(owner.store, blob, source=physics.space, target=other) is True
    assert blobs.carry(owner.store, blob, source=physics.space, target=other) is False  # already
    assert blobs.carry(owner.store, loose, source=physics.space, target=other) is False
    assert blobs.held_in(owner.db, other, blob) and not blobs.held_in(owner.db, other, loose)
    # Undoing the copy keeps the bytes Physics holds; undoing the only holding deletes them.
    assert blobs.remove(owner.store, blob, space=other) is False
    assert not blobs.held_in(owner.db, other, blob) and blobs.held_in(owner.db, physics.space, blob)
    assert blobs.remove(owner.store, blob, space=physics.space) is True
    assert not blobs.has(owner.db, blob) and blobs.held_count(owner.db) == 0


def test_the_schema_upgrade_holds_each_blob_in_the_spaces_that_name_it(tmp_path) -> None:
    clock = Clock()
    path = tmp_path / "replica.sqlite"
    circle = Circle.create(clock, owner=new_replica("owner", path))
    owner = circle.owner
    named, loose = b"named", b"loose"
    blobs.put(owner.store, named, space=circle.space)
    blobs.put(owner.store, loose)
    add_resource(circle, owner, clock, ref(named))
    with owner.store.transaction() as db:  # back to the schema before the index
        # Undo it and the migrations after it (they run again on reopening).
        from sync.reducers.assess import TABLES as ASSIGNMENT_TABLES

        later = ("coaching_steps", "coach_profiles", "survey_answers")  # coaching's schema file
        early = ("space_blobs", "joining", "fork_witnessed", "device_persons")
        for table in (*early, *ASSIGNMENT_TABLES, *later):
            db.execute(f"DROP TABLE {table}")
        db.execute("ALTER TABLE members DROP COLUMN person")
        db.execute("DROP INDEX items_help")  # 0015-help-requests-index.sql
        scripts = sorted(
            entry.name for entry in resources.files("sync.schema").iterdir() if entry.name.endswith(".sql")
        )
        db.execute(f"PRAGMA user_version={scripts.index('0006-space-blobs.sql')}")
    owner.store.close()
    reopened = Store(path)
    try:
        rows = reopened.connection.execute("SELECT space, blob FROM space_blobs").fetchall()
        assert rows == [(circle.space, blobs.blob_id(named))]
    finally:
        reopened.close()
