"""Field checks shared by the body schemas: bounded text, ids, tags and optional values.

Each raises `Rejected(BAD_CONTENT)` naming the field, so a malformed body is refused
with a reason and nothing of it is applied.
"""

from __future__ import annotations

from typing import Any

from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, OpId

MAX_NAME = 200
MAX_TITLE = 500
MAX_TEXT = 200_000
MAX_TAGS = 32
MAX_TAG = 64
MAX_URL = 2_000


def text(fields: dict[str, Any], key: str, limit: int, *, empty_ok: bool = True) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or len(value) > limit or (not empty_ok and not value.strip()):
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be text of at most {limit} characters")
    return value


def optional_text(fields: dict[str, Any], key: str, limit: int) -> str:
    return text(fields, key, limit) if key in fields else ""


def raw(fields: dict[str, Any], key: str, length: int | None = None) -> bytes:
    value = fields.get(key)
    if not isinstance(value, bytes) or (length is not None and len(value) != length):
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be bytes")
    return value


def op_ref(fields: dict[str, Any], key: str) -> OpId:
    return OpId(raw(fields, key, HASH_LEN))


def optional_ref(fields: dict[str, Any], key: str) -> OpId | None:
    return op_ref(fields, key) if fields.get(key) is not None else None


def tags(fields: dict[str, Any], key: str = "tags") -> tuple[str, ...]:
    """An optional list of distinct tags: 1–64 characters each, no spaces, at most 32."""
    value = fields.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be a list of at most {MAX_TAGS} tags")
    for tag in value:
        if not isinstance(tag, str) or not 0 < len(tag) <= MAX_TAG or any(c.isspace() for c in tag):
            raise Rejected(Reason.BAD_CONTENT, f"a tag is 1 to {MAX_TAG} characters without spaces")
    if len(set(value)) != len(value):
        raise Rejected(Reason.BAD_CONTENT, "tags repeat")
    return tuple(value)
