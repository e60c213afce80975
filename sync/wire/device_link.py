"""Device-link messages: what travels sealed inside a link code's exchange.

The exchange itself is a room code's (`sync.wire.room_code`: ask, answer, confirm, then
`sealed` frames both ways). Each sealed box holds one of these, a msgpack array:

offer      = [1, linker, linker_name, [[space, name], ...]]        linker -> new device
statements = [2, device, device_name, [[space, signature], ...]]   new device -> linker
keys       = [3, [[space, [[ref, key], ...]], ...], [[space, why], ...]]
                                                                   linker -> new device
done       = [4]                                                   new device -> linker

`offer` lists the spaces (circles and the personal space) the linker's person is in;
`statements` are the new device's signed consents (`sync.link`), one per space it
accepts; `keys` hands over each linked space's epoch keys (`writer.space_keys`) and says
why any space was not linked; `done` tells the linker the new device holds the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN, SIG_LEN, DeviceId, SpaceId
from sync.wire.canonical import pack, unpack_canonical

MAX_MESSAGE = 2_000_000
MAX_SPACES = 5_000
MAX_KEYS = 10_000  # per space: the space key and one per rotation
MAX_NAME = 200
MAX_WHY = 300


@dataclass(frozen=True, slots=True)
class LinkOffer:
    linker: DeviceId
    linker_name: str
    spaces: tuple[tuple[SpaceId, str], ...]


@dataclass(frozen=True, slots=True)
class Statements:
    device: DeviceId
    device_name: str
    signatures: tuple[tuple[SpaceId, bytes], ...]


@dataclass(frozen=True, slots=True)
class Keys:
    keys: tuple[tuple[SpaceId, tuple[tuple[bytes, bytes], ...]], ...]
    refused: tuple[tuple[SpaceId, str], ...]


@dataclass(frozen=True, slots=True)
class Done:
    pass


Message = LinkOffer | Statements | Keys | Done


def encode(message: Message) -> bytes:
    match message:
        case LinkOffer(linker, name, spaces):
            return pack([1, linker, name, [[space, title] for space, title in spaces]])
        case Statements(device, name, signatures):
            return pack([2, device, name, [[space, sig] for space, sig in signatures]])
        case Keys(keys, refused):
            rings = [[space, [[ref, key] for ref, key in ring]] for space, ring in keys]
            return pack([3, rings, [[space, why] for space, why in refused]])
        case Done():
            return pack([4])
    raise TypeError(message)


def _bad(what: str) -> Rejected:
    return Rejected(Reason.MALFORMED, f"device-link {what}")


def _id(value: object, what: str) -> bytes:
    if type(value) is not bytes or len(value) != KEY_LEN:
        raise _bad(f"{what} is not a 32-byte id")
    return value


def _text(value: object, limit: int, what: str) -> str:
    if type(value) is not str or len(value) > limit:
        raise _bad(f"{what} is not a short text")
    return value


def _pairs(value: object, limit: int, what: str) -> list[list[object]]:
    if type(value) is not list or len(value) > limit:
        raise _bad(f"{what} is not a list of at most {limit}")
    if not all(type(pair) is list and len(pair) == 2 for pair in value):
        raise _bad(f"{what} holds something other than pairs")
    return value


def _unique(spaces: Sequence[bytes], what: str) -> None:
    if len(set(spaces)) != len(spaces):
        raise _bad(f"{what} names a space twice")


def decode(data: bytes) -> Message:
    """Decode one sealed message's plaintext; anything else is Rejected(MALFORMED)."""
    if len(data) > MAX_MESSAGE:
        raise Rejected(Reason.OVERSIZE, "device-link message too large")
    value = unpack_canonical(data, max_bytes=MAX_MESSAGE, max_items=4 * MAX_SPACES + 2 * MAX_KEYS)
    if type(value) is not list or not value or type(value[0]) is not int:
        raise _bad("message is not a tagged array")
    tag, fields = value[0], value[1:]
    if tag == 1 and len(fields) == 3:
        linker = _id(fields[0], "linker")
        name = _text(fields[1], MAX_NAME, "linker name")
        spaces = [
            (_id(s, "space"), _text(t, MAX_NAME, "space name"))
            for s, t in _pairs(fields[2], MAX_SPACES, "spaces")
        ]
        _unique([s for s, _ in spaces], "offer")
        return LinkOffer(DeviceId(linker), name, tuple((SpaceId(s), t) for s, t in spaces))
    if tag == 2 and len(fields) == 3:
        device = _id(fields[0], "device")
        name = _text(fields[1], MAX_NAME, "device name")
        signatures = []
        for space, signature in _pairs(fields[2], MAX_SPACES, "statements"):
            if type(signature) is not bytes or len(signature) != SIG_LEN:
                raise _bad("statement signature has the wrong length")
            signatures.append((SpaceId(_id(space, "space")), signature))
        _unique([s for s, _ in signatures], "statements")
        return Statements(DeviceId(device), name, tuple(signatures))
    if tag == 3 and len(fields) == 2:
        keys = []
        for space, ring in _pairs(fields[0], MAX_SPACES, "keys"):
            pairs = _pairs(ring, MAX_KEYS, "key ring")
            keys.append(
                (SpaceId(_id(space, "space")), tuple((_id(r, "ref"), _id(k, "key")) for r, k in pairs))
            )
        refused = [
            (SpaceId(_id(s, "space")), _text(w, MAX_WHY, "refusal"))
            for s, w in _pairs(fields[1], MAX_SPACES, "refusals")
        ]
        _unique([s for s, _ in keys] + [s for s, _ in refused], "keys")
        return Keys(tuple(keys), tuple(refused))
    if tag == 4 and not fields:
        return Done()
    raise _bad("message has the wrong tag or fields")
