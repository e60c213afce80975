"""Room-code exchange messages (`sync.room_code`), one msgpack array each.

ask     = [1, channel, spake]        joiner -> member
answer  = [2, spake, mac]            member -> joiner
confirm = [3, mac]                   joiner -> member
sealed  = [4, box]                   member -> joiner (the long invite code, secretbox)
refusal = [5, sentence]              member -> joiner, in place of answer or sealed
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.wire.canonical import pack, unpack_canonical

MAX_MESSAGE = 20_000
SPAKE_LEN = 33
MAC_LEN = 32


@dataclass(frozen=True, slots=True)
class Ask:
    channel: int
    spake: bytes


@dataclass(frozen=True, slots=True)
class Answer:
    spake: bytes
    mac: bytes


@dataclass(frozen=True, slots=True)
class Confirm:
    mac: bytes


@dataclass(frozen=True, slots=True)
class Sealed:
    box: bytes


@dataclass(frozen=True, slots=True)
class Refusal:
    sentence: str


Message = Ask | Answer | Confirm | Sealed | Refusal
_SHAPES: dict[int, tuple[type, ...]] = {
    1: (int, bytes),
    2: (bytes, bytes),
    3: (bytes,),
    4: (bytes,),
    5: (str,),
}


def encode(message: Message) -> bytes:
    match message:
        case Ask(channel, spake):
            return pack([1, channel, spake])
        case Answer(spake, mac):
            return pack([2, spake, mac])
        case Confirm(mac):
            return pack([3, mac])
        case Sealed(box):
            return pack([4, box])
        case Refusal(sentence):
            return pack([5, sentence])
    raise TypeError(message)


def decode(data: bytes) -> Message:
    """Decode one message; anything else is Rejected(MALFORMED)."""
    if len(data) > MAX_MESSAGE:
        raise Rejected(Reason.OVERSIZE, "room-code message too large")
    value = unpack_canonical(data, max_bytes=MAX_MESSAGE, max_items=8)
    if not isinstance(value, list) or not value or type(value[0]) is not int:
        raise Rejected(Reason.MALFORMED, "room-code message is not a tagged array")
    tag, fields = value[0], value[1:]
    shape = _SHAPES.get(tag)
    if shape is None or len(fields) != len(shape) or not all(
        type(field) is kind for field, kind in zip(fields, shape, strict=True)
    ):
        raise Rejected(Reason.MALFORMED, "room-code message has the wrong fields")
    if tag == 1 and (not 0 <= fields[0] < 1000 or len(fields[1]) != SPAKE_LEN):
        raise Rejected(Reason.MALFORMED, "room-code ask out of range")
    if tag == 2 and (len(fields[0]) != SPAKE_LEN or len(fields[1]) != MAC_LEN):
        raise Rejected(Reason.MALFORMED, "room-code answer has wrong lengths")
    if tag == 3 and len(fields[0]) != MAC_LEN:
        raise Rejected(Reason.MALFORMED, "room-code confirmation has the wrong length")
    if tag == 5 and len(fields[0]) > 300:
        raise Rejected(Reason.MALFORMED, "room-code refusal too long")
    constructors = {1: Ask, 2: Answer, 3: Confirm, 4: Sealed, 5: Refusal}
    return constructors[tag](*fields)  # type: ignore[no-any-return]
