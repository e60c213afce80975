"""Files as blobs: bytes addressed by their hash, kept beside the op log.

An op names a file by `FileRef` (blob hash, name, size); the bytes are a blob, stored
once however many ops and spaces refer to it. A blob's id is BLAKE2b-256 of its bytes
under the personalisation `sc-blob`, so it never collides with an op id or any other
hash of the protocol. It is stored in chunks of `CHUNK_BYTES` (all full but the last),
whole or not at all, and only after its bytes were checked against its id and bound.

Which blobs matter is a function of the valid ops: a space *refers to* a blob if one
of its items that is neither deleted nor redacted lists it among its files, or a
version submitted to one of its assignments does (`assign_versions`). Which blobs
a space *holds* here is not: it is this device's record (`space_blobs`) of the files it
added to that space or received from a member of it. A blob is served in a space only
if the space both refers to it and holds it, and `wanted` lists what a space refers to
but does not hold — even if the bytes are here for another space. Holding the bytes for
circle A says nothing about circle B: a member of B who names A's file in B must not be
sent it, so a device in both fetches it again from a member of B rather than serve it.

Pure: no I/O besides the SQLite connection (or `Store`) it is given; runs on the
thread that owns the store (the app's database worker).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, NewType

from sync.content import MAX_FILE_BYTES
from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, SpaceId, short
from sync.reducers.marks import marks_of, resolve
from sync.store import Store
from sync.wire.blob import CHUNK_BYTES
from sync.wire.canonical import unpack_canonical

BlobId = NewType("BlobId", bytes)

BLOB_PERSON = b"sc-blob"


def blob_id(data: bytes | memoryview) -> BlobId:
    """The id of a blob holding exactly `data`."""
    return _hashed([data])


def hasher() -> Any:
    """An incremental hasher giving the same id as `blob_id`, for bytes that come in chunks."""
    return hashlib.blake2b(digest_size=HASH_LEN, person=BLOB_PERSON)


def _hashed(chunks: Sequence[bytes | memoryview]) -> BlobId:
    state = hasher()
    for chunk in chunks:
        state.update(chunk)
    return BlobId(state.digest())


def chunk_count(size: int) -> int:
    return -(-size // CHUNK_BYTES)


def chunk_length(size: int, index: int) -> int:
    """How long chunk `index` of a blob of `size` bytes is (every chunk is full but the last)."""
    return min(CHUNK_BYTES, size - index * CHUNK_BYTES)


def check_size(size: int) -> None:
    if not 0 <= size <= MAX_FILE_BYTES:
        raise Rejected(Reason.OVERSIZE, f"a file is at most {MAX_FILE_BYTES} bytes, not {size}")


def split(data: bytes) -> list[memoryview]:
    """`data` as the chunks it is stored in, without copying it."""
    view = memoryview(data)
    return [view[start : start + CHUNK_BYTES] for start in range(0, len(data), CHUNK_BYTES)]


def put(store: Store, data: bytes, *, space: SpaceId | None = None) -> BlobId:
    """Store `data` as a blob held in `space` (a no-op if it is there already); its id."""
    chunks = split(data)
    blob = _hashed(chunks)
    put_chunks(store, blob, chunks, space=space)
    return blob


def put_chunks(
    store: Store, blob: bytes, chunks: Sequence[bytes | memoryview], *, space: SpaceId | None = None
) -> bool:
    """Store the blob `blob` from its chunks, after checking them, as held in `space`.

    True if it is new in `space` (with no space: if its bytes are new here; a blob held
    in no space is served in none). Refused, with nothing stored: chunks not cut as
    stored (`Reason.MALFORMED`), more than `MAX_FILE_BYTES` (`OVERSIZE`), or bytes whose
    hash is not `blob` (`BAD_BODY`).
    """
    if len(blob) != HASH_LEN:
        raise Rejected(Reason.MALFORMED, "a blob id is 32 bytes")
    size = sum(len(chunk) for chunk in chunks)
    check_size(size)
    if len(chunks) != chunk_count(size) or any(
        len(chunk) != chunk_length(size, index) for index, chunk in enumerate(chunks)
    ):
        raise Rejected(
            Reason.MALFORMED, f"a blob comes in chunks of {CHUNK_BYTES} bytes, the last one shorter"
        )
    if _hashed(chunks) != blob:
        raise Rejected(Reason.BAD_BODY, f"these bytes are not the file {short(blob)}")
    with store.transaction() as db:
        added = db.execute("INSERT OR IGNORE INTO blobs (blob, size) VALUES (?, ?)", (blob, size)).rowcount
        if added:
            db.executemany(
                "INSERT INTO blob_chunks (blob, idx, data) VALUES (?, ?, ?)",
                ((blob, index, chunk) for index, chunk in enumerate(chunks)),
            )
        if space is not None:
            added = _hold(db, space, blob)
    return bool(added)


def _hold(db: sqlite3.Connection, space: SpaceId, blob: bytes) -> int:
    return db.execute("INSERT OR IGNORE INTO space_blobs (space, blob) VALUES (?, ?)", (space, blob)).rowcount


def carry(store: Store, blob: bytes, *, source: SpaceId, target: SpaceId) -> bool:
    """Hold in `target` a blob held in `source`, as when a person copies an item with its
    files from one space into another; True if it is new in `target`."""
    with store.transaction() as db:
        return held_in(db, source, blob) and bool(_hold(db, target, blob))


def remove(store: Store, blob: bytes, *, space: SpaceId | None = None) -> bool:
    """Undo storing `blob` for a write that failed; True if its bytes were deleted.

    It stops being held in `space` unless an item of `space` refers to it; its bytes are
    deleted only once no space holds it and no item of any space refers to it.
    """
    with store.transaction() as db:
        if space is not None and not _referring_items(db, space, blob):
            db.execute("DELETE FROM space_blobs WHERE space = ? AND blob = ?", (space, blob))
        if (
            _referring_items(db, None, blob)
            or db.execute("SELECT 1 FROM space_blobs WHERE blob = ?", (blob,)).fetchone()
        ):
            return False
        db.execute("DELETE FROM blob_chunks WHERE blob = ?", (blob,))
        return db.execute("DELETE FROM blobs WHERE blob = ?", (blob,)).rowcount > 0


def size_of(db: sqlite3.Connection, blob: bytes) -> int | None:
    """The blob's size, or None if it is not here."""
    row = db.execute("SELECT size FROM blobs WHERE blob = ?", (blob,)).fetchone()
    return None if row is None else int(row[0])


def has(db: sqlite3.Connection, blob: bytes) -> bool:
    """Are the blob's bytes here (for any space)?"""
    return size_of(db, blob) is not None


def held_in(db: sqlite3.Connection, space: SpaceId, blob: bytes) -> bool:
    """Did this device add `blob` to `space` or receive it from a member of `space`?"""
    row = db.execute("SELECT 1 FROM space_blobs WHERE space = ? AND blob = ?", (space, blob)).fetchone()
    return row is not None


def count(db: sqlite3.Connection) -> int:
    """How many blobs this device holds."""
    return int(db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0])


def held_count(db: sqlite3.Connection) -> int:
    """How many (space, blob) this device holds: a file held in two spaces counts twice."""
    return int(db.execute("SELECT COUNT(*) FROM space_blobs").fetchone()[0])


def read_chunk(db: sqlite3.Connection, blob: bytes, index: int) -> bytes:
    row = db.execute("SELECT data FROM blob_chunks WHERE blob = ? AND idx = ?", (blob, index)).fetchone()
    if row is None:
        raise KeyError(f"no chunk {index} of blob {short(blob)}")
    return bytes(row[0])


def read(db: sqlite3.Connection, blob: bytes) -> Iterator[bytes]:
    """The blob's bytes, chunk by chunk (each read when it is asked for)."""
    size = size_of(db, blob)
    if size is None:
        raise KeyError(f"no blob {short(blob)}")
    for index in range(chunk_count(size)):
        yield read_chunk(db, blob, index)


def files_of(extra: dict[str, Any]) -> list[tuple[bytes, str, int]]:
    """The (blob, name, size) of each file an item's `extra` lists."""
    return [(bytes(blob), str(name), int(size)) for blob, name, size in extra.get("files", ())]


def _referring_items(
    db: sqlite3.Connection, space: SpaceId | None, blob: bytes | None
) -> list[tuple[Any, ...]]:
    """(space, item, files) of live items (of `space`, or of all) listing files (`blob`, or any)."""
    sql = "SELECT space, item_id, extra FROM items WHERE extra IS NOT NULL AND deleted = 0"
    params: list[Any] = []
    if space is not None:
        sql += " AND space = ?"
        params.append(space)
    if blob is not None:  # a cheap pre-filter on the packed bytes; each hit is decoded below
        sql += " AND instr(extra, ?) > 0"
        params.append(blob)
    rows = []
    for item_space, item, extra in db.execute(sql, params).fetchall():
        files = files_of(unpack_canonical(extra))
        if not files or (blob is not None and all(ref[0] != blob for ref in files)):
            continue
        if resolve(marks_of(db, item_space, item)).redacted:
            continue  # a redacted item's files go with its text
        rows.append((item_space, item, files))
    return rows + _referring_versions(db, space, blob)


def _referring_versions(
    db: sqlite3.Connection, space: SpaceId | None, blob: bytes | None
) -> list[tuple[Any, ...]]:
    """(space, op id, files) of submitted versions of an assignment listing files (`blob`,
    or any): a student's PDF or image, seen by the circle like the version's text."""
    sql = "SELECT space, op_id, files FROM assign_versions WHERE length(files) > 1"
    params: list[Any] = []
    if space is not None:
        sql += " AND space = ?"
        params.append(space)
    if blob is not None:
        sql += " AND instr(files, ?) > 0"
        params.append(blob)
    rows = []
    for version_space, op_id, packed in db.execute(sql, params).fetchall():
        files = [(bytes(b), str(name), int(size)) for b, name, size in unpack_canonical(packed)]
        if files and (blob is None or any(ref[0] == blob for ref in files)):
            rows.append((version_space, op_id, files))
    return rows


def referenced(db: sqlite3.Connection, space: SpaceId, blob: bytes) -> bool:
    """Does a live (not deleted, not redacted) item of `space` list the file `blob`?"""
    return bool(_referring_items(db, space, blob))


def servable(db: sqlite3.Connection, space: SpaceId, blob: bytes) -> bool:
    """May `blob` be sent to a member of `space`: does the space refer to it and hold it?"""
    return held_in(db, space, blob) and referenced(db, space, blob)


def wanted(db: sqlite3.Connection, space: SpaceId) -> list[BlobId]:
    """The blobs the space's live items refer to that it does not hold, in a stable order
    (bytes here for another space only are still wanted: see the module docstring)."""
    missing: dict[bytes, None] = {}
    for _, _, files in _referring_items(db, space, None):
        for blob, _, _ in files:
            if blob not in missing and not held_in(db, space, blob):
                missing[blob] = None
    return [BlobId(blob) for blob in missing]
