"""Test helpers for the sync core: deterministic devices, a fake clock, circles, syncing.

Everything real (signing, encryption, SQLite); only time and key material are fixed
so that runs are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sync import writer
from sync.frontier import all_envelopes
from sync.identity import DeviceKey
from sync.ids import DeviceId, SpaceId, digest
from sync.invite import Invite
from sync.policy import Level
from sync.reconcile import Reconciler
from sync.replica import Replica
from sync.state import state_hash
from sync.store import Store


def seed(label: str | int) -> bytes:
    return digest(str(label).encode(), person=b"test-seed")


@dataclass
class Clock:
    """A fake wall clock in milliseconds; every read moves it forward a little."""

    now: int = 1_700_000_000_000

    def __call__(self) -> int:
        self.now += 7
        return self.now


def new_replica(label: str | int, path: Path | str = ":memory:") -> Replica:
    return Replica(Store(path), DeviceKey(seed(label)))


def reconcile(a: Replica, b: Replica, space: SpaceId, *, max_rounds: int = 10_000) -> int:
    """Run one reconciliation session between two replicas; returns messages exchanged."""
    left, right = Reconciler(a, space, peer=b.key.device_id), Reconciler(b, space, peer=a.key.device_id)
    messages = 0
    for _ in range(max_rounds):
        progressed = False
        for sender, receiver in ((left, right), (right, left)):
            message = sender.generate_message()
            if message is not None:
                receiver.receive_message(message)
                messages += 1
                progressed = True
        if not progressed:
            return messages
    raise AssertionError("reconciliation did not finish")


def sync_every_pair(replicas: dict[str, Replica], space: SpaceId, *, rounds: int) -> None:
    """Every pair of replicas reconciles, `rounds` times over."""
    names = sorted(replicas)
    for _ in range(rounds):
        for left in names:
            for right in names:
                if left < right:
                    reconcile(replicas[left], replicas[right], space)


def copy_all(source: Replica, target: Replica, space: SpaceId) -> None:
    target.ingest(space, all_envelopes(source, space))


def hash_of(replica: Replica, space: SpaceId) -> bytes:
    return state_hash(replica.db, space)


@dataclass
class Circle:
    """An owner (the teacher who created the circle) plus members joined by invite."""

    clock: Clock
    owner: Replica
    space: SpaceId
    members: dict[str, Replica] = field(default_factory=dict)

    @classmethod
    def create(cls, clock: Clock, *, owner: Replica | None = None, name: str = "Algebra") -> Circle:
        owner = owner or new_replica("owner")
        space = writer.create_space(
            owner, name=name, member_name="Teacher", space_key=seed("space-key"), now_ms=clock()
        )
        return cls(clock, owner, space)

    def invite(self, inviter: Replica, role: Level = Level.MEMBER, *, uses: int = 1) -> Invite:
        return writer.invite(
            inviter,
            self.space,
            role=role,
            uses=uses,
            expires_ms=self.clock.now + 86_400_000,
            nonce=seed(f"nonce-{self.clock()}")[:16],
        )

    def add(self, name: str, role: Level = Level.MEMBER, *, replica: Replica | None = None) -> Replica:
        """Invite `name` from the owner, bring it the history, and sign its join."""
        member = replica or new_replica(name)
        invite = self.invite(self.owner, role)
        writer.accept_invite(member, invite)
        reconcile(self.owner, member, self.space)
        writer.join(member, invite, member_name=name, now_ms=self.clock())
        reconcile(self.owner, member, self.space)
        self.members[name] = member
        return member

    def replicas(self) -> list[Replica]:
        return [self.owner, *self.members.values()]

    def sync_all(self, replicas: Iterable[Replica] | None = None) -> None:
        """Owner-centred star sync, twice, so everyone ends with everything."""
        chosen = list(replicas or self.replicas())
        for _ in range(2):
            for replica in chosen[1:]:
                reconcile(chosen[0], replica, self.space)

    def post(self, replica: Replica, title: str, **kwargs: object) -> bytes:
        op, _ = writer.write(
            replica, self.space, "item.put", {"title": title, "text": ""}, now_ms=self.clock(), **kwargs
        )
        return op.op_id


def device(replica: Replica) -> DeviceId:
    return replica.key.device_id
