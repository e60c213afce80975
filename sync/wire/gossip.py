"""Gossip and session-opening messages (the network's envelopes around sync data).

digest = [3, space, frontier_hash, op_count]     "this is what I hold" (a hint)
hello  = [6, space, token | nil, token_sig | nil] opens a reconciliation stream
answer = [7, accepted: bool, reason: str]         the responder's verdict on a hello
sealed = [8, nonce, ciphertext]                   a gossip payload sealed under a space key
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, SpaceId
from sync.wire.canonical import pack_flat, unpack_flat
from sync.wire.reconcile import OpsMessage
from sync.wire.reconcile import decode as decode_reconcile

DIGEST, HELLO, ANSWER, SEALED = 3, 6, 7, 8
MAX_SEALED = 512 * 1024


@dataclass(frozen=True, slots=True)
class Digest:
    space: SpaceId
    frontier_hash: bytes
    op_count: int


@dataclass(frozen=True, slots=True)
class Hello:
    space: SpaceId
    token: bytes | None = None
    token_signature: bytes | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    accepted: bool
    reason: str = ""


def encode_digest(message: Digest) -> bytes:
    return pack_flat([DIGEST, message.space, message.frontier_hash, message.op_count])


def encode_hello(message: Hello) -> bytes:
    return pack_flat([HELLO, message.space, message.token, message.token_signature])


def encode_answer(message: Answer) -> bytes:
    return pack_flat([ANSWER, message.accepted, message.reason])


def encode_sealed(nonce: bytes, ciphertext: bytes) -> bytes:
    return pack_flat([SEALED, nonce, ciphertext])


def _fields(data: bytes, tag: int, count: int) -> list[object]:
    value = unpack_flat(bytes(data), max_bytes=MAX_SEALED + 64, max_items=count)
    if not isinstance(value, list) or len(value) != count or type(value[0]) is not int or value[0] != tag:
        raise Rejected(Reason.MALFORMED, "unexpected message")
    return value


def _space(value: object) -> SpaceId:
    if type(value) is not bytes or len(value) != HASH_LEN:
        raise Rejected(Reason.MALFORMED, "space id")
    return SpaceId(value)


def decode_digest(data: bytes) -> Digest:
    _, space, frontier_hash, op_count = _fields(data, DIGEST, 4)
    if type(frontier_hash) is not bytes or len(frontier_hash) != HASH_LEN or type(op_count) is not int:
        raise Rejected(Reason.MALFORMED, "digest")
    return Digest(_space(space), frontier_hash, op_count)


def decode_hello(data: bytes) -> Hello:
    _, space, token, signature = _fields(data, HELLO, 4)
    if (token is None) != (signature is None) or not all(
        part is None or type(part) is bytes for part in (token, signature)
    ):
        raise Rejected(Reason.MALFORMED, "hello")
    return Hello(_space(space), token, signature)  # type: ignore[arg-type]


def decode_answer(data: bytes) -> Answer:
    _, accepted, reason = _fields(data, ANSWER, 3)
    if type(accepted) is not bool or type(reason) is not str:
        raise Rejected(Reason.MALFORMED, "answer")
    return Answer(accepted, reason)


def decode_sealed(data: bytes) -> tuple[bytes, bytes]:
    _, nonce, ciphertext = _fields(data, SEALED, 3)
    if type(nonce) is not bytes or type(ciphertext) is not bytes:
        raise Rejected(Reason.MALFORMED, "sealed payload")
    return nonce, ciphertext


def looks_sealed(data: bytes) -> bool:
    """The cheap early check gossip runs before delivery: a sealed payload's frame."""
    return len(data) > 16 and data[:2] == bytes([0x93, SEALED])  # fixarray(3), tag


def decode_gossip(payload: bytes) -> Digest | OpsMessage:
    """An unsealed gossip payload: a frontier digest or a batch of new ops."""
    if payload[:2] == bytes([0x94, DIGEST]):  # fixarray(4), tag
        return decode_digest(payload)
    message = decode_reconcile(payload)
    if not isinstance(message, OpsMessage):
        raise Rejected(Reason.MALFORMED, "gossip carries ops or digests, not frontiers")
    return message
