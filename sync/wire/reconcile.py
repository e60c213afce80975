"""Reconciliation messages.

frontier  = [1, space, [[author, seq, head], ...], [needed op id, ...]]
ops       = [2, space, [envelope, ...]]
want-keys = [3, space, [rotation op id, ...]]        keys this device lacks (sync.missed_keys)
keys      = [4, space, [[rotation op id, sealed key], ...]]   sealed to the asking device
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, KEY_LEN, DeviceId, OpId, SpaceId
from sync.wire.canonical import pack_flat, unpack_canonical
from sync.wire.op import MAX_ENVELOPE_BYTES

FRONTIER, OPS, WANT_KEYS, KEYS = 1, 2, 3, 4
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
MAX_HEADS = 50_000
MAX_NEEDS = 1024
MAX_OPS_PER_MESSAGE = 20_000
MAX_KEYS = 256  # refs in a want-keys or keys message
SEALED_KEY_LEN = KEY_LEN + 48  # a libsodium sealed box of a 32-byte epoch key


@dataclass(frozen=True, slots=True)
class FrontierMessage:
    space: SpaceId
    heads: tuple[tuple[DeviceId, int, OpId], ...]
    needs: tuple[OpId, ...]


@dataclass(frozen=True, slots=True)
class OpsMessage:
    space: SpaceId
    envelopes: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class WantKeysMessage:
    """The rotations whose keys this device lacks to open ops it holds locked."""

    space: SpaceId
    refs: tuple[OpId, ...]


@dataclass(frozen=True, slots=True)
class KeysMessage:
    """Epoch keys, each sealed to the device that asked for them."""

    space: SpaceId
    keys: tuple[tuple[OpId, bytes], ...]


Message = FrontierMessage | OpsMessage | WantKeysMessage | KeysMessage


def encode(message: Message) -> bytes:
    if isinstance(message, FrontierMessage):
        heads = [[author, seq, head] for author, seq, head in sorted(message.heads)]
        return pack_flat([FRONTIER, message.space, heads, sorted(set(message.needs))])
    if isinstance(message, WantKeysMessage):
        return pack_flat([WANT_KEYS, message.space, sorted(set(message.refs))])
    if isinstance(message, KeysMessage):
        return pack_flat([KEYS, message.space, [[ref, sealed] for ref, sealed in sorted(message.keys)]])
    return pack_flat([OPS, message.space, list(message.envelopes)])


def fit_frontier(message: FrontierMessage) -> FrontierMessage:
    """The message with as many of its heads, in the order given (most wanted first), as
    `decode` accepts: at most MAX_HEADS entries and MAX_MESSAGE_BYTES once encoded.

    The caps are stated once, here, and the sender applies them as the receiver does: a
    circle with more authors than fit (ops of throwaway keys, admitted as invalid, are
    authors too) must not make every honest device's frontier a peer fault. A peer that
    is not told of an author sends that author's chain again; nothing is lost."""
    budget = MAX_MESSAGE_BYTES - len(encode(FrontierMessage(message.space, (), message.needs))) - 4
    kept = []
    for author, seq, head in message.heads[:MAX_HEADS]:
        budget -= len(pack_flat([author, seq, head]))
        if budget < 0:
            break
        kept.append((author, seq, head))
    return FrontierMessage(message.space, tuple(kept), message.needs)


def decode(data: bytes) -> Message:
    value = unpack_canonical(
        data,
        max_bytes=MAX_MESSAGE_BYTES,
        max_items=max(MAX_HEADS, MAX_OPS_PER_MESSAGE),
        max_bin=MAX_ENVELOPE_BYTES,
    )
    if (
        not isinstance(value, list)
        or len(value) < 3
        or type(value[0]) is not int
        or value[0] not in (FRONTIER, OPS, WANT_KEYS, KEYS)
    ):
        raise Rejected(Reason.MALFORMED, "not a reconciliation message")
    space = value[1]
    if not isinstance(space, bytes) or len(space) != HASH_LEN:
        raise Rejected(Reason.MALFORMED, "space id")
    if value[0] == OPS:
        if (
            len(value) != 3
            or not isinstance(value[2], list)
            or not all(isinstance(e, bytes) for e in value[2])
        ):
            raise Rejected(Reason.MALFORMED, "ops message")
        return OpsMessage(SpaceId(space), tuple(value[2]))
    if value[0] in (WANT_KEYS, KEYS):
        return _decode_keys(SpaceId(space), value)
    if len(value) != 4 or not isinstance(value[2], list) or not isinstance(value[3], list):
        raise Rejected(Reason.MALFORMED, "frontier message")
    heads = []
    for entry in value[2]:
        if (
            not isinstance(entry, list)
            or len(entry) != 3
            or not isinstance(entry[0], bytes)
            or len(entry[0]) != KEY_LEN
            or type(entry[1]) is not int
            or entry[1] < 1
            or not isinstance(entry[2], bytes)
            or len(entry[2]) != HASH_LEN
        ):
            raise Rejected(Reason.MALFORMED, "frontier entry")
        heads.append((DeviceId(entry[0]), entry[1], OpId(entry[2])))
    if heads != sorted(heads):
        raise Rejected(Reason.NON_CANONICAL, "frontier entries must be sorted")
    needs = value[3]
    if len(needs) > MAX_NEEDS or not all(isinstance(n, bytes) and len(n) == HASH_LEN for n in needs):
        raise Rejected(Reason.MALFORMED, "needs")
    if needs != sorted(set(needs)):
        raise Rejected(Reason.NON_CANONICAL, "needs must be sorted and unique")
    return FrontierMessage(SpaceId(space), tuple(heads), tuple(OpId(n) for n in needs))


def _decode_keys(space: SpaceId, value: list[object]) -> WantKeysMessage | KeysMessage:
    entries = value[2] if len(value) == 3 else None
    if not isinstance(entries, list) or len(entries) > MAX_KEYS:
        raise Rejected(Reason.MALFORMED, "keys message")
    if value[0] == WANT_KEYS:
        if not all(isinstance(ref, bytes) and len(ref) == HASH_LEN for ref in entries):
            raise Rejected(Reason.MALFORMED, "wanted key")
        if entries != sorted(set(entries)):
            raise Rejected(Reason.NON_CANONICAL, "wanted keys must be sorted and unique")
        return WantKeysMessage(space, tuple(OpId(ref) for ref in entries))
    keys = []
    for entry in entries:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], bytes)
            or len(entry[0]) != HASH_LEN
            or not isinstance(entry[1], bytes)
            or len(entry[1]) != SEALED_KEY_LEN
        ):
            raise Rejected(Reason.MALFORMED, "sealed key")
        keys.append((OpId(entry[0]), entry[1]))
    if [ref for ref, _ in keys] != sorted({ref for ref, _ in keys}):
        raise Rejected(Reason.NON_CANONICAL, "keys must be sorted by ref and unique")
    return KeysMessage(space, tuple(keys))
