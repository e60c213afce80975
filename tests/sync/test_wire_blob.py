"""Blob transfer messages: golden bytes, and decoders that refuse any damage with a reason.

Like the other families (tests/fixtures/wire/README.md), the bytes are pinned by
fixtures; the decoders take arbitrary and mutated input (the mutations of
tests/sync/test_decoders.py) and either return a value that re-encodes to exactly the
input or raise `Rejected` with a typed reason.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.content import MAX_FILE_BYTES
from sync.errors import Reason, Rejected
from sync.ids import digest
from sync.wire.blob import (
    CHUNK_BYTES,
    BlobAnswer,
    BlobChunk,
    BlobRequest,
    decode_answer,
    decode_chunk,
    decode_request,
    encode_answer,
    encode_chunk,
    encode_request,
)
from tests.sync.test_decoders import decoded_or_refused, loose_pack, mutate, unpack_loose
from tests.sync.test_wire_golden import SPACE, golden

BLOB = digest(b"golden-blob", person=b"sc-blob")
REQUEST = BlobRequest(SPACE, BLOB)
ANSWER = BlobAnswer(3 * CHUNK_BYTES + 7)
REFUSAL = BlobAnswer(None, "only members of the circle are served its files")
CHUNK = BlobChunk(2, bytes(range(256)) * 3)

FAMILIES: dict[str, tuple[Callable[[bytes], Any], Callable[[Any], bytes], list[bytes]]] = {
    "request": (decode_request, encode_request, [encode_request(REQUEST)]),
    "answer": (decode_answer, encode_answer, [encode_answer(ANSWER), encode_answer(REFUSAL)]),
    "chunk": (decode_chunk, encode_chunk, [encode_chunk(CHUNK), encode_chunk(BlobChunk(0, b"x"))]),
}


def test_blob_messages_golden_bytes() -> None:
    committed = golden(
        {
            "blob_request.hex": encode_request(REQUEST),
            "blob_answer.hex": encode_answer(ANSWER),
            "blob_answer_refused.hex": encode_answer(REFUSAL),
            "blob_chunk.hex": encode_chunk(CHUNK),
        }
    )
    assert decode_request(committed["blob_request.hex"]) == REQUEST
    assert decode_answer(committed["blob_answer.hex"]) == ANSWER
    assert decode_answer(committed["blob_answer_refused.hex"]) == REFUSAL
    assert decode_chunk(committed["blob_chunk.hex"]) == CHUNK


def test_a_full_chunk_decodes() -> None:
    full = BlobChunk(49, bytes(CHUNK_BYTES))
    assert decode_chunk(encode_chunk(full)) == full


def reason(decode_fn: Callable[[bytes], Any], data: bytes) -> Reason | None:
    try:
        decode_fn(data)
    except Rejected as error:
        return error.reason
    return None


def test_out_of_bounds_values_are_refused_with_a_reason() -> None:
    assert reason(decode_answer, msgpack.packb([17, MAX_FILE_BYTES + 1, ""])) is Reason.OVERSIZE
    assert reason(decode_answer, msgpack.packb([17, -1, ""])) is Reason.MALFORMED
    assert reason(decode_answer, msgpack.packb([17, True, ""])) is Reason.MALFORMED
    assert reason(decode_answer, msgpack.packb([17, None, "x" * 501])) is not None
    assert reason(decode_chunk, msgpack.packb([18, 0, b""], use_bin_type=True)) is Reason.MALFORMED
    assert reason(decode_chunk, msgpack.packb([18, 50, b"x"], use_bin_type=True)) is Reason.MALFORMED
    assert reason(decode_chunk, msgpack.packb([18, 0, bytes(CHUNK_BYTES + 1)], use_bin_type=True)) is not None
    assert reason(decode_chunk, msgpack.packb([18, 0, "text"])) is Reason.MALFORMED
    assert reason(decode_request, msgpack.packb([16, bytes(SPACE), BLOB[:31]], use_bin_type=True)) is not None
    assert reason(decode_request, encode_chunk(CHUNK)) is Reason.MALFORMED  # another message's tag
    assert reason(decode_request, loose_pack([True, bytes(SPACE), BLOB])) is Reason.MALFORMED
    assert reason(decode_answer, encode_answer(ANSWER) + b"\x00") is Reason.MALFORMED


def check(name: str, data: bytes) -> None:
    decode_fn, encode_fn, _ = FAMILIES[name]
    value = decoded_or_refused(decode_fn, data)
    if value is not None:
        assert encode_fn(value) == data  # one value, one encoding


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=300)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    check(name, data)


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=300)
@given(rng=st.randoms(use_true_random=True))
def test_mutated_encodings(name: str, rng: random.Random) -> None:
    seeds = FAMILIES[name][2]
    check(name, mutate(rng, rng.choice(seeds)))


@pytest.mark.parametrize("name", FAMILIES)
def test_non_canonical_re_encodings_are_refused(name: str) -> None:
    decode_fn, _, seeds = FAMILIES[name]
    checked = 0
    for raw in seeds:
        value = unpack_loose(raw)
        for node in range(4):
            for variant in range(1, 12):
                encoded = loose_pack(value, {node: variant})
                if encoded != raw:
                    assert reason(decode_fn, encoded) is not None, encoded.hex()
                    checked += 1
    assert checked > 5
