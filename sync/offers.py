"""Offers: how a pair or direct-message space is proposed to one person (issue 18).

The proposer's device creates the new space (`writer.create_space`, with the pair's
genesis policy for a pair), mints a one-use member invite to it, and seals the invite
code to each of the invitee's devices; the boxes travel in a `coach.offer` op in a
circle both belong to. Only the invitee's devices can open a box; joining with the
invite (and, for a pair, signing `pair.accept`) is the invitee's own act.

`seal` derives its ephemeral key from the first 64 bytes of the plaintext, so each box
begins with 64 secret bytes (derived from the new space's fresh key and the recipient):
with the public start of an invite code first, anyone could re-derive the ephemeral key
and open the box.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sync import writer
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey, seal
from sync.ids import DeviceId, SpaceId, digest
from sync.invite import Invite, parse_code
from sync.policy import PAIR_POLICY, Level
from sync.replica import Replica

SALT_LEN = 64
DAY_MS = 86_400_000


def _salt(space_key: bytes, device: bytes) -> bytes:
    half = digest(space_key + device, person=b"sc-offer-salt")
    return half + digest(half, person=b"sc-offer-salt2")


def boxes(invite: Invite, space_key: bytes, devices: Iterable[DeviceId]) -> list[list[bytes]]:
    """The invite code sealed to each device, as `coach.offer` carries them."""
    code = invite.code().encode()
    return [[device, seal(device, _salt(space_key, device) + code)] for device in sorted(set(devices))]


def open_box(key: DeviceKey, extra: Mapping[str, object]) -> Invite | None:
    """The invite in an offer's boxes that is addressed to this device, or None."""
    for device, box in extra.get("boxes", []):  # type: ignore[attr-defined]
        if device == key.device_id:
            try:
                return parse_code(key.unseal(box)[SALT_LEN:].decode())
            except (Rejected, UnicodeDecodeError, ValueError):
                return None
    return None


def offer_fields(
    replica: Replica,
    *,
    to: DeviceId,
    to_devices: Iterable[DeviceId],
    purpose: str,
    name: str,
    member_name: str,
    space_key: bytes,
    nonce: bytes,
    now_ms: int,
    settings: Mapping[str, str | int | bool] | None = None,
    valid_days: int = 30,
    addresses: Iterable[str] = (),
) -> tuple[SpaceId, dict[str, object]]:
    """Create the space for a pair or a direct conversation and the body of the
    `coach.offer` that proposes it (to be written in the shared circle)."""
    if purpose not in ("pair", "direct"):
        raise Rejected(Reason.BAD_CONTENT, "an offer is for a pair or a direct conversation")
    if to == replica.key.device_id:
        raise Rejected(Reason.NOT_PERMITTED, "you cannot make an offer to yourself")
    policy: dict[str, int] = dict(PAIR_POLICY) if purpose == "pair" else {"invite.member": Level.OWNER}
    space = writer.create_space(
        replica,
        name=name,
        member_name=member_name,
        space_key=space_key,
        now_ms=now_ms,
        policy=policy,
        settings={"space.type": purpose, **(settings or {})},
    )
    invite = writer.invite(
        replica,
        space,
        role=Level.MEMBER,
        uses=1,
        expires_ms=now_ms + valid_days * DAY_MS,
        nonce=nonce,
        addresses=list(addresses)[:8],
    )
    return space, {"to": to, "purpose": purpose, "boxes": boxes(invite, space_key, to_devices)}
