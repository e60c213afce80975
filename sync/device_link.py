"""Linking a person's new device by a link code: the exchange's roles and limits, and
what each side computes (pure; the network side is `app.network.device_links`).

A link code looks like a room code (`12-otter-violin`: a channel and two words) and is
run through the same SPAKE2 exchange (`sync.room_code`) under other identities, so a
room code's exchange never passes for a link's. The existing device (the *linker*)
holds one `PendingLink` for a few minutes and one use; every answered exchange counts
as a failed try until the new device's confirmation proves it knew the words, and
after `MAX_FAILURES` the code is locked. After the confirmation, sealed under the
exchange's key (`sync.wire.device_link`):

1. the linker sends a `LinkOffer`: its device id and name, and every space its person
   is a member of (circles and the personal space);
2. the new device signs its consent for each (`sync.link.sign_statement`) and sends the
   `Statements`;
3. the linker writes one `member.link` per space and sends the `Keys`;
4. the new device fetches the history from the linker and sends `Done`.

Pure functions; any thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sync import joining, writer
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import SpaceId
from sync.link import sign_statement
from sync.policy import Level
from sync.replica import Replica
from sync.room_code import MAX_FAILURES, WORDS, OfferState, Roles, RoomCode, offer_state
from sync.wire.device_link import LinkOffer, Statements

DEFAULT_LINK_MINUTES = 5
MAX_LINK_MINUTES = 30
LINKER_ID = b"studycircle/device-link/linker"
NEW_DEVICE_ID = b"studycircle/device-link/new-device"
LINK_REFUSALS = {
    OfferState.EXPIRED: "this link code has expired; make a new one on your other device",
    OfferState.USED_UP: "this link code has been used already; make a new one on your other device",
    OfferState.LOCKED: f"this link code was locked after {MAX_FAILURES} wrong tries; make a new one",
}
LINK = Roles(LINKER_ID, NEW_DEVICE_ID, "link code", LINK_REFUSALS)
NO_SUCH_LINK = "no device here is waiting for that link code"


@dataclass(slots=True)
class PendingLink:
    """A link code the linker answers: one use, a few minutes, `MAX_FAILURES` wrong tries."""

    code: RoomCode
    offer: bytes  # the encoded `LinkOffer`, sealed to whoever confirms the code
    expires_ms: int
    uses_left: int = 1
    failures: int = 0
    joined: int = 0

    def state(self, now_ms: int) -> OfferState:
        return offer_state(self, self.expires_ms, now_ms)

    def payload(self) -> bytes:
        return self.offer


def new_link_code(*, randbelow: Callable[[int], int]) -> RoomCode:
    """A fresh link code; `randbelow(n)` is uniform below n (`secrets.randbelow`)."""
    return RoomCode(1 + randbelow(99), (WORDS[randbelow(len(WORDS))], WORDS[randbelow(len(WORDS))]))


def linkable_spaces(replica: Replica) -> list[tuple[SpaceId, str]]:
    """The spaces this device's person is a member of through it, with their names: every
    circle it has joined (and not left) and its personal space, oldest first."""
    replica.refresh()
    spaces = []
    for space in replica.spaces():
        if joining.pending(replica, space) is not None:
            continue  # no member holds our join yet: nothing to link through
        if writer.my_level(replica, space) > Level.NONE:
            spaces.append((space, replica.context(space).name))
    return spaces


def sign_statements(key: DeviceKey, offer: LinkOffer, *, name: str) -> Statements:
    """The new device's consent to be linked by `offer.linker` in each offered space."""
    if offer.linker == key.device_id:
        raise Rejected(Reason.BAD_CONTENT, "a device cannot link itself")
    signatures = tuple(
        (space, sign_statement(key, space=space, linker=offer.linker).signature) for space, _ in offer.spaces
    )
    return Statements(key.device_id, name, signatures)
