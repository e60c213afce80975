"""Who may be served a space, and what travels on a space's gossip topic.

- `may_serve`: a peer is served a space's ops only if its device is a current member,
  or if it presents an invite token for that space that a current member signed, that
  has not expired (by the caller's clock) and has uses left — and never by a device
  that is itself still joining the space (`sync.joining`), nor to a removed device.
- Gossip for a space is sealed under a key derived from the current epoch key, so a
  stranger subscribed to the topic sees neither bodies nor headers. It is taken only if
  it opens under the receiver's current epoch key and its publisher's device is a
  current member (`GossipGate`, `unseal`): a removed device keeps the old keys, and a
  member that has not heard of a rotation yet is brought up to date by reconciliation.
- The topic name is derived from the current epoch key too (`GossipKey`), never from the
  public space id: whoever sees a device's subscriptions without the key cannot tell
  which circle a topic belongs to, and a rotation moves the members to a new topic.
- `may_send_to`: the other side of a reconciliation this device opens must be a current
  member before anything of the circle is sent to it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

from sync import joining
from sync.crypto import decrypt_body, encrypt_body
from sync.errors import Rejected
from sync.frontier import envelopes, frontier
from sync.ids import DeviceId, SpaceId, digest
from sync.invite import parse_token
from sync.policy import Level, may, role_name
from sync.replica import Replica
from sync.wire.gossip import Digest, Hello, decode_sealed, encode_sealed
from sync.wire.reconcile import OpsMessage, encode

GOSSIP_AD = b"studycircle/gossip/v1"
TOPIC_PREFIX = "studycircle/"


def topic_for(space: SpaceId, epoch_key: bytes) -> str:
    """The gossip topic of `space` while `epoch_key` is its current key: a keyed hash,
    so only a holder of the key can compute it (and a rotation changes it)."""
    name = hashlib.blake2b(space, key=epoch_key, digest_size=16, person=b"sc-topic-v2").digest()
    return TOPIC_PREFIX + name.hex()


def is_member(replica: Replica, space: SpaceId, device: bytes) -> bool:
    return replica.context(space).is_member(device)


def was_removed(replica: Replica, space: SpaceId, device: bytes) -> bool:
    """Was `device` removed from `space` (not merely left), or unlinked from its person?
    Removal is final, for every device of the person removed."""
    context = replica.context(space)
    index = context.authors.get(device)
    auth = context.auth
    return index is not None and (auth.person_of(index) in auth.removed or index in auth.unlinked)


def may_send_to(replica: Replica, space: SpaceId, device: DeviceId | None) -> tuple[bool, str]:
    """May this device open a reconciliation of `space` with `device` (it will send
    ops)? Only with a current member; or while we hold no op of the space at all (a
    first join fetching the history: we have nothing of the circle to give away)."""
    if not replica.has_space(space) or not replica.context(space).heads:
        return True, ""
    if device is None:
        return False, "that peer's identity is not a StudyCircle device key"
    if not is_member(replica, space, device):
        return False, "that peer is not a current member of the circle, so nothing of it is sent there"
    return True, ""


#: Refusals of an invite that waiting will not change (the inviter's judgement is made).
#: Any other refusal — e.g. a member that has not yet heard of the inviter — may pass
#: later or at another member.
FINAL_INVITE_REFUSALS = (
    "the invite is not valid",
    "the invite is for another circle",
    "the inviter may no longer invite to that role",
    "the invite has expired",
    "the invite has been used up",
    "this device was removed from the circle",
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
    if was_removed(replica, hello.space, device):
        return False, "this device was removed from the circle; no invite lets it back in"
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


@dataclass(frozen=True, slots=True)
class GossipKey:
    """A space's gossip while one epoch key is current: its topic and its sealing key."""

    space: SpaceId
    topic: str
    key: bytes  # derived from the epoch key; never the epoch key itself

    @classmethod
    def of(cls, space: SpaceId, epoch_key: bytes) -> GossipKey:
        return cls(space, topic_for(space, epoch_key), _gossip_key(epoch_key))

    def seal(self, payload: bytes) -> Sealed:
        sealed = encrypt_body(self.key, GOSSIP_AD + self.space, payload)
        return Sealed(self.topic, encode_sealed(sealed[:12], sealed[12:]))

    def open(self, data: bytes) -> bytes | None:
        """The payload, or None if it is malformed or not sealed under this key."""
        try:
            nonce, ciphertext = decode_sealed(data)
            return decrypt_body(self.key, GOSSIP_AD + self.space, nonce + ciphertext)
        except Rejected:
            return None


@dataclass(frozen=True, slots=True)
class Sealed:
    """A gossip message and the topic it must be published on (sealed under its key)."""

    topic: str
    data: bytes


def gossip_key(replica: Replica, space: SpaceId) -> GossipKey | None:
    """The space's current gossip; None if we lack its current key (removed from it)."""
    key = newest_key(replica, space)
    return None if key is None else GossipKey.of(space, key)


def seal(replica: Replica, space: SpaceId, payload: bytes) -> Sealed | None:
    current = gossip_key(replica, space)
    return None if current is None else current.seal(payload)


def unseal(replica: Replica, space: SpaceId, data: bytes) -> bytes | None:
    """The payload if it opens under the space's *current* key; None otherwise (a
    stranger's, a removed device's, or a member's that has not heard of a rotation —
    gossip is a hint: reconciliation brings that member up to date)."""
    current = gossip_key(replica, space)
    return None if current is None else current.open(data)


def rotation_notice(replica: Replica, space: SpaceId, previous: GossipKey) -> Sealed | None:
    """The ops that made the current epoch (removals with their new key sealed to each
    remaining member), sealed for `previous`'s topic. A device moving to a new topic
    leaves this behind, so that members who have not heard of the rotation learn it at
    gossip speed rather than at their next reconciliation. A removed device on that
    topic learns only that it was removed: the new key is not sealed to it."""
    context = replica.context(space)
    _, refs = context.auth.epoch_at(dict(context.heads))
    rowids = [
        row[0]
        for ref in refs
        for row in replica.db.execute("SELECT rowid FROM ops WHERE op_id = ? AND space = ?", (ref, space))
    ]
    if not rowids:
        return None
    return previous.seal(encode(OpsMessage(space, tuple(envelopes(replica, rowids)))))


class GossipVerdict(Enum):
    """What a receiver does with a gossip message before taking or relaying it."""

    ACCEPT = "accept"  # sealed under the current key by a current member: take and relay
    IGNORE = "ignore"  # authentic, but its publisher is not a member that we know of: drop
    REJECT = "reject"  # not sealed under the topic's key: no honest peer sends it


@dataclass(frozen=True, slots=True)
class GossipGate:
    """What a receiver checks gossip on a space's current topic against: the topic's key
    and the devices that are current members. A snapshot, rebuilt when either changes."""

    gossip: GossipKey
    members: frozenset[bytes]

    def judge(self, publisher: bytes | None, data: bytes) -> GossipVerdict:
        """Honest peers seal with the key the topic derives from, so a message that does
        not open under it is refused and costs its sender. One that opens but whose
        publisher we do not know as a member (one that joined moments ago) is dropped
        without penalty; a removed device lacks the key and so lands in the first case."""
        if self.gossip.open(data) is None:
            return GossipVerdict.REJECT
        if publisher is None or publisher not in self.members:
            return GossipVerdict.IGNORE
        return GossipVerdict.ACCEPT


def members(replica: Replica, space: SpaceId) -> frozenset[bytes]:
    """The device keys of the space's current members."""
    context = replica.context(space)
    level = context.auth.current_level
    return frozenset(device for device, index in context.authors.items() if level(index) > Level.NONE)


def gossip_gate(replica: Replica, space: SpaceId) -> GossipGate | None:
    current = gossip_key(replica, space)
    return None if current is None else GossipGate(current, members(replica, space))


def digest_of(replica: Replica, space: SpaceId) -> Digest:
    entries = sorted(
        (author, seq, head) for author, heads in frontier(replica, space).items() for seq, head in heads
    )
    flat = b"".join(author + seq.to_bytes(8, "big") + head for author, seq, head in entries)
    count = sum(seq for _, seq, _ in entries)
    return Digest(space, digest(flat, person=b"sc-frontier"), count)
