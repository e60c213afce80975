"""The shortcuts ingest takes must agree with the definitions they shortcut.

Ops already held are not checked again.

`associated_data_of` cuts a body's associated data out of the header bytes instead of
encoding the header's fields again; the clock codec must round-trip every clock.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync import op as op_module
from sync.frontier import all_envelopes
from sync.ids import HASH_LEN, KEY_LEN
from sync.wire.clock import decode_clock, encode_clock
from sync.wire.op import (
    MAX_BODY_BYTES,
    MAX_DEPS,
    MAX_INT,
    MAX_KIND_LEN,
    Header,
    associated_data_of,
    encode_header,
)
from tests.sync.helpers import Circle, Clock, copy_all, hash_of

# Integers around every msgpack width boundary, and anywhere in range.
EDGES = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0xFFFFFFFF, 0x100000000, MAX_INT]
UINTS = st.one_of(st.sampled_from(EDGES), st.integers(min_value=0, max_value=MAX_INT))
HASHES = st.binary(min_size=HASH_LEN, max_size=HASH_LEN)


@st.composite
def headers(draw: st.DrawFn) -> Header:
    seq = draw(st.one_of(st.just(1), st.integers(min_value=1, max_value=MAX_INT), st.sampled_from(EDGES[1:])))
    return Header(
        space=draw(HASHES),  # type: ignore[arg-type]
        author=draw(st.binary(min_size=KEY_LEN, max_size=KEY_LEN)),  # type: ignore[arg-type]
        seq=seq,
        prev=None if seq == 1 else draw(HASHES),  # type: ignore[arg-type]
        deps=tuple(sorted(draw(st.sets(HASHES, max_size=MAX_DEPS)))),  # type: ignore[arg-type]
        kind=draw(
            st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=MAX_KIND_LEN)
        ),
        epoch=draw(UINTS),
        body_hash=draw(HASHES),
        body_len=draw(
            st.one_of(
                st.sampled_from([e for e in EDGES if e <= MAX_BODY_BYTES]), st.integers(0, MAX_BODY_BYTES)
            )
        ),
        hlc=draw(UINTS),
    )


@given(header=headers())
def test_associated_data_cut_from_header_bytes_equals_encoding_it(header: Header) -> None:
    assert associated_data_of(encode_header(header), header) == header.associated_data()


@given(clock=st.dictionaries(st.integers(min_value=0, max_value=1 << 20), UINTS, max_size=64))
def test_clock_round_trips(clock: dict[int, int]) -> None:
    assert decode_clock(encode_clock(clock)) == clock


def test_ops_already_held_are_not_checked_again_in_a_small_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gossip repeats what a sync session brought: a held op costs a hash, not a signature
    check. A new op in the same batch is still checked."""
    circle = Circle.create(Clock())
    sam = circle.add("Sam")
    circle.post(circle.owner, "first")
    copy_all(circle.owner, sam, circle.space)
    held = all_envelopes(circle.owner, circle.space)
    circle.post(circle.owner, "second")
    new = [envelope for envelope in all_envelopes(circle.owner, circle.space) if envelope not in held]
    assert len(new) == 1

    checked: list[bytes] = []
    real = op_module.signature_ok

    def counting(author: bytes, message: bytes, signature: bytes) -> bool:
        checked.append(signature)
        return real(author, message, signature)

    monkeypatch.setattr(op_module, "signature_ok", counting)
    result = sam.ingest(circle.space, [*held, *new])
    assert result.duplicates == len(held) and result.accepted == 1
    assert len(checked) == 1  # only the new op's signature
    assert hash_of(sam, circle.space) == hash_of(circle.owner, circle.space)
