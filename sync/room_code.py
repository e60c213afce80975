"""Room codes: short join codes a person can read aloud, safe on a shared Wi-Fi.

A room code (`7-guitar-harbor`) is a channel number (1–99), which tells the joiner's
device which offer on the LAN it is after, and two words from `WORDS` (256 each: 16 bits),
which are a password. The member's device that made the code holds an *offer*: the long
invite code to hand over, an expiry and a number of uses. The two devices run SPAKE2
(a password-authenticated key exchange) with the whole code as the password, confirm the
key both ways, and only then does the member send the long code, sealed with that key.

What this gives (docs/security.md, "Room codes"):
- An eavesdropper sees SPAKE2 messages, from which no guess of the password can be
  checked offline, and a sealed invite it cannot open.
- A guesser gets one guess per exchange the member's device answers, and every
  answered exchange counts as a failed attempt until its key is confirmed; after
  `MAX_FAILURES` the offer is locked for good, so a code is guessed with probability at
  most 3 / 65,536 before it stops working — and it also expires after minutes.

Pure: no I/O, no clock reads (callers pass `now_ms`), no randomness of its own (callers
pass `entropy`, e.g. `os.urandom`, and `randbelow`); `sync.wire.room_code` encodes the
messages.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nacl import secret as nacl_secret
from nacl.exceptions import CryptoError

from sync.errors import Reason, Rejected
from sync.wire.room_code import Answer, Ask, Confirm, Refusal, Sealed

if TYPE_CHECKING:  # spake2 takes 45 ms to import: loaded when an exchange runs, not at start
    from spake2 import SPAKE2_B

MAX_FAILURES = 3
MAX_CHANNEL = 99
DEFAULT_MINUTES = 10
MAX_ROOM_MINUTES = 120
DEFAULT_USES = 30
MEMBER_ID = b"studycircle/room-code/member"
JOINER_ID = b"studycircle/room-code/joiner"

WORDS: tuple[str, ...] = (
    "acorn", "actor", "adobe", "alarm", "album", "amber", "anchor", "angle", "apple", "apron",
    "arrow", "aspen", "atlas", "attic", "autumn", "avenue", "bacon", "badge", "bagel", "bamboo",
    "banana", "banjo", "barrel", "basket", "beacon", "beaver", "bench", "berry", "bicycle",
    "biscuit", "blanket", "blossom", "bottle", "bramble", "bridge", "brook", "bucket", "buffalo",
    "bundle", "butter", "button", "cabin", "cactus", "camel", "candle", "canoe", "canvas", "canyon",
    "carpet", "carrot", "castle", "cedar", "cellar", "cherry", "chess", "circus", "citrus",
    "clover", "cobalt", "coconut", "comet", "compass", "copper", "coral", "cotton", "cougar",
    "crayon", "cricket", "crystal", "daisy", "dancer", "delta", "denim", "desert", "diamond",
    "dolphin", "donkey", "dragon", "drum", "eagle", "easel", "ember", "emerald", "engine", "falcon",
    "feather", "fennel", "ferry", "fiddle", "flannel", "flute", "forest", "fossil", "fountain",
    "fox", "galaxy", "garden", "garlic", "garnet", "gazelle", "ginger", "giraffe", "glacier",
    "globe", "goblet", "granite", "grape", "guitar", "hammock", "harbor", "harvest", "hazel",
    "helmet", "heron", "hickory", "honey", "horizon", "hornet", "iceberg", "igloo", "indigo",
    "island", "ivory", "jacket", "jaguar", "jasmine", "jelly", "jigsaw", "jungle", "kayak",
    "kettle", "kitten", "koala", "ladder", "lagoon", "lantern", "laptop", "lemon", "lentil",
    "lettuce", "library", "lilac", "lion", "lizard", "lobster", "locket", "magnet", "mango",
    "maple", "marble", "meadow", "melon", "meteor", "mitten", "monkey", "mosaic", "muffin",
    "mustard", "napkin", "nectar", "needle", "nickel", "noodle", "nutmeg", "oasis", "ocean",
    "olive", "onion", "orange", "orchid", "otter", "oyster", "paddle", "pancake", "panda",
    "paprika", "parrot", "peach", "peanut", "pebble", "pelican", "pepper", "piano", "pickle",
    "pigeon", "pillow", "pine", "pirate", "planet", "plum", "pocket", "pony", "poppy", "potato",
    "pumpkin", "puzzle", "quartz", "quill", "rabbit", "radish", "rainbow", "raven", "ribbon",
    "river", "robin", "rocket", "saddle", "saffron", "salmon", "sandal", "satchel", "scarf",
    "school", "shadow", "shell", "silver", "sketch", "sparrow", "spinach", "spoon", "squirrel",
    "stamp", "straw", "sunset", "swan", "tablet", "teapot", "thimble", "thunder", "tiger", "timber",
    "toast", "tomato", "torch", "tractor", "trumpet", "tulip", "tunnel", "turnip", "turtle",
    "umbrella", "valley", "velvet", "violin", "volcano", "wagon", "walnut", "walrus", "whistle",
    "willow", "window", "winter", "wizard", "yogurt", "zebra", "zipper",
)
_INDEX = {word: index for index, word in enumerate(WORDS)}
_SHAPE = re.compile(r"^\s*(\d{1,3})\s*[-\s]\s*([A-Za-z]+)\s*[-\s]\s*([A-Za-z]+)\s*$")


@dataclass(frozen=True, slots=True)
class RoomCode:
    channel: int
    words: tuple[str, str]

    def text(self) -> str:
        return f"{self.channel}-{self.words[0]}-{self.words[1]}"

    def password(self) -> bytes:
        return self.text().encode("ascii")


Entropy = Callable[[int], bytes]  # n random bytes (os.urandom)


def new_room_code(taken: set[int] | frozenset[int], *, randbelow: Callable[[int], int]) -> RoomCode:
    """A fresh code on a channel none of this device's open offers uses; `randbelow(n)` is
    a uniform random number below n (`secrets.randbelow`)."""
    free = [channel for channel in range(1, MAX_CHANNEL + 1) if channel not in taken]
    if not free:
        raise Rejected(Reason.BAD_INVITE, f"this device already has {MAX_CHANNEL} room codes open")
    channel = free[randbelow(len(free))]
    return RoomCode(channel, (WORDS[randbelow(len(WORDS))], WORDS[randbelow(len(WORDS))]))


def looks_like_room_code(text: str) -> bool:
    """Whether `text` is shaped like a room code (a number and two words), right or not."""
    return _SHAPE.match(text) is not None


def parse_room_code(text: str) -> RoomCode:
    """Read what a person typed (any case, spaces or dashes); a sentence says what is wrong."""
    match = _SHAPE.match(text)
    if match is None:
        raise Rejected(Reason.BAD_INVITE, "a room code is a number and two words, like 7-guitar-harbor")
    channel = int(match.group(1))
    if not 1 <= channel <= MAX_CHANNEL:
        raise Rejected(Reason.BAD_INVITE, f"a room code starts with a number from 1 to {MAX_CHANNEL}")
    words = (match.group(2).lower(), match.group(3).lower())
    for word in words:
        if word not in _INDEX:
            raise Rejected(
                Reason.BAD_INVITE, f"“{word}” is not one of the room-code words; check its spelling"
            )
    return RoomCode(channel, words)


class OfferState(enum.StrEnum):
    OPEN = "open"
    EXPIRED = "expired"
    USED_UP = "used up"
    LOCKED = "locked"


@dataclass(slots=True)
class RoomOffer:
    """A room code this device answers: the invite it hands over, and its limits."""

    code: RoomCode
    invite_code: str
    circle_name: str
    expires_ms: int
    uses_left: int
    failures: int = 0
    joined: int = 0

    def state(self, now_ms: int) -> OfferState:
        if self.failures >= MAX_FAILURES:
            return OfferState.LOCKED
        if self.uses_left <= 0:
            return OfferState.USED_UP
        if now_ms > self.expires_ms:
            return OfferState.EXPIRED
        return OfferState.OPEN


REFUSALS = {
    OfferState.EXPIRED: "this room code has expired; ask for a new one",
    OfferState.USED_UP: "this room code has been used as many times as it allows; ask for a new one",
    OfferState.LOCKED: f"this room code was locked after {MAX_FAILURES} wrong tries; ask for a new one",
}
NO_SUCH_CODE = "no device here has that room code open"


def _confirmation(key: bytes, who: bytes, transcript: bytes) -> bytes:
    return hmac.new(key, b"studycircle/room-code/confirm\x00" + who + transcript, hashlib.sha256).digest()


def _transcript(channel: int, joiner_message: bytes, member_message: bytes) -> bytes:
    return channel.to_bytes(1, "big") + joiner_message + member_message


@dataclass
class MemberExchange:
    """The member's side of one exchange (sans-IO): `answer` then `finish`."""

    offer: RoomOffer
    entropy: Entropy
    _key: bytes = field(default=b"", repr=False)
    _transcript: bytes = b""
    done: bool = False

    def answer(self, ask: Ask, *, now_ms: int) -> Answer | Refusal:
        """Answer an ask; from here the exchange counts as a failed try until confirmed."""
        state = self.offer.state(now_ms)
        if state is not OfferState.OPEN:
            return Refusal(REFUSALS[state])
        from spake2 import SPAKE2_A

        spake = SPAKE2_A(self.offer.code.password(), idA=MEMBER_ID, idB=JOINER_ID, entropy_f=self.entropy)
        message = spake.start()
        try:
            self._key = spake.finish(ask.spake)
        except Exception:  # spake2 raises its own errors for a bad point
            raise Rejected(Reason.MALFORMED, "the room-code exchange message is not a valid point") from None
        self.offer.failures += 1
        self._transcript = _transcript(self.offer.code.channel, ask.spake, message)
        return Answer(message, _confirmation(self._key, MEMBER_ID, self._transcript))

    def finish(self, confirm: Confirm, *, now_ms: int) -> Sealed | Refusal:
        """The joiner's confirmation: right, and the sealed invite goes out (one use)."""
        if not self._key or self.done:
            return Refusal("the room-code exchange is out of order")
        self.done = True
        expected = _confirmation(self._key, JOINER_ID, self._transcript)
        if not hmac.compare_digest(expected, confirm.mac):
            return Refusal("wrong room code")
        self.offer.failures -= 1
        if self.offer.uses_left <= 0:  # others used it up while this exchange ran
            return Refusal(REFUSALS[OfferState.USED_UP])
        self.offer.uses_left -= 1
        self.offer.joined += 1
        box = nacl_secret.SecretBox(self._key)
        nonce = self.entropy(nacl_secret.SecretBox.NONCE_SIZE)
        return Sealed(bytes(box.encrypt(self.offer.invite_code.encode("ascii"), nonce)))


@dataclass
class JoinerExchange:
    """The joiner's side of one exchange (sans-IO): `ask`, `confirm`, `open`."""

    code: RoomCode
    entropy: Entropy
    _spake: SPAKE2_B | None = field(default=None, repr=False)
    _message: bytes = b""
    _key: bytes = field(default=b"", repr=False)

    def ask(self) -> Ask:
        from spake2 import SPAKE2_B

        spake = SPAKE2_B(self.code.password(), idA=MEMBER_ID, idB=JOINER_ID, entropy_f=self.entropy)
        self._spake = spake
        self._message = spake.start()
        return Ask(self.code.channel, self._message)

    def confirm(self, answer: Answer) -> Confirm:
        """Check the member's confirmation; a mismatch means the words were wrong."""
        if self._spake is None:
            raise Rejected(Reason.MALFORMED, "the room-code exchange is out of order")
        try:
            self._key = self._spake.finish(answer.spake)
        except Exception:
            raise Rejected(Reason.MALFORMED, "the room-code exchange message is not a valid point") from None
        transcript = _transcript(self.code.channel, self._message, answer.spake)
        if not hmac.compare_digest(_confirmation(self._key, MEMBER_ID, transcript), answer.mac):
            raise Rejected(
                Reason.BAD_INVITE, "wrong room code: the words do not match the code on that device"
            )
        return Confirm(_confirmation(self._key, JOINER_ID, transcript))

    def open(self, sealed: Sealed) -> str:
        """The long invite code inside."""
        if not self._key:
            raise Rejected(Reason.MALFORMED, "the room-code exchange is out of order")
        try:
            return nacl_secret.SecretBox(self._key).decrypt(sealed.box).decode("ascii")
        except (CryptoError, UnicodeDecodeError):
            raise Rejected(
                Reason.BAD_INVITE, "the invite sent for this room code could not be opened"
            ) from None
