"""Op wire format: a fixed msgpack header array and the envelope [header, signature, body].

header  = [version, space, author, seq, prev|nil, deps, kind, epoch, body_hash, body_len, hlc]
envelope = [header_bytes, signature, body|nil]   (body is nil once redacted)

Decoding is strict and bounded; anything that does not re-encode to the same bytes is
refused with a typed reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgpack

from sync.crypto import NONCE_LEN, TAG_LEN
from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, KEY_LEN, SIG_LEN, DeviceId, OpId, SpaceId
from sync.wire.canonical import pack_flat, unpack_flat

VERSION = 2  # 2: bodies under subkeys of the epoch key (sync.crypto); 1 keyed both halves alike
MAX_DEPS = 16
MAX_KIND_LEN = 40
MAX_HEADER_BYTES = 1024
#: The most a body may weigh as it travels and as its header states it (`body_len`):
#: the ciphertext, nonce and tag included. Writer and decoder both check this one
#: quantity (`check_body_len`), so an op its writer admits is never oversize at a peer.
MAX_BODY_BYTES = 256 * 1024
#: What encryption adds to a body's plaintext (the nonce and the tag).
BODY_OVERHEAD = NONCE_LEN + TAG_LEN
#: The most plaintext one op can carry: what is left of MAX_BODY_BYTES once encrypted.
MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - BODY_OVERHEAD
MAX_ENVELOPE_BYTES = MAX_HEADER_BYTES + SIG_LEN + MAX_BODY_BYTES + 64
MAX_INT = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Header:
    """The signed part of an op. The space id of a genesis op is all zeros."""

    space: SpaceId
    author: DeviceId
    seq: int
    prev: OpId | None
    deps: tuple[OpId, ...]
    kind: str
    epoch: int
    body_hash: bytes
    body_len: int
    hlc: int
    version: int = VERSION

    def fields(self) -> list[object]:
        return [
            self.version,
            self.space,
            self.author,
            self.seq,
            self.prev,
            list(self.deps),
            self.kind,
            self.epoch,
            self.body_hash,
            self.body_len,
            self.hlc,
        ]

    def associated_data(self) -> bytes:
        """Every field known before encryption: binds the body to this op."""
        return pack_flat([*self.fields()[:8], self.hlc])


def encode_header(header: Header) -> bytes:
    return pack_flat(header.fields())


def associated_data_of(header_bytes: bytes, header: Header) -> bytes:
    """`header.associated_data()`, cut out of the header's own canonical encoding.

    `header_bytes` must be `encode_header(header)` (as every decoded or signed header
    is): the associated data is the same array without its body hash and body length,
    so it is these bytes with the array length set to 9 and those two fields removed.
    Ingest decrypts every op; this spares it a second msgpack encoding of the header.
    """
    hlc_len = _uint_len(header.hlc)
    cut = len(header_bytes) - hlc_len - _uint_len(header.body_len) - _BIN8_HASH_LEN
    if header_bytes[:1] != _HEADER_ARRAY or cut < 1:
        raise ValueError("not the canonical encoding of an op header")
    return _ASSOCIATED_ARRAY + header_bytes[1:cut] + header_bytes[len(header_bytes) - hlc_len :]


_HEADER_ARRAY = b"\x9b"  # msgpack fixarray of 11
_ASSOCIATED_ARRAY = b"\x99"  # msgpack fixarray of 9
_BIN8_HASH_LEN = 2 + HASH_LEN  # bin 8 marker, length byte, hash


def _uint_len(value: int) -> int:
    """Length of msgpack's (shortest) encoding of a non-negative integer."""
    if value < 0x80:
        return 1
    if value <= 0xFF:
        return 2
    if value <= 0xFFFF:
        return 3
    return 5 if value <= 0xFFFFFFFF else 9


def decode_header(data: bytes) -> Header:
    value = unpack_flat(bytes(data), max_bytes=MAX_HEADER_BYTES, max_items=MAX_DEPS + 11)
    if not isinstance(value, list) or len(value) != 11:
        raise Rejected(Reason.MALFORMED, "header is not an 11-field array")
    version, space, author, seq, prev, deps, kind, epoch, body_hash, body_len, hlc = value
    # Fast path: one combined test for the common, well-formed header (ingest is hot).
    if (
        version == VERSION
        and type(version) is int
        and type(space) is bytes
        and len(space) == HASH_LEN
        and type(author) is bytes
        and len(author) == KEY_LEN
        and type(seq) is int
        and 1 <= seq <= MAX_INT
        and ((seq == 1 and prev is None) or (seq > 1 and type(prev) is bytes and len(prev) == HASH_LEN))
        and type(deps) is list
        and len(deps) <= MAX_DEPS
        and all(type(dep) is bytes and len(dep) == HASH_LEN for dep in deps)
        and (len(deps) < 2 or deps == sorted(set(deps)))
        and type(kind) is str
        and 0 < len(kind) <= MAX_KIND_LEN
        and kind.isascii()
        and type(epoch) is int
        and 0 <= epoch <= MAX_INT
        and type(body_hash) is bytes
        and len(body_hash) == HASH_LEN
        and type(body_len) is int
        and 0 <= body_len <= MAX_BODY_BYTES
        and type(hlc) is int
        and 0 <= hlc <= MAX_INT
    ):
        return Header(
            SpaceId(space),
            DeviceId(author),
            seq,
            None if prev is None else OpId(prev),
            tuple(deps),
            kind,
            epoch,
            body_hash,
            body_len,
            hlc,
        )
    return _explain_header(value)


def _explain_header(value: list[object]) -> Header:
    """The slow path: find the first problem and say what it is."""
    version, space, author, seq, prev, deps, kind, epoch, body_hash, body_len, hlc = value
    if type(version) is not int or version != VERSION:
        raise Rejected(Reason.MALFORMED, f"unknown op version {version!r}")
    _need_bytes(space, HASH_LEN, "space")
    _need_bytes(author, KEY_LEN, "author")
    _need_int(seq, "seq", low=1)
    if prev is not None:
        _need_bytes(prev, HASH_LEN, "prev")
    if (seq == 1) != (prev is None):
        raise Rejected(Reason.MALFORMED, "prev must be empty exactly for seq 1")
    if not isinstance(deps, list) or len(deps) > MAX_DEPS:
        raise Rejected(Reason.MALFORMED, "deps")
    for dep in deps:
        _need_bytes(dep, HASH_LEN, "dep")
    if deps != sorted(set(deps)):
        raise Rejected(Reason.NON_CANONICAL, "deps must be sorted and unique")
    if not isinstance(kind, str) or not 0 < len(kind) <= MAX_KIND_LEN or not kind.isascii():
        raise Rejected(Reason.MALFORMED, "kind")
    _need_int(epoch, "epoch", low=0)
    _need_bytes(body_hash, HASH_LEN, "body hash")
    _need_int(body_len, "body length", low=0)
    if isinstance(body_len, int):
        check_body_len(body_len)
    _need_int(hlc, "clock", low=0)
    raise Rejected(Reason.MALFORMED, "header")


def check_body_len(body_len: int) -> None:
    """The body cap, stated once: a body (as it travels) of at most MAX_BODY_BYTES.

    Peers check it on every header they decode; the writer checks the same quantity
    before it signs (`sync.writer`), so the two can never disagree."""
    if body_len > MAX_BODY_BYTES:
        raise Rejected(Reason.OVERSIZE, f"a body of {body_len:,} bytes (at most {MAX_BODY_BYTES:,})")


def check_envelope_len(length: int) -> None:
    """The envelope cap, stated once (checked before any decoding, and by the writer)."""
    if length > MAX_ENVELOPE_BYTES:
        raise Rejected(Reason.OVERSIZE, f"op of {length:,} bytes (at most {MAX_ENVELOPE_BYTES:,})")


def encode_envelope(header_bytes: bytes, signature: bytes, body: bytes | None) -> bytes:
    return pack_flat([header_bytes, signature, body])


def decode_envelope(data: bytes) -> tuple[bytes, bytes, bytes | None]:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise Rejected(Reason.MALFORMED, "not bytes")
    value = unpack_flat(bytes(data), max_bytes=MAX_ENVELOPE_BYTES, max_items=3)
    if not isinstance(value, list) or len(value) != 3:
        raise Rejected(Reason.MALFORMED, "envelope is not a 3-field array")
    header_bytes, signature, body = value
    if not isinstance(header_bytes, bytes):
        raise Rejected(Reason.MALFORMED, "header")
    _need_bytes(signature, SIG_LEN, "signature")
    if body is not None and not isinstance(body, bytes):
        raise Rejected(Reason.MALFORMED, "body")
    return header_bytes, signature, body


def split_trusted_envelope(data: bytes) -> tuple[bytes, bytes, bytes | None]:
    """The parts of an envelope that `decode_envelope` already accepted (no checks)."""
    header_bytes, signature, body = msgpack.unpackb(data)
    return header_bytes, signature, body


def _need_bytes(value: object, length: int, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != length:
        raise Rejected(Reason.MALFORMED, f"{what} must be {length} bytes")


def _need_int(value: object, what: str, *, low: int) -> None:
    if type(value) is not int or not low <= value <= MAX_INT:
        raise Rejected(Reason.MALFORMED, f"{what} out of range")
