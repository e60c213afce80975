"""Invites: signed tokens that let a new device join a space with a role.

A token is valid for a join iff its signature is the inviter's, the inviter could
invite to that role in the causal past of the token (its `at` op, which the join must
name in its deps), it has uses left (concurrent joins counted in a fixed order) and
the join's clock is not past its expiry. Clocks are self-reported, so expiry is
enforced strictly only by the invitee's own client; see docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.identity import DeviceKey, signature_ok
from sync.ids import HASH_LEN, KEY_LEN, DeviceId, OpId, SpaceId, digest
from sync.policy import GRANTABLE, Level
from sync.wire.invite import MAX_NAME_CHARS, decode_code, decode_token, encode_code, encode_token

INVITE_DOMAIN = b"studycircle/invite/v1\x00"
MAX_USES = 10_000
MAX_ADDRESSES = 16


@dataclass(frozen=True, slots=True)
class InviteToken:
    space: SpaceId
    inviter: DeviceId
    at: OpId
    at_seq: int
    at_hlc: int
    role: Level
    uses: int
    expires_ms: int
    nonce: bytes
    addresses: tuple[str, ...]

    def fields(self) -> dict[str, object]:
        return {
            "space": self.space,
            "inviter": self.inviter,
            "at": self.at,
            "at_seq": self.at_seq,
            "at_hlc": self.at_hlc,
            "role": int(self.role),
            "uses": self.uses,
            "expires_ms": self.expires_ms,
            "nonce": self.nonce,
            "addrs": list(self.addresses),
        }


@dataclass(frozen=True, slots=True)
class Invite:
    """A decoded invite code: the signed token plus the space's key ring, and the circle's
    name when the code was made (an unsigned label, shown while a join waits)."""

    token: InviteToken
    token_bytes: bytes
    signature: bytes
    keyring: tuple[tuple[bytes, bytes], ...]
    circle_name: str = ""

    @property
    def invite_id(self) -> bytes:
        return digest(self.token_bytes, person=b"sc-invite")

    def code(self) -> str:
        return encode_code(self.token_bytes, self.signature, list(self.keyring), self.circle_name)


def make_invite(
    inviter: DeviceKey, token: InviteToken, keyring: list[tuple[bytes, bytes]], circle_name: str = ""
) -> Invite:
    """Sign an invite, refused (`BAD_INVITE`) unless the joiner's decoder takes its code:
    the caps of a code (addresses, its size, the keys it carries) are checked here by the
    very functions that read it."""
    token_bytes = encode_token(token.fields())
    signature = inviter.sign(INVITE_DOMAIN + token_bytes)
    invite = Invite(token, token_bytes, signature, tuple(keyring), circle_name[:MAX_NAME_CHARS])
    try:
        parse_code(invite.code())
    except Rejected as error:
        raise Rejected(
            Reason.BAD_INVITE,
            f"This invite would be refused by the device it is for ({error.detail}): it carries"
            f" {len(keyring)} circle keys (one more per member removal) and {len(token.addresses)}"
            f" addresses, and a code holds at most about 160 keys and {MAX_ADDRESSES} addresses",
        ) from None
    return invite


def parse_token(token_bytes: bytes, signature: bytes) -> InviteToken:
    """Decode and authenticate a token; raises Rejected(BAD_INVITE) with a readable reason."""
    fields = decode_token(token_bytes)
    try:
        token = InviteToken(
            space=SpaceId(_bytes(fields["space"], HASH_LEN)),
            inviter=DeviceId(_bytes(fields["inviter"], KEY_LEN)),
            at=OpId(_bytes(fields["at"], HASH_LEN)),
            at_seq=_int(fields["at_seq"], 1),
            at_hlc=_int(fields["at_hlc"], 0),
            role=Level(_int(fields["role"], 1)),
            uses=_int(fields["uses"], 1),
            expires_ms=_int(fields["expires_ms"], 0),
            nonce=_bytes(fields["nonce"], 16),
            addresses=_addresses(fields["addrs"]),
        )
    except (KeyError, ValueError, TypeError):
        raise Rejected(Reason.BAD_INVITE, "the invite is missing fields or has bad ones") from None
    if set(fields) != set(token.fields()):
        raise Rejected(Reason.BAD_INVITE, "the invite has unknown fields")
    if token.role not in GRANTABLE or token.uses > MAX_USES:
        raise Rejected(Reason.BAD_INVITE, "the invite's role or uses are out of range")
    if not signature_ok(token.inviter, INVITE_DOMAIN + token_bytes, signature):
        raise Rejected(Reason.BAD_INVITE, "the invite's signature does not match its inviter")
    return token


def parse_code(code: str) -> Invite:
    token_bytes, signature, keyring, circle_name = decode_code(code)
    token = parse_token(token_bytes, signature)
    return Invite(token, token_bytes, signature, tuple(keyring), circle_name)


def _bytes(value: object, length: int) -> bytes:
    if not isinstance(value, bytes) or len(value) != length:
        raise ValueError("length")
    return value


def _int(value: object, low: int) -> int:
    if type(value) is not int or not low <= value < 1 << 63:
        raise ValueError("range")
    return value


def _addresses(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_ADDRESSES:
        raise ValueError("addresses")
    if not all(isinstance(address, str) and len(address) < 300 for address in value):
        raise ValueError("address")
    return tuple(value)
