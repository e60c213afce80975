"""Local encoding of vector clocks (author index -> seq) for the ops table.

A plain msgpack map: every admitted op stores one, so encoding and decoding are on the
ingest path and use msgpack's C map codec directly. Clocks never leave the device.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgpack


def encode_clock(clock: Mapping[int, int]) -> bytes:
    packed: bytes = msgpack.packb(clock)
    return packed


def decode_clock(data: bytes) -> dict[int, int]:
    clock: dict[int, int] = msgpack.unpackb(data, strict_map_key=False)
    return clock
