"""The export file format: golden bytes, round trips, and a decoder that refuses any damage.

The export is a wire format like the others (tests/fixtures/wire/README.md): its bytes
are pinned by a fixture. Its decoder, and `read_export` which also decodes every op in
the file, must return a value or raise `Rejected` with a typed reason for any input.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import writer
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.ids import SpaceId, digest
from sync.offline import export_space, import_export, read_export
from sync.op import SIGNING_DOMAIN
from sync.policy import Level
from sync.wire.export import (
    CHECKSUM_PERSON,
    MAGIC,
    ExportFile,
    decode_export,
    encode_export,
    looks_like_export,
)
from sync.wire.op import encode_envelope, encode_header
from tests.sync.helpers import Circle, Clock, hash_of, new_replica, reconcile
from tests.sync.test_wire_golden import AUTHOR_KEY, BODY, HEADER, SPACE, golden


def _envelopes() -> tuple[bytes, ...]:
    header_bytes = encode_header(HEADER)
    signature = AUTHOR_KEY.sign(SIGNING_DOMAIN + header_bytes)
    return (encode_envelope(header_bytes, signature, BODY), encode_envelope(header_bytes, signature, None))


def test_export_file_golden_bytes() -> None:
    export = ExportFile(SPACE, _envelopes())
    empty = ExportFile(SPACE, ())
    committed = golden({"export.hex": encode_export(export), "export_empty.hex": encode_export(empty)})
    assert committed["export.hex"].startswith(b"SCX1")
    assert decode_export(committed["export.hex"]) == export
    assert decode_export(committed["export_empty.hex"]) == empty


def reseal(body: bytes) -> bytes:
    """Bytes after the checksum is fixed up: what a careless or hostile writer could produce."""
    return body + digest(body, person=CHECKSUM_PERSON)


def refusal(data: bytes) -> Reason:
    with pytest.raises(Rejected) as raised:
        read_export(data)
    return raised.value.reason


def test_damaged_and_foreign_files_are_refused_with_a_reason() -> None:
    good = encode_export(ExportFile(SPACE, _envelopes()))
    assert refusal(b"") is Reason.MALFORMED
    assert refusal(b"# My notes\n\nNot an export.\n") is Reason.MALFORMED
    assert refusal(good[:-1]) is Reason.MALFORMED  # truncated
    assert refusal(good[:10] + bytes([good[10] ^ 1]) + good[11:]) is Reason.MALFORMED  # one bit flipped
    assert refusal(good + b"\x00") is Reason.MALFORMED  # trailing garbage
    with pytest.raises(Rejected, match="format"):
        read_export(b"SCX2" + good[4:])  # a newer format says so
    # A sealed file whose contents are not canonical, or whose ops are not ops.
    assert refusal(reseal(MAGIC + b"\x92\xc4\x20" + bytes(SPACE) + b"\xdc\x00\x00")) is Reason.NON_CANONICAL
    assert refusal(reseal(MAGIC + b"\x92\xc4\x20" + bytes(SPACE) + b"\x91\xc4\x01\x00")) is Reason.MALFORMED
    assert not looks_like_export(b"PK\x03\x04") and looks_like_export(good)


def test_every_op_must_be_of_the_files_space_and_carry_its_body() -> None:
    envelope, redacted = _envelopes()
    other = SpaceId(digest(b"another space"))
    with pytest.raises(Rejected, match="op 1 of the export") as raised:
        read_export(encode_export(ExportFile(other, (envelope,))))
    assert raised.value.reason is Reason.WRONG_SPACE
    with pytest.raises(Rejected, match="op 2 of the export") as raised:
        read_export(encode_export(ExportFile(SPACE, (envelope, redacted))))
    assert raised.value.reason is Reason.BAD_BODY


@settings(max_examples=400)
@given(data=st.binary(max_size=512))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    for candidate in (data, MAGIC + data, reseal(MAGIC + data)):
        try:
            export = read_export(candidate)
        except Rejected as error:
            assert isinstance(error.reason, Reason)
        else:
            assert encode_export(export) == candidate  # one value, one encoding


@settings(max_examples=400)
@given(rng=st.randoms(use_true_random=True))
def test_mutated_exports_are_refused_or_read_back_exactly(rng: random.Random) -> None:
    good = encode_export(ExportFile(SPACE, _envelopes()))
    body = bytearray(good[:-32])
    for _ in range(rng.randint(1, 4)):
        if not body:  # a deletion or truncation took every byte
            break
        at = rng.randrange(len(body))
        choice = rng.randrange(4)
        if choice == 0:
            body[at] ^= 1 << rng.randrange(8)
        elif choice == 1:
            body.insert(at, rng.randrange(256))
        elif choice == 2:
            del body[at]
        else:
            del body[at:]
    for candidate in (bytes(body) + good[-32:], reseal(bytes(body))):
        try:
            export = read_export(candidate)
        except Rejected as error:
            assert isinstance(error.reason, Reason)
        else:
            assert encode_export(export) == candidate


def test_a_circle_exported_and_imported_arrives_whole_and_twice_changes_nothing() -> None:
    clock = Clock()
    circle = Circle.create(clock)
    ana = circle.add("ana", Level.MENTOR)
    for number in range(3):
        circle.post(circle.owner, f"note {number}")
    writer.write(ana, circle.space, "item.put", {"title": "from ana", "text": ""}, now_ms=clock())
    reconcile(ana, circle.owner, circle.space)
    # Ben holds the circle's keys (he accepted an invite) but has none of its ops.
    ben = new_replica("ben")
    writer.accept_invite(ben, circle.invite(circle.owner))

    data = encode_export(export_space(circle.owner, circle.space))
    report = import_export(ben, read_export(data))
    assert report.new == report.in_file == len(all_envelopes(circle.owner, circle.space))
    assert report.refused == () and report.pending == 0
    assert hash_of(ben, circle.space) == hash_of(circle.owner, circle.space)

    again = import_export(ben, read_export(data))
    assert (again.new, again.known) == (0, report.in_file)
    assert hash_of(ben, circle.space) == hash_of(circle.owner, circle.space)


def test_import_into_a_device_without_the_circle_is_refused() -> None:
    circle = Circle.create(Clock())
    stranger = new_replica("stranger")
    with pytest.raises(Rejected) as raised:
        import_export(stranger, read_export(encode_export(export_space(circle.owner, circle.space))))
    assert raised.value.reason is Reason.WRONG_SPACE
    assert stranger.spaces() == []
