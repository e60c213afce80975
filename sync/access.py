"""Who may be served a space, and what travels on a space's gossip topic.

- `may_serve`: a peer is served a space's ops only if its device is a current member,
  or if it presents an invite token for that space that a current member signed, that
  has not expired (by the caller's clock) and has uses left — and never by a device
  that is itself still joining the space (`sync.joining`).
- Gossip for a space is sealed under a key derived from the newest epoch key, so a
  stranger subscribed to the topic sees neither bodies nor headers; receivers try the
  keys of their ring. The topic name is derived from the space id, which it does not
  reveal.
"""

from __future__ import annotations

import hashlib

from sync import joining
from sync.crypto import decrypt_body, encrypt_body
from sync.errors import Rejected
from sync.frontier import frontier
from sync.ids import DeviceId, SpaceId, digest
from sync.invite import parse_token
from sync.policy import Level, may, role_name
from sync.replica import Replica
from sync.wire.gossip import Digest, Hello, decode_sealed, encode_sealed

GOSSIP_AD = b"studycircle/gossip/v1"


def topic_for(space: SpaceId) -> str:
    return "studycircle/" + digest(space, person=b"sc-topic")[:16].hex()


def is_member(replica: Replica, space: SpaceId, device: bytes) -> bool:
    context = replica.context(space)
    index = context.authors.get(device)
    return index is not None and context.auth.current_level(index) > Level.NONE


#: Refusals of an invite that waiting will not change (the inviter's judgement is made).
#: Any other refusal — e.g. a member that has not yet heard of the inviter — may pass
#: later or at another member.
FINAL_INVITE_REFUSALS = (
    "the invite is not valid",
    "the invite is for another circle",
    "the inviter may no longer invite to that role",
    "the invite has expired",
    "the invite has been used up",
)


def is_final_refusal(reason: str) -> bool:
    return reason.startswith(FINAL_INVITE_REFUSALS)


def may_serve(replica: Replica, hello: Hello, device: DeviceId, *, now_ms: int) -> tuple[bool, str]:
    """May `device` be served `hello.space`? Returns (yes, reason for a person)."""
    if not replica.has_space(hello.space):
        return False, "this peer is not in that circle"
    if is_member(replica, hello.space, device):
        return True, ""
    if joining.pending(replica, hello.space) is not None:  # no member knows us: we admit no one
        return False, "this peer has not finished joining that circle"
    if hello.token is None or hello.token_signature is None:
        return False, "only members of the circle are served its history"
    try:
        token = parse_token(hello.token, hello.token_signature)
    except Rejected as error:
        return False, f"the invite is not valid: {error.detail}"
    context = replica.context(hello.space)
    inviter = context.authors.get(token.inviter)
    if token.space != hello.space:
        return False, "the invite is for another circle"
    if inviter is None:
        return False, "this peer has not yet heard of the inviter"
    level = context.auth.current_level(inviter)
    if not may(context.policy, level, "invite." + role_name(token.role)):
        return False, "the inviter may no longer invite to that role"
    if now_ms > token.expires_ms:
        return False, "the invite has expired"
    used = context.auth.invite_uses.get(digest(hello.token, person=b"sc-invite"), 0)
    if used >= token.uses:
        return False, "the invite has been used up"
    return True, ""


def _gossip_key(key: bytes) -> bytes:
    return hashlib.blake2b(key, digest_size=32, person=b"sc-gossip-key").digest()


def newest_key(replica: Replica, space: SpaceId) -> bytes | None:
    context = replica.context(space)
    _, refs = context.auth.epoch_at(dict(context.heads))
    return context.epoch_key(refs)


def seal(replica: Replica, space: SpaceId, payload: bytes) -> bytes | None:
    key = newest_key(replica, space)
    if key is None:
        return None
    sealed = encrypt_body(_gossip_key(key), GOSSIP_AD + space, payload)
    return encode_sealed(sealed[:12], sealed[12:])


def unseal(replica: Replica, space: SpaceId, data: bytes) -> bytes | None:
    """The payload, or None if no key of ours opens it (or it is malformed)."""
    try:
        nonce, ciphertext = decode_sealed(data)
    except Rejected:
        return None
    keys = list(replica.context(space).keyring.values())
    for key in reversed(keys):
        try:
            return decrypt_body(_gossip_key(key), GOSSIP_AD + space, nonce + ciphertext)
        except Rejected:
            continue
    return None


def digest_of(replica: Replica, space: SpaceId) -> Digest:
    entries = sorted(
        (author, seq, head) for author, heads in frontier(replica, space).items() for seq, head in heads
    )
    flat = b"".join(author + seq.to_bytes(8, "big") + head for author, seq, head in entries)
    count = sum(seq for _, seq, _ in entries)
    return Digest(space, digest(flat, person=b"sc-frontier"), count)
