"""Blob transfer messages: asking a member's device for one file of a space.

request = [16, space, blob]               "send me this file of this space"
answer  = [17, size | nil, reason: str]   size: its chunks follow; nil: refused, reason says why
chunk   = [18, index, data]               chunk `index` (from 0, in order) of the blob

A blob of `size` bytes travels as ceil(size / CHUNK_BYTES) chunks, every one full but
the last, exactly as it is stored; a zero-byte blob has none. The receiver checks the
bytes against the blob id before it keeps them (`sync.blobs.put_chunks`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.content import MAX_FILE_BYTES
from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, SpaceId
from sync.wire.canonical import pack_flat, unpack_flat

REQUEST, ANSWER, CHUNK = 16, 17, 18
CHUNK_BYTES = 1024 * 1024
MAX_CHUNKS = -(-MAX_FILE_BYTES // CHUNK_BYTES)
MAX_REASON = 500
_SMALL = 128 + 4 * MAX_REASON  # a request or an answer: a few ids and a reason in UTF-8


@dataclass(frozen=True, slots=True)
class BlobRequest:
    space: SpaceId
    blob: bytes


@dataclass(frozen=True, slots=True)
class BlobAnswer:
    size: int | None  # None: refused
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BlobChunk:
    index: int
    data: bytes


def encode_request(message: BlobRequest) -> bytes:
    return pack_flat([REQUEST, message.space, message.blob])


def encode_answer(message: BlobAnswer) -> bytes:
    return pack_flat([ANSWER, message.size, message.reason])


def encode_chunk(message: BlobChunk) -> bytes:
    return pack_flat([CHUNK, message.index, message.data])


def _fields(data: bytes, tag: int, *, max_bytes: int) -> list[object]:
    value = unpack_flat(bytes(data), max_bytes=max_bytes, max_items=3)
    if not isinstance(value, list) or len(value) != 3 or type(value[0]) is not int or value[0] != tag:
        raise Rejected(Reason.MALFORMED, "unexpected blob message")
    return value


def _hash(value: object, what: str) -> bytes:
    if type(value) is not bytes or len(value) != HASH_LEN:
        raise Rejected(Reason.MALFORMED, f"{what} must be 32 bytes")
    return value


def decode_request(data: bytes) -> BlobRequest:
    _, space, blob = _fields(data, REQUEST, max_bytes=_SMALL)
    return BlobRequest(SpaceId(_hash(space, "space id")), _hash(blob, "blob id"))


def decode_answer(data: bytes) -> BlobAnswer:
    _, size, reason = _fields(data, ANSWER, max_bytes=_SMALL)
    if type(reason) is not str or len(reason) > MAX_REASON:
        raise Rejected(Reason.MALFORMED, f"a refusal's reason is text of at most {MAX_REASON} characters")
    if size is None:
        return BlobAnswer(None, reason)
    if type(size) is not int or size < 0:
        raise Rejected(Reason.MALFORMED, "blob size")
    if size > MAX_FILE_BYTES:
        raise Rejected(Reason.OVERSIZE, f"a file is at most {MAX_FILE_BYTES} bytes, not {size}")
    return BlobAnswer(size, reason)


def decode_chunk(data: bytes) -> BlobChunk:
    _, index, payload = _fields(data, CHUNK, max_bytes=CHUNK_BYTES + 32)
    if type(index) is not int or not 0 <= index < MAX_CHUNKS:
        raise Rejected(Reason.MALFORMED, "chunk index")
    if type(payload) is not bytes or not 0 < len(payload) <= CHUNK_BYTES:
        raise Rejected(Reason.MALFORMED, f"a chunk holds 1 to {CHUNK_BYTES} bytes")
    return BlobChunk(index, payload)
