"""Ops as values: bytes from a peer become an UnverifiedOp; only `verify` makes a VerifiedOp.

A VerifiedOp is authentic (signed by its author, body matching its hash, for the
expected space). Whether it is *valid* — permitted, in the right epoch, well-formed —
is decided later against the space's causal past (see `sync.validate`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sync.crypto import encrypt_body
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey, signature_ok
from sync.ids import HASH_LEN, OpId, SpaceId, digest
from sync.wire.op import (
    Header,
    associated_data_of,
    check_envelope_len,
    decode_envelope,
    decode_header,
    encode_envelope,
    encode_header,
)

SIGNING_DOMAIN = b"studycircle/op/v1\x00"
GENESIS_SPACE = SpaceId(bytes(HASH_LEN))
GENESIS_KIND = "space.genesis"


def op_id_of(header_bytes: bytes, signature: bytes) -> OpId:
    """An op's id: the hash of its header and signature (no check of either)."""
    return OpId(digest(header_bytes + signature))


@dataclass(frozen=True, slots=True)
class UnverifiedOp:
    header: Header
    header_bytes: bytes
    signature: bytes
    body: bytes | None
    op_id: OpId

    @classmethod
    def from_wire(cls, data: bytes) -> UnverifiedOp:
        check_envelope_len(len(data))
        header_bytes, signature, body = decode_envelope(data)
        header = decode_header(header_bytes)
        return cls(header, header_bytes, signature, body, op_id_of(header_bytes, signature))

    def trusted(self) -> VerifiedOp:
        """For ops this replica authenticated before (read back from its own tables)."""
        return VerifiedOp(self.op_id, self.header, self.header_bytes, self.signature, self.body)

    def signed_message(self) -> bytes:
        return SIGNING_DOMAIN + self.header_bytes

    def signature_ok(self) -> bool:
        return signature_ok(self.header.author, self.signed_message(), self.signature)

    def associated_data(self) -> bytes:
        """What the body's encryption is bound to, cut from the received header bytes."""
        return associated_data_of(self.header_bytes, self.header)


@dataclass(frozen=True, slots=True)
class VerifiedOp:
    op_id: OpId
    header: Header
    header_bytes: bytes
    signature: bytes
    body: bytes | None

    def to_wire(self) -> bytes:
        return encode_envelope(self.header_bytes, self.signature, self.body)

    def associated_data(self) -> bytes:
        """What the body's encryption is bound to, cut from the signed header bytes."""
        return associated_data_of(self.header_bytes, self.header)

    def space_id(self) -> SpaceId:
        """The space this op belongs to; a genesis op *is* its space's id."""
        if self.header.kind == GENESIS_KIND and self.header.seq == 1:
            return SpaceId(self.op_id)
        return self.header.space


def check_body(op: UnverifiedOp) -> None:
    """The body (unless redacted) must match the signed hash and length."""
    if op.body is None:
        # Until redaction is a signed op, a body-less copy proves nothing: refuse it so the
        # op stays missing (and is fetched whole) instead of being judged on no body.
        raise Rejected(Reason.BAD_BODY, "the body is missing")
    if len(op.body) != op.header.body_len or digest(op.body) != op.header.body_hash:
        raise Rejected(Reason.BAD_BODY, "body does not match its signed hash")


def check_space(op: UnverifiedOp, space: SpaceId) -> None:
    header = op.header
    if header.kind == GENESIS_KIND:
        if header.space != GENESIS_SPACE or SpaceId(op.op_id) != space:
            raise Rejected(Reason.WRONG_SPACE, "genesis of another space")
    elif header.space != space:
        raise Rejected(Reason.WRONG_SPACE, "op of another space")


def check_cheap(op: UnverifiedOp, *, space: SpaceId) -> None:
    """Everything but the signature: the checks to run before spending a verify on it."""
    check_space(op, space)
    check_body(op)


def verify(op: UnverifiedOp, *, space: SpaceId) -> VerifiedOp:
    """Cheap checks first, then the signature."""
    check_cheap(op, space=space)
    if not op.signature_ok():
        raise Rejected(Reason.BAD_SIGNATURE, "signature does not verify")
    return op.trusted()


def check_as_peers_do(op: VerifiedOp) -> None:
    """Run on a freshly signed op the checks of every cap a peer applies before its
    signature check, with the same functions on the same bytes: the envelope's size,
    and the bounded decode of the header (body length, deps, the kind's length, every
    field's range). Raises `Rejected` as a peer would. (The envelope's structure and
    the body hash hold by construction: `sign` made them.)"""
    check_envelope_len(len(op.to_wire()))
    if decode_header(op.header_bytes) != op.header:
        raise Rejected(Reason.NON_CANONICAL, "the op does not decode to what was signed")


def seal_and_sign(key: DeviceKey, draft: Header, plaintext: bytes, body_key: bytes) -> VerifiedOp:
    """Encrypt `plaintext` bound to the draft header, fill in the body hash, and sign.

    The draft's body hash and length are ignored (they are not associated data).
    """
    body = encrypt_body(body_key, draft.associated_data(), plaintext)
    return sign(key, dataclasses.replace(draft, body_hash=digest(body), body_len=len(body)), body)


def sign(key: DeviceKey, header: Header, body: bytes | None) -> VerifiedOp:
    if header.author != key.device_id:
        raise ValueError("a device signs only its own ops")
    header_bytes = encode_header(header)
    signature = key.sign(SIGNING_DOMAIN + header_bytes)
    return VerifiedOp(OpId(digest(header_bytes + signature)), header, header_bytes, signature, body)
