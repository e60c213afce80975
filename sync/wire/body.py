"""Body plaintext codec: a canonical msgpack map (sorted string keys)."""

from __future__ import annotations

from typing import Any

from sync.errors import Reason, Rejected
from sync.wire.canonical import pack, unpack_canonical
from sync.wire.op import MAX_PLAINTEXT_BYTES


def encode_body(fields: dict[str, Any]) -> bytes:
    return pack(fields)


def decode_body(plaintext: bytes) -> dict[str, Any]:
    value = unpack_canonical(plaintext, max_bytes=MAX_PLAINTEXT_BYTES, max_items=1024)
    if not isinstance(value, dict):
        raise Rejected(Reason.BAD_CONTENT, "body is not a map")
    return value
