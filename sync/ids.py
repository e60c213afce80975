"""Identifier types and the one hash function the protocol uses (BLAKE2b-256)."""

from __future__ import annotations

import hashlib
from typing import NewType

SpaceId = NewType("SpaceId", bytes)
DeviceId = NewType("DeviceId", bytes)
OpId = NewType("OpId", bytes)

HASH_LEN = 32
KEY_LEN = 32
SIG_LEN = 64


def digest(data: bytes, *, person: bytes = b"") -> bytes:
    """BLAKE2b-256 of `data`, optionally domain-separated by a personalisation tag."""
    return hashlib.blake2b(data, digest_size=HASH_LEN, person=person[:16]).digest()


def short(value: bytes, length: int = 8) -> str:
    """A short hex prefix for logs and error messages."""
    return value.hex()[:length]
