"""Room-code offers on disk: the short codes this device answers, shared between processes.

`circle invite --short` (any process) mints a long invite and writes an offer here; the
process that runs the device on the network (`serve` or the desktop client) answers
room-code exchanges from it (`app.network.room_codes`) and writes back what each
exchange spent (tries, uses). The file holds long invite codes, which carry circle
keys, so it is 0600 like the device key; every read-modify-write holds an exclusive
lock on a sibling lock file. Expired offers are dropped on the next edit (locked and used-up ones
once they would have expired). A device "is running" for room codes while some process holds `SERVING_LOCK`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from app.errors import CommandError
from sync.room_code import RoomCode, RoomOffer, new_room_code

OFFERS_FILE = "room-codes.json"
EDIT_LOCK = "room-codes.json.lock"
SERVING_LOCK = "room-codes.serving"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _to_json(offer: RoomOffer) -> dict[str, object]:
    return {
        "channel": offer.code.channel,
        "words": list(offer.code.words),
        "invite_code": offer.invite_code,
        "circle_name": offer.circle_name,
        "expires_ms": offer.expires_ms,
        "uses_left": offer.uses_left,
        "failures": offer.failures,
        "joined": offer.joined,
    }


def _from_json(entry: dict[str, object]) -> RoomOffer:
    def number(key: str) -> int:
        value = entry[key]
        if type(value) is not int:
            raise TypeError(key)
        return value

    words = entry["words"]
    if not isinstance(words, list) or len(words) != 2:
        raise TypeError("words")
    return RoomOffer(
        code=RoomCode(number("channel"), (str(words[0]), str(words[1]))),
        invite_code=str(entry["invite_code"]),
        circle_name=str(entry["circle_name"]),
        expires_ms=number("expires_ms"),
        uses_left=number("uses_left"),
        failures=number("failures"),
        joined=number("joined"),
    )


@contextlib.contextmanager
def edit_offers(home: Path, *, now_ms: int) -> Iterator[dict[int, RoomOffer]]:
    """The open offers by channel, to read and change; written back (atomically) on exit."""
    path = home / OFFERS_FILE
    with _locked(home / EDIT_LOCK):
        try:
            entries = json.loads(path.read_text())
            offers = {offer.code.channel: offer for offer in map(_from_json, entries)}
        except FileNotFoundError:
            offers = {}
        except (ValueError, KeyError, TypeError):
            offers = {}  # a damaged file: its codes stop working, new ones can be made
        yield offers
        # A locked or used-up code is kept until it would have expired, so that a late try
        # is told why (and its channel is not handed out again meanwhile).
        kept = [_to_json(o) for o in offers.values() if now_ms <= o.expires_ms]
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump(kept, file)
        os.replace(temporary, path)


def device_is_serving(home: Path) -> bool:
    """Whether a process runs this device on the network (holds the serving lock)."""
    try:
        fd = os.open(home / SERVING_LOCK, os.O_RDWR)  # no file: nothing ever served here
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False
    finally:
        os.close(fd)


@contextlib.contextmanager
def serving(home: Path) -> Iterator[bool]:
    """Hold the serving lock while the block runs; yields False if another process has it."""
    fd = os.open(home / SERVING_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def require_serving(home: Path) -> None:
    if not device_is_serving(home):
        raise CommandError(
            "A room code works only while this device is on the network: start the desktop"
            " client or `studycircle serve` on it first, then make the code."
        )


def add_offer(
    home: Path, *, invite_code: str, circle_name: str, minutes: float, uses: int, now_ms: int
) -> RoomOffer:
    """Open a room code handing out `invite_code`; refused unless this device is running."""
    require_serving(home)
    with edit_offers(home, now_ms=now_ms) as offers:
        taken = {c for c, o in offers.items() if now_ms <= o.expires_ms}
        try:
            code = new_room_code(taken, randbelow=secrets.randbelow)
        except Exception as error:
            raise CommandError(f"Could not make a room code: {error}.") from None
        offer = RoomOffer(
            code, invite_code, circle_name, expires_ms=now_ms + int(minutes * 60_000), uses_left=uses
        )
        offers[code.channel] = offer
    return offer
