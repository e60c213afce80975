"""Strict, bounded msgpack decoding with a canonical re-encoding check.

Every byte string that enters from a peer goes through `unpack_canonical`: it must
decode within the limits and re-encode to exactly the same bytes, so one value has
one encoding and hashes/signatures over it are unambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgpack

from sync.errors import Reason, Rejected

MAX_DOC_BYTES = 8 * 1024 * 1024


def pack(value: Any) -> bytes:
    """Canonical encoding: msgpack, bytes as bin, str as str, maps with sorted str keys."""
    packed: bytes = msgpack.packb(_normalize(value), use_bin_type=True)
    return packed


def pack_flat(value: Sequence[Any]) -> bytes:
    """Fast path for arrays that hold no maps (op headers); tuples are written as arrays,
    the same bytes as lists."""
    packed: bytes = msgpack.packb(value, use_bin_type=True)
    return packed


def _normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _normalize(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_normalize(element) for element in value]
    return value


def unpack_canonical(
    data: bytes,
    *,
    max_bytes: int = MAX_DOC_BYTES,
    max_items: int = 4096,
    max_str: int = 1024 * 1024,
    max_bin: int = MAX_DOC_BYTES,
) -> Any:
    """Decode `data`, refusing oversize, malformed, trailing or non-canonical input."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise Rejected(Reason.MALFORMED, "not bytes")
    data = bytes(data)
    value = _decode(
        data, max_bytes=max_bytes, max_items=max_items, max_maps=max_items, max_str=max_str, max_bin=max_bin
    )
    _check_types(value, depth=0)  # also requires sorted map keys, so no normalising below
    _same_bytes(value, data)
    return value


def unpack_flat(data: bytes, *, max_bytes: int, max_items: int) -> Any:
    """Fast path for fixed arrays of scalars (op envelopes and headers).

    The caller checks every element's type itself; what remains here is the bounded
    decode and the byte-for-byte canonical re-encoding check.
    """
    value = _decode(
        data, max_bytes=max_bytes, max_items=max_items, max_maps=0, max_str=max_bytes, max_bin=max_bytes
    )
    _same_bytes(value, data)
    return value


def unpack_stored(data: bytes) -> Any:
    """Decode what this device stored itself after `unpack_canonical` had accepted it
    (a materialized row's packed column): no limits or re-encoding check to repeat."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True)


def _decode(data: bytes, *, max_bytes: int, max_items: int, max_maps: int, max_str: int, max_bin: int) -> Any:
    if len(data) > max_bytes:
        raise Rejected(Reason.OVERSIZE, f"{len(data)} bytes > {max_bytes}")
    try:
        return msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=False,
            use_list=True,
            max_str_len=max_str,
            max_bin_len=max_bin,
            max_array_len=max_items,
            max_map_len=max_maps,
            max_ext_len=0,
        )
    except Exception as error:  # msgpack raises a handful of types on hostile input
        raise Rejected(Reason.MALFORMED, type(error).__name__) from None


def _same_bytes(value: Any, data: bytes) -> None:
    if msgpack.packb(value, use_bin_type=True) != data:
        raise Rejected(Reason.NON_CANONICAL, "re-encoding differs")


_SCALARS = (bool, int, str, bytes, type(None))


def _check_types(value: Any, *, depth: int) -> None:
    kind = type(value)
    if kind not in _SCALARS:
        _check_container(value, kind, depth)


def _check_container(value: Any, kind: type, depth: int) -> None:
    """`_check_types` of a value that is no scalar: every body goes through it, so it
    calls itself only for nested containers, positionally, and loops without generators."""
    if depth > 16:
        raise Rejected(Reason.MALFORMED, "nested too deeply")
    if kind is list:
        children: Any = value
    elif kind is dict:
        keys = list(value)
        for key in keys:
            if type(key) is not str:
                raise Rejected(Reason.NON_CANONICAL, "map keys must be sorted strings")
        if keys != sorted(keys):
            raise Rejected(Reason.NON_CANONICAL, "map keys must be sorted strings")
        children = value.values()
    elif kind is float:
        raise Rejected(Reason.MALFORMED, "floats are not canonical")
    else:
        raise Rejected(Reason.MALFORMED, f"type {kind.__name__}")
    for element in children:
        element_kind = type(element)
        if element_kind not in _SCALARS:
            _check_container(element, element_kind, depth + 1)
