"""Local encoding of vector clocks (author index -> seq) for the ops table."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

import msgpack


def encode_clock(clock: Mapping[int, int]) -> bytes:
    return msgpack.packb(list(chain.from_iterable(clock.items())))


def decode_clock(data: bytes) -> dict[int, int]:
    flat = msgpack.unpackb(data)
    return dict(zip(flat[::2], flat[1::2], strict=True))
