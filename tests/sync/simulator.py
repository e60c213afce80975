"""A seeded, deterministic network simulator for the sync engine.

N replicas of one circle — real `Replica`s on real SQLite files, talking through real
`Reconciler` sessions — under a hostile network: every message may be dropped,
duplicated, held back and delivered out of order (into whatever session is open on
that link by then, so stale messages reach fresh sessions); peers are partitioned and
healed; peers crash (sometimes in the middle of a write transaction, through an
SQLite progress handler) and restart from their file. One member is Byzantine: it
forges signatures, impersonates the teacher, replays ops of another space, equivocates
(hand-signed pairs with one seq, plus a cloned device writing from a copy of its
database), sends oversize ops, lying frontiers and garbage frames.

Only `random.Random(seed)` drives it: no wall clock, no sleeps, no threads. Each peer's
clock is the simulated one off by its own skew; replicas that take a clock read it (to
hold back ops too far ahead). After the chaos, `converge()` lets half an hour pass, heals
everything and runs clean sessions between every pair of honest peers until a round
moves nothing. `SimReport` carries what the tests assert on; subclasses (adversary.py)
are told of every honest write through `_wrote` and `_refused`.

Runs on the test's thread only.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import random
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any, TypeVar

from sync import writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.identity import DeviceKey
from sync.ids import HASH_LEN, DeviceId, OpId, SpaceId, digest
from sync.op import SIGNING_DOMAIN, VerifiedOp, seal_and_sign, sign
from sync.policy import Level
from sync.reconcile import MAX_CHUNK, Reconciler
from sync.replica import Replica
from sync.state import state_hash
from sync.store import Store
from sync.wire.body import encode_body
from sync.wire.op import MAX_BODY_BYTES, Header, encode_envelope, encode_header
from sync.wire.reconcile import FrontierMessage, OpsMessage, encode
from tests.sync.helpers import Circle, Clock, reconcile, seed

T = TypeVar("T")

#: What the Byzantine peer mixes into its frames by default (the brief's list).
BASE_ATTACKS = (
    "forged",  # a fresh op of its own with one signature byte flipped
    "impersonate",  # a teacher-only op claiming the teacher as author, signed by the Byzantine key
    "reforge",  # a stored op (anyone's) re-sent with a flipped signature byte
    "foreign",  # ops replayed from a second circle the Byzantine peer owns
    "foreign-frame",  # a whole frame addressed to that other circle
    "equivocate",  # two valid ops with the same (author, seq), sent to different peers
    "oversize",  # a validly signed op whose body is over 256 KiB
    "oversize-frame",  # an envelope too big for any frame: the whole frame is refused
    "garbage",  # random bytes
    "bitflip",  # a real frame with one byte flipped
    "lying-frontier",  # a frontier claiming unknown heads and needing random ids
    "strip-body",  # a stored op relayed with its body removed (header and signature intact)
)
#: Held out of the default run: it finds an open bug (see test_simulator.py). An own op
#: whose `prev` skips back over part of its chain, sometimes with a next op chained onto it.
BAD_CHAIN = "bad-chain"


@dataclass(frozen=True, slots=True)
class SimConfig:
    peers: int = 8  # including the Byzantine one: owner, a second teacher, students, Byzantine
    steps: int = 18
    write_chance: float = 0.22
    drop: float = 0.30
    duplicate: float = 0.10
    hold: float = 0.35  # chance a queued message waits another step
    reorder: float = 0.35  # chance the delivered message is not the oldest queued
    speak: float = 0.7
    connect: float = 0.5
    abandon: float = 0.06
    partition: float = 0.08
    partition_steps: tuple[int, int] = (3, 10)
    crash: float = 0.08
    crash_in_write: float = 0.5  # a crash arms a trap that fires inside a later transaction
    max_removals: int = 1
    #: Who changes roles and removes students: both teachers, so concurrent removals and
    #: role changes of the same student happen.
    managers: tuple[str, ...] = ("owner", "teacher")
    member_changes: int = 2  # weight of role changes (and removals) among a manager's writes
    attack: float = 0.45  # per Byzantine frame
    attacks: tuple[str, ...] = BASE_ATTACKS
    byzantine_writes: float = 0.3
    clone_byzantine: bool = True
    final_rounds: int = 6
    skew_ms: int = 300_000  # each peer's clock is off real time by up to this, either way
    #: How far the clock moves when `converge` starts, so that ops held back for being
    #: ahead of a receiver's clock (sync.hlc.MAX_CLOCK_AHEAD_MS) are admitted by then.
    settle_ms: int = 30 * 60_000


@dataclass(slots=True)
class Peer:
    index: int
    name: str
    key: DeviceKey
    path: Path
    replica: Replica
    role: Level
    honest: bool = True
    trap_armed: bool = False
    crashes: int = 0

    @property
    def device(self) -> DeviceId:
        return self.key.device_id


@dataclass(slots=True)
class Session:
    """One reconciliation session on a link: a Reconciler at each end."""

    ends: dict[int, Reconciler]


@dataclass(slots=True)
class SimReport:
    seed: int
    space: SpaceId
    honest: list[Peer]
    readers: list[Peer]  # honest peers still members at the end (they can read everything)
    byzantine: Peer
    acknowledged: dict[OpId, str]  # op id -> honest author name, for every committed local write
    forbidden: dict[OpId, str]  # op id -> attack that produced it; must never be stored
    equivocated: bool
    final_rounds: int
    counts: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        shown = ", ".join(f"{key}={value}" for key, value in sorted(self.counts.items()))
        return f"seed={self.seed} rounds={self.final_rounds} {shown}"


class Simulation:
    def __init__(self, seed_value: int, directory: Path, config: SimConfig | None = None) -> None:
        self.seed = seed_value
        self.dir = directory
        self.config = config or SimConfig()
        self.rng = random.Random(seed_value)
        self.counts: Counter[str] = Counter()
        self.clock = Clock(1_700_000_000_000 + self.rng.randrange(10**9))
        self.skew: dict[int, int] = {}
        self.sessions: dict[tuple[int, int], Session] = {}
        self.queues: dict[tuple[int, int], list[bytes]] = {}
        self.groups: list[set[int]] | None = None
        self.heal_at = 0
        self.acknowledged: dict[OpId, str] = {}
        self.forbidden: dict[OpId, str] = {}
        self.equivocated = False
        self.removals = 0
        self._build()

    # -- setup ---------------------------------------------------------------------------
    def _key(self, name: str) -> DeviceKey:
        return DeviceKey(seed(f"sim-{self.seed}-{name}"))

    def _open(self, name: str, key: DeviceKey, index: int) -> tuple[Path, Replica]:
        path = self.dir / f"{name}.sqlite3"
        return path, self._replica(path, key, index)

    def _replica(self, path: Path, key: DeviceKey, index: int) -> Replica:
        """A replica on `path` whose wall clock, where it reads one, is peer `index`'s."""
        if not _TAKES_NOW:
            return Replica(Store(path), key)
        return Replica(Store(path), key, now_ms=lambda: self.clock.now + self.skew[index])

    def _build(self) -> None:
        n = self.config.peers
        assert n >= 4, "owner, teacher, at least one student and the Byzantine peer"
        names = ["owner", "teacher", *(f"student{i}" for i in range(1, n - 2)), "byz"]
        roles = [Level.OWNER, Level.TEACHER, *([Level.MEMBER] * (n - 3)), Level.MEMBER]
        self.peers: list[Peer] = []
        for index, (name, role) in enumerate(zip(names, roles, strict=True)):
            key = self._key(name)
            path, replica = self._open(name, key, index)
            self.peers.append(Peer(index, name, key, path, replica, role, honest=name != "byz"))
            self.skew[index] = self.rng.randrange(-self.config.skew_ms, self.config.skew_ms)
        owner = self.peers[0]
        self.circle = Circle.create(self.clock, owner=owner.replica, name=f"Circle {self.seed}")
        self.space = self.circle.space
        for peer in self.peers[1:]:
            self.circle.add(peer.name, peer.role, replica=peer.replica)
        self.circle.sync_all()
        self.byz = self.peers[-1]
        self.byz_replicas: list[Replica] = [self.byz.replica]
        self.byz_clone_path = self.dir / "byz-clone.sqlite3"
        self.byz_clone_at = self.rng.randrange(self.config.steps // 4, max(self.config.steps // 2, 2))
        # The Byzantine peer's own second circle: the source of foreign-space replays.
        self.other_space = writer.create_space(
            self.byz.replica,
            name="Elsewhere",
            member_name="Mallory",
            space_key=seed(f"other-{self.seed}"),
            now_ms=self._now(self.byz),
        )
        for i in range(3):
            writer.write(
                self.byz.replica,
                self.other_space,
                "item.put",
                {"title": f"elsewhere {i}", "text": ""},
                now_ms=self._now(self.byz),
            )
        self.foreign = all_envelopes(self.byz.replica, self.other_space)
        for envelope in self.foreign:
            self.forbidden[_op_id_of(envelope)] = "foreign"
        self.equivocation_pairs: list[tuple[VerifiedOp, VerifiedOp]] = []

    def _now(self, peer: Peer) -> int:
        return self.clock() + self.skew[peer.index]

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> SimReport:
        for step in range(self.config.steps):
            self.clock.now += self.rng.randrange(50, 5_000)
            self._partitions(step)
            self._crashes()
            self._honest_writes()
            self._byzantine_acts(step)
            self._sessions()
            self._speak()
            self._deliver()
        rounds = self.converge()
        return self.report(rounds)

    def converge(self) -> int:
        """Heal, stop losing messages, and sync every honest pair until nothing moves."""
        self.groups = None
        self.sessions.clear()
        self.queues.clear()
        self.clock.now += self.config.settle_ms
        for peer in self.peers:
            if peer.trap_armed:
                self._disarm(peer)
        honest = [peer for peer in self.peers if peer.honest]
        for round_number in range(1, self.config.final_rounds + 1):
            before = [_stored(peer.replica, self.space) for peer in honest]
            for left, right in combinations(honest, 2):
                reconcile(left.replica, right.replica, self.space)
            after = [_stored(peer.replica, self.space) for peer in honest]
            if after == before:
                return round_number
        raise AssertionError(f"seed={self.seed}: not quiescent after {self.config.final_rounds} clean rounds")

    def report(self, rounds: int) -> SimReport:
        honest = [peer for peer in self.peers if peer.honest]
        owner = self.peers[0].replica
        members = {
            row[0] for row in owner.db.execute("SELECT device FROM members WHERE space = ?", (self.space,))
        }
        readers = [peer for peer in honest if peer.device in members]
        self.counts["removed"] = len(honest) - len(readers)
        return SimReport(
            self.seed,
            self.space,
            honest,
            readers,
            self.byz,
            dict(self.acknowledged),
            dict(self.forbidden),
            self.equivocated,
            rounds,
            Counter(self.counts),
        )

    # -- faults of the world ---------------------------------------------------------------
    def _partitions(self, step: int) -> None:
        if self.groups is not None and step >= self.heal_at:
            self.groups = None
            self.counts["heals"] += 1
        if self.groups is None and self.rng.random() < self.config.partition:
            order = list(range(len(self.peers)))
            self.rng.shuffle(order)
            cuts = sorted(self.rng.sample(range(1, len(order)), self.rng.randint(1, 2)))
            bounds = [0, *cuts, len(order)]
            self.groups = [set(order[a:b]) for a, b in pairwise(bounds)]
            self.heal_at = step + self.rng.randint(*self.config.partition_steps)
            self.counts["partitions"] += 1
            for link in sorted(self.sessions):
                if not self._reachable(*link):
                    del self.sessions[link]
            for src, dst in sorted(self.queues):
                if not self._reachable(src, dst):
                    self.counts["lost_in_partition"] += len(self.queues.pop((src, dst)))

    def _reachable(self, a: int, b: int) -> bool:
        return self.groups is None or any(a in group and b in group for group in self.groups)

    def _crashes(self) -> None:
        if self.rng.random() >= self.config.crash:
            return
        peer = self.rng.choice(self.peers)
        if peer.trap_armed:
            return
        if peer.honest and self.rng.random() < self.config.crash_in_write:
            self._arm(peer)
        else:
            self._restart(peer)

    def _arm(self, peer: Peer) -> None:
        """Make the peer 'lose power' inside some later SQLite statement."""
        budget = self.rng.randint(1, 60)

        def tick() -> int:
            nonlocal budget
            budget -= 1
            return 1 if budget <= 0 else 0  # keeps interrupting, so not even ROLLBACK runs

        peer.replica.store.connection.set_progress_handler(tick, self.rng.randint(20, 500))
        peer.trap_armed = True
        self.counts["traps"] += 1

    def _disarm(self, peer: Peer) -> None:
        peer.replica.store.connection.set_progress_handler(None, 0)
        peer.trap_armed = False

    def _restart(self, peer: Peer) -> None:
        """Crash: drop the process (and its sessions), reopen the file with the same key."""
        peer.replica.store.close()
        peer.replica = self._replica(peer.path, peer.key, peer.index)
        if peer is self.byz:
            self.byz_replicas[0] = peer.replica
        peer.trap_armed = False
        peer.crashes += 1
        self.counts["crashes"] += 1
        for link in sorted(self.sessions):
            if peer.index in link:
                del self.sessions[link]

    def _guard(self, peer: Peer, action: Callable[[], T]) -> T | None:
        """Run `action` against the peer's replica; a tripped trap becomes a crash."""
        try:
            return action()
        except sqlite3.OperationalError:
            # An interrupted write makes SQLite roll back on its own, so the store's
            # ROLLBACK may fail next with "no transaction is active": either way, a crash.
            if not peer.trap_armed:
                raise
            self.counts["crashes_in_write"] += 1
            self._restart(peer)
            return None

    # -- honest members' writes ------------------------------------------------------------
    def _honest_writes(self) -> None:
        for peer in self.peers:
            if peer.honest and self.rng.random() < self.config.write_chance:
                self._guard(peer, functools.partial(self._honest_write, peer))

    def _honest_write(self, peer: Peer) -> None:
        replica = peer.replica
        teacher = peer.role >= Level.TEACHER
        choices = ["put"] * 5 + ["edit"] * 2 + ["delete"]
        if teacher:
            choices += ["hide"] * 2 + ["unhide", "settings", "settings"]
        if peer.name in self.config.managers:
            choices += ["role"] * self.config.member_changes
            if self.removals < self.config.max_removals:
                choices += ["remove"] * self.config.member_changes
        action = self.rng.choice(choices)
        now = self._now(peer)
        self.counts[f"write_{action}"] += 1
        try:
            if action == "put":
                title = f"{peer.name} note {self.rng.randrange(10**6)}"
                op, _ = writer.write(
                    replica, self.space, "item.put", {"title": title, "text": "…"}, now_ms=now
                )
            elif action in ("edit", "delete"):
                own = [item for item, author in _items(replica, self.space) if author == peer.device]
                if not own:
                    return
                item = self.rng.choice(own)
                if action == "edit":
                    fields: dict[str, Any] = {
                        "item": item,
                        "title": f"edited {self.rng.randrange(10**6)}",
                        "text": "v2",
                    }
                    op, _ = writer.write(replica, self.space, "item.edit", fields, now_ms=now)
                else:
                    op, _ = writer.write(replica, self.space, "item.delete", {"item": item}, now_ms=now)
            elif action in ("hide", "unhide"):
                every = [item for item, _ in _items(replica, self.space)]
                if not every:
                    return
                kind = "mod.hide" if action == "hide" else "mod.unhide"
                op, _ = writer.write(replica, self.space, kind, {"item": self.rng.choice(every)}, now_ms=now)
            elif action == "settings":
                key = self.rng.choice(["topic", "rules", "deadline"])
                value = f"{peer.name}:{self.rng.randrange(10**6)}"
                op, _ = writer.write(
                    replica, self.space, "space.settings", {"key": key, "value": value}, now_ms=now
                )
            elif action == "role":
                students = self._students(replica, include_byzantine=False)
                if not students:
                    return
                device, level = self.rng.choice(students)
                new_level = Level.MENTOR if level == Level.MEMBER else Level.MEMBER
                fields = {"member": device, "level": int(new_level)}
                op, _ = writer.write(replica, self.space, "member.role", fields, now_ms=now)
            else:  # remove a student, rotating the key with fresh key material from the seed
                students = self._students(replica, include_byzantine=False)
                if not students:
                    return
                device, _ = self.rng.choice(students)
                new_key = self.rng.randbytes(32)
                op, _ = writer.remove_member(replica, self.space, device, new_key=new_key, now_ms=now)
                self.removals += 1
        except Rejected as error:
            self.counts["writes_refused"] += 1  # e.g. a removed member, or an item hidden meanwhile
            self._refused(peer, action, error)
            return
        self.acknowledged[op.op_id] = peer.name
        self.counts["writes"] += 1
        self._wrote(peer, action, op, now)

    def _wrote(self, peer: Peer, action: str, op: VerifiedOp, now: int) -> None:
        """Told of every honest write that committed (a subclass checks it)."""

    def _refused(self, peer: Peer, action: str, error: Rejected) -> None:
        """Told of every honest write its own replica refused (a subclass checks it)."""

    def _students(self, replica: Replica, *, include_byzantine: bool) -> list[tuple[DeviceId, int]]:
        exclude = set() if include_byzantine else {self.byz.device}
        return [
            (DeviceId(device), level)
            for device, level in replica.db.execute(
                "SELECT device, level FROM members WHERE space = ? AND level IN (1, 2) ORDER BY device",
                (self.space,),
            )
            if device not in exclude
        ]

    # -- the Byzantine member --------------------------------------------------------------
    def _byzantine_acts(self, step: int) -> None:
        if self.config.clone_byzantine and step == self.byz_clone_at and len(self.byz_replicas) == 1:
            # A second device restored from a copy of the Byzantine peer's database: both
            # write with one key, so their chains fork.
            clone = sqlite3.connect(self.byz_clone_path)
            self.byz.replica.store.connection.backup(clone)
            clone.close()
            self.byz_replicas.append(self._replica(self.byz_clone_path, self.byz.key, self.byz.index))
            self.counts["byz_cloned"] += 1
        for replica in self.byz_replicas:
            if self.rng.random() < self.config.byzantine_writes:
                self._byzantine_write(replica)

    def _byzantine_write(self, replica: Replica) -> None:
        """Writes as a member, including refused privileged ones kept as invalid ops."""
        fields: dict[str, Any]
        action = self.rng.choice(["put", "put", "put", "settings", "hide", "promote"])
        now = self._now(self.byz)
        if action == "put":
            kind, fields = "item.put", {"title": f"byz {self.rng.randrange(10**6)}", "text": ""}
        elif action == "settings":
            kind, fields = "space.settings", {"key": "topic", "value": f"byz:{self.rng.randrange(10**6)}"}
        elif action == "hide":
            every = [item for item, _ in _items(replica, self.space)]
            if not every:
                return
            kind, fields = "mod.hide", {"item": self.rng.choice(every)}
        else:
            kind, fields = "member.role", {"member": self.byz.device, "level": int(Level.TEACHER)}
        try:
            writer.write(replica, self.space, kind, fields, now_ms=now, allow_invalid=True)
        except Rejected:
            return
        except sqlite3.IntegrityError:
            # Kept though invalid, an op signed on top of its own clock-2**63-1 op gets the
            # same clock, and so the same id as an earlier one when its body is the same.
            return
        self.counts["byz_writes"] += 1

    def _byzantine_frames(self, replica: Replica, dst: int, real: bytes | None) -> list[bytes]:
        frames = [] if real is None or self.rng.random() < 0.15 else [real]
        if self.rng.random() < self.config.attack:
            attack = self.rng.choice(self.config.attacks)
            self.counts[f"attack_{attack}"] += 1
            frames.extend(self._attack(attack, replica, dst, real))
        self.rng.shuffle(frames)
        return frames

    def _attack(self, attack: str, replica: Replica, dst: int, real: bytes | None) -> list[bytes]:
        space = self.space
        if attack == "garbage":
            return [self.rng.randbytes(self.rng.randrange(0, 300))]
        if attack == "bitflip":
            frame = real or encode(FrontierMessage(space, (), ()))
            return [_flip(frame, self.rng)]
        if attack == "foreign-frame":
            return [encode(OpsMessage(self.other_space, tuple(self.foreign)))]
        if attack == "lying-frontier":
            heads = tuple(
                sorted(
                    (DeviceId(self.rng.randbytes(32)), self.rng.randint(1, 9), OpId(self.rng.randbytes(32)))
                    for _ in range(3)
                )
            )
            needs = tuple(OpId(self.rng.randbytes(32)) for _ in range(3))
            return [encode(FrontierMessage(space, heads, needs))]
        envelopes = self._some_real_envelopes(replica)
        if attack == "forged":
            op = self._craft(replica, {"title": f"forged {self.rng.randrange(10**6)}", "text": ""})
            envelopes.append(self._forbid(_with_flipped_signature(op, self.rng), "forged"))
        elif attack == "impersonate":
            teacher = self.peers[0] if self.rng.random() < 0.5 else self.peers[1]
            envelopes.append(self._forbid(self._impersonate(replica, teacher), "impersonate"))
        elif attack == "reforge":
            stored = all_envelopes(replica, space)
            victim = _unverified(self.rng.choice(stored))
            envelopes.append(self._forbid(_with_flipped_signature(victim, self.rng), "reforge"))
        elif attack == "foreign":
            envelopes.extend(self.rng.sample(self.foreign, self.rng.randint(1, len(self.foreign))))
        elif attack == "equivocate":
            if not self.equivocation_pairs or self.rng.random() < 0.3:
                first = self._craft(replica, {"title": "one story", "text": ""})
                second = self._craft(replica, {"title": "another story", "text": ""}, like=first)
                self.equivocation_pairs.append((first, second))
            first, second = self.rng.choice(self.equivocation_pairs)
            # Each honest peer is told one side of the story: which side depends on who it is.
            envelopes.append((first if dst % 2 else second).to_wire())
            self.equivocated = True
        elif attack == "oversize":
            envelopes.append(self._forbid_op(self._oversize(replica, MAX_BODY_BYTES + 1), "oversize"))
        elif attack == "oversize-frame":
            envelopes.append(self._forbid_op(self._oversize(replica, MAX_BODY_BYTES + 4096), "oversize"))
        elif attack == "strip-body":
            stored = all_envelopes(replica, space)
            victim = _unverified(self.rng.choice(stored[1:] or stored))
            envelopes.append(encode_envelope(victim.header_bytes, victim.signature, None))
        elif attack == BAD_CHAIN:
            envelopes.extend(op.to_wire() for op in self._bad_chain(replica))
        else:  # pragma: no cover - a typo in a config
            raise ValueError(f"unknown attack {attack!r}")
        self.rng.shuffle(envelopes)
        return [encode(OpsMessage(space, tuple(envelopes)))]

    def _some_real_envelopes(self, replica: Replica) -> list[bytes]:
        """A few genuine ops to hide the attack among (they must still be accepted)."""
        stored = all_envelopes(replica, self.space)
        return self.rng.sample(stored, min(len(stored), self.rng.randint(0, 3)))

    def _forbid(self, envelope: bytes, attack: str) -> bytes:
        self.forbidden[_op_id_of(envelope)] = attack
        return envelope

    def _forbid_op(self, op: VerifiedOp, attack: str) -> bytes:
        self.forbidden[op.op_id] = attack
        return op.to_wire()

    def _craft(
        self,
        replica: Replica,
        fields: dict[str, Any],
        *,
        kind: str = "item.put",
        like: VerifiedOp | None = None,
        seq: int | None = None,
        prev: OpId | None = None,
        unstored_prev: VerifiedOp | None = None,
    ) -> VerifiedOp:
        """Sign an op by hand: by default the next in the Byzantine chain (its store is not told).

        With `like`, the same seq, prev and deps as that op but another body: equivocation.
        """
        context = replica.context(self.space)
        db = replica.db
        me = context.authors[self.byz.device]
        if like is not None:
            seq, prev, deps = like.header.seq, like.header.prev, like.header.deps
        else:
            if seq is None:
                seq = context.heads.get(me, 0) + 1
            if prev is None:
                row = db.execute(
                    "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ? ORDER BY op_id LIMIT 1",
                    (self.space, me, seq - 1),
                ).fetchone()
                prev = OpId(row[0])
            deps = ()
        lookup = [p for p in (prev, *deps) if p is not None]
        if unstored_prev is not None:  # a prev this store never held: take the causal past behind it
            lookup = [p for p in (unstored_prev.header.prev, *unstored_prev.header.deps) if p is not None]
        parents = [context.info(db, p) for p in lookup]
        clock: dict[int, int] = {}
        for parent in parents:
            assert parent is not None
            for author, seen in parent.clock.items():
                clock[author] = max(clock.get(author, 0), seen)
        epoch, refs = context.auth.epoch_at(clock)
        # A removed device lacks the new epoch's key: it seals with the newest it holds.
        key = context.epoch_key(refs) or list(context.keyring.values())[-1]
        floor = max(parent.hlc for parent in parents if parent is not None)
        if unstored_prev is not None:
            floor = max(floor, unstored_prev.header.hlc)
        hlc = like.header.hlc if like is not None else max(self._now(self.byz) << 16, floor + 1)
        draft = Header(
            space=self.space,
            author=self.byz.device,
            seq=seq,
            prev=prev,
            deps=tuple(deps),
            kind=kind,
            epoch=epoch,
            body_hash=bytes(HASH_LEN),
            body_len=0,
            hlc=hlc,
        )
        return seal_and_sign(self.byz.key, draft, encode_body(fields), key)

    def _impersonate(self, replica: Replica, teacher: Peer) -> bytes:
        """A hide 'by the teacher': the right shape, but the Byzantine key signed it."""
        items = [item for item, _ in _items(replica, self.space)] or [OpId(self.space)]
        genesis = OpId(self.space)
        header = Header(
            space=self.space,
            author=teacher.device,
            seq=10_000,
            prev=genesis,
            deps=(),
            kind="mod.hide",
            epoch=0,
            body_hash=bytes(HASH_LEN),
            body_len=0,
            hlc=self._now(self.byz) << 16,
        )
        body = encode_body({"item": self.rng.choice(items)})
        header = dataclasses.replace(header, body_hash=digest(body), body_len=len(body))
        header_bytes = encode_header(header)
        signature = self.byz.key.sign(SIGNING_DOMAIN + header_bytes)
        return encode_envelope(header_bytes, signature, body)

    def _oversize(self, replica: Replica, size: int) -> VerifiedOp:
        op = self._craft(replica, {"title": "big", "text": ""})
        body = self.rng.randbytes(size)
        header = dataclasses.replace(op.header, body_hash=digest(body), body_len=size)
        return sign(self.byz.key, header, body)

    def _bad_chain(self, replica: Replica) -> list[VerifiedOp]:
        """An own op past the head whose prev is an older op of its chain, and maybe a
        next op that continues from it (its own chain link is fine)."""
        context = replica.context(self.space)
        me = context.authors[self.byz.device]
        head = context.heads.get(me, 1)
        older = [
            OpId(row[0])
            for row in replica.db.execute(
                "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq < ? ORDER BY seq, op_id",
                (self.space, me, head),
            )
        ]
        prev = self.rng.choice(older) if older else OpId(self.space)  # genesis: another author
        seq = head + self.rng.choice((2, 3, 30, 60))  # far ahead: honest writes never reach it
        skipping = self._craft(replica, {"title": "skip", "text": ""}, seq=seq, prev=prev)
        if self.rng.random() < 0.5:
            return [skipping]
        onto = self._craft(
            replica, {"title": "onto", "text": ""}, seq=seq + 1, prev=skipping.op_id, unstored_prev=skipping
        )
        return [skipping, onto]

    # -- sessions and the network ----------------------------------------------------------
    def _replica_for_session(self, peer: Peer) -> Replica:
        if peer is self.byz:
            return self.rng.choice(self.byz_replicas)
        return peer.replica

    def _sessions(self) -> None:
        for link in sorted(self.sessions):
            if self.rng.random() < self.config.abandon:
                del self.sessions[link]
                self.counts["sessions_abandoned"] += 1
        for a, b in combinations(range(len(self.peers)), 2):
            if (a, b) in self.sessions or not self._reachable(a, b):
                continue
            if self.rng.random() < self.config.connect:
                left, right = self.peers[a], self.peers[b]
                # Small chunks sometimes, so a catch-up takes several ops messages.
                chunk = self.rng.choice((2_048, 8_192, MAX_CHUNK))
                self.sessions[(a, b)] = Session(
                    {
                        a: Reconciler(self._replica_for_session(left), self.space, max_chunk=chunk),
                        b: Reconciler(self._replica_for_session(right), self.space, max_chunk=chunk),
                    }
                )
                self.counts["sessions"] += 1

    def _speak(self) -> None:
        for link in sorted(self.sessions):
            for src in link:
                session = self.sessions.get(link)
                if session is None or self.rng.random() >= self.config.speak:
                    continue
                dst = link[1] if src == link[0] else link[0]
                peer = self.peers[src]
                for _ in range(self.rng.randint(1, 3)):
                    reconciler = session.ends[src]
                    if peer.honest:
                        message = self._guard(peer, reconciler.generate_message)
                        if link not in self.sessions:
                            break  # the trap fired: the peer crashed
                        frames = [] if message is None else [message]
                    else:
                        frames = self._byzantine_frames(
                            reconciler.replica, dst, reconciler.generate_message()
                        )
                    for frame in frames:
                        self._send(src, dst, frame)

    def _send(self, src: int, dst: int, frame: bytes) -> None:
        self.counts["frames"] += 1
        if self.rng.random() < self.config.drop:
            self.counts["dropped"] += 1
            return
        queue = self.queues.setdefault((src, dst), [])
        queue.append(frame)
        if self.rng.random() < self.config.duplicate:
            queue.insert(self.rng.randrange(len(queue) + 1), frame)
            self.counts["duplicated"] += 1
        if len(queue) > 64:  # a bounded socket buffer: the oldest falls off
            queue.pop(0)
            self.counts["dropped"] += 1

    def _deliver(self) -> None:
        for src, dst in sorted(self.queues):
            queue = self.queues[(src, dst)]
            for _ in range(self.rng.randint(1, 4)):
                if not queue or self.rng.random() < self.config.hold:
                    break
                link = (min(src, dst), max(src, dst))
                session = self.sessions.get(link)
                if session is None:
                    break  # nobody is listening on this link yet: it stays in flight
                index = 0
                if len(queue) > 1 and self.rng.random() < self.config.reorder:
                    index = self.rng.randrange(len(queue))
                    self.counts["reordered"] += 1
                frame = queue.pop(index)
                self._receive(dst, session.ends[dst], frame)

    def _receive(self, dst: int, reconciler: Reconciler, frame: bytes) -> None:
        peer = self.peers[dst]
        self.counts["delivered"] += 1
        before = len(reconciler.stats.results)

        def take() -> None:
            try:
                reconciler.receive_message(frame)
            except Rejected:
                if peer.honest:
                    self.counts["frames_refused"] += 1  # garbage or foreign: count it, go on

        if not peer.honest:
            take()
            return
        self._guard(peer, take)
        if len(reconciler.stats.results) > before:
            result = reconciler.stats.results[-1]
            self.counts["ops_accepted"] += result.accepted
            self.counts["ops_refused_as_fault"] += result.faults
            self.counts["ops_refused"] += len(result.rejected)


# -- small pure helpers -------------------------------------------------------------------------
#: Whether replicas take a wall clock (to hold back ops too far ahead of it).
_TAKES_NOW = "now_ms" in inspect.signature(Replica).parameters


def _stored(replica: Replica, space: SpaceId) -> tuple[int, int]:
    ops = replica.db.execute("SELECT COUNT(*) FROM ops WHERE space = ?", (space,)).fetchone()[0]
    pending = replica.db.execute("SELECT COUNT(*) FROM pending WHERE space = ?", (space,)).fetchone()[0]
    return ops, pending


def _items(replica: Replica, space: SpaceId) -> list[tuple[OpId, DeviceId]]:
    return [
        (OpId(item), DeviceId(author))
        for item, author in replica.db.execute(
            "SELECT item_id, author FROM items WHERE space = ? AND deleted = 0 ORDER BY item_id", (space,)
        )
    ]


def _unverified(envelope: bytes) -> Any:
    from sync.op import UnverifiedOp

    return UnverifiedOp.from_wire(envelope)


def _op_id_of(envelope: bytes) -> OpId:
    from sync.wire.op import decode_envelope

    header_bytes, signature, _ = decode_envelope(envelope)
    return OpId(digest(header_bytes + signature))


def _with_flipped_signature(op: Any, rng: random.Random) -> bytes:
    signature = bytearray(op.signature)
    signature[rng.randrange(len(signature))] ^= 1 << rng.randrange(8)
    return encode_envelope(op.header_bytes, bytes(signature), op.body)


def _flip(frame: bytes, rng: random.Random) -> bytes:
    data = bytearray(frame)
    if data:
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


# -- what the tests read back -------------------------------------------------------------------
def op_ids(replica: Replica, space: SpaceId) -> set[bytes]:
    return {row[0] for row in replica.db.execute("SELECT op_id FROM ops WHERE space = ?", (space,))}


def every_stored_id(replica: Replica) -> set[bytes]:
    """Op ids in the log or parked, in any space."""
    ids = {row[0] for row in replica.db.execute("SELECT op_id FROM ops")}
    return ids | {row[0] for row in replica.db.execute("SELECT op_id FROM pending")}


def forks(replica: Replica, space: SpaceId) -> dict[bytes, int]:
    return dict(
        replica.db.execute(
            "SELECT a.device, f.fork_seq FROM forks f"
            " JOIN authors a ON a.space = f.space AND a.idx = f.author WHERE f.space = ?",
            (space,),
        ).fetchall()
    )


def chain_slots(replica: Replica, space: SpaceId) -> dict[tuple[bytes, int], set[bytes]]:
    """(author device, seq) -> ids of the chain-valid ops stored there (status 1, a broken
    chain or clock, proves nothing): two ids in one slot prove equivocation."""
    slots: dict[tuple[bytes, int], set[bytes]] = {}
    for device, seq, op_id in replica.db.execute(
        "SELECT a.device, o.seq, o.op_id FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
        " WHERE o.space = ? AND o.status != 1",
        (space,),
    ):
        slots.setdefault((device, seq), set()).add(op_id)
    return slots


def verdicts(replica: Replica, space: SpaceId) -> dict[bytes, tuple[int, str | None]]:
    return {
        op_id: (status, reason)
        for op_id, status, reason in replica.db.execute(
            "SELECT op_id, status, reason FROM ops WHERE space = ?", (space,)
        )
    }


def hash_of(peer: Peer, space: SpaceId) -> bytes:
    return state_hash(peer.replica.db, space)
