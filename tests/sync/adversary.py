"""Hostile members for the network simulator (issue 12, "Done when" 2).

On top of `Simulation` (lossy network, partitions, crashes, and its Byzantine peer with
its attacks — forgery, impersonation, replay across circles, …) one or two member
devices turn hostile; the Byzantine peer is the first of them. When one speaks to a
peer it may, as the plan allows:
- fork: sign a second op at a seq of its own chain that is taken, its join (seq 1)
  included, and tell the twin to half of the peers only;
- backdate: an op whose deps omit what it has seen (its own removal, above all);
- poison clocks: hlc = 2**63-1, a wall time in the year 2999, or minutes ahead;
- meet caps: a body of exactly MAX_BODY_BYTES, exactly MAX_DEPS deps, a title of exactly
  MAX_TITLE characters (ops every peer must accept), and each one over (refused);
and an honest manager removes it at the plan's step (rotating the key), after which it
goes on writing, forking (its join too) and sending. One honest member, "ivy", joined on
the first hostile device's invite; honest members sometimes write bodies at the cap.

What honest peers did is recorded for the checks in test_adversary.py: every refused
write an honest member was entitled to, every committed write with the writer's clock
and the removals its writer had accepted by then, every removal an honest peer wrote.

Runs on the test's thread only.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync import writer
from sync.errors import PEER_FAULTS, Reason, Rejected
from sync.fields import MAX_TITLE
from sync.frontier import all_envelopes
from sync.hlc import COUNTER_BITS, MAX_CLOCK_AHEAD_MS, MAX_HLC, wall_ms
from sync.ids import DeviceId, OpId, digest
from sync.kinds import parse_body
from sync.op import VerifiedOp
from sync.policy import Level
from sync.reconcile import Reconciler
from sync.replica import Replica
from sync.wire.op import MAX_BODY_BYTES, MAX_DEPS
from sync.wire.reconcile import OpsMessage, encode
from tests.sync.craft import fields_of_size, heads_of_others, others_ops, own_chain, signer, stored_op
from tests.sync.helpers import reconcile
from tests.sync.simulator import BASE_ATTACKS, Peer, SimConfig, SimReport, Simulation

#: What encryption adds to a body: 12 bytes of nonce and 16 of tag.
SEAL_OVERHEAD = 28
YEAR_2999_MS = int(datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC).timestamp() * 1000)

ADVERSARY_ACTS = (
    "fork",  # a twin of an own op at a seq already taken, told to half of the peers
    "fork-join",  # the same at seq 1: a second op beside its join
    "backdate",  # deps that omit what it has seen (its removal, once removed)
    "clock-max",  # hlc = 2**63 - 1
    "clock-2999",  # a wall time in the year 2999
    "clock-ahead",  # a few minutes ahead of its own clock, sometimes past the bound
    "cap-body",  # a body of exactly MAX_BODY_BYTES, and one of a byte more
    "cap-deps",  # exactly MAX_DEPS deps, and one more
    "cap-title",  # a title of exactly MAX_TITLE characters, and one more
)
#: Acts more likely once the device has been removed: what could undo a removal.
AFTER_REMOVAL = ("fork-join", "fork-join", "fork", "backdate")


@dataclass(frozen=True, slots=True)
class Plan:
    seed: int
    adversaries: int = 1  # hostile member devices: "byz", and "mal" if two
    acts: tuple[str, ...] = ADVERSARY_ACTS
    removal_steps: tuple[int | None, ...] = (6,)  # per hostile device: when a manager removes it
    steps: int = 16


@dataclass(frozen=True, slots=True)
class Written:
    """A committed honest write and the devices whose removal its writer had accepted."""

    op: VerifiedOp
    writer: str
    removed_before: frozenset[bytes]


@dataclass(frozen=True, slots=True)
class RemovalWritten:
    op_id: OpId
    target: DeviceId
    by: str


def config_for(plan: Plan) -> SimConfig:
    # Honest clocks are within 90 s of real time, well inside the admission bound.
    return SimConfig(peers=6, steps=plan.steps, skew_ms=90_000, attacks=BASE_ATTACKS, attack=0.35)


class AdversarySimulation(Simulation):
    def __init__(self, plan: Plan, directory: Path) -> None:
        assert len(plan.removal_steps) == plan.adversaries
        self.plan = plan
        self.violations: list[str] = []
        self.written: list[Written] = []
        self.removals_written: list[RemovalWritten] = []
        self.ever_removed: dict[int, set[bytes]] = {}
        self.at_cap: dict[OpId, bytes] = {}
        self.twins: dict[tuple[bytes, int], VerifiedOp] = {}
        self.adversary_removed: set[bytes] = set()
        self.final_rounds = 0
        self.honest_frames: set[bytes] = set()  # digests of every frame an honest peer sent
        super().__init__(plan.seed, directory, config_for(plan))

    # -- setup ---------------------------------------------------------------------------
    def _build(self) -> None:
        super()._build()
        self.adversaries = [self.byz]
        if self.plan.adversaries > 1:
            self.adversaries.append(self._join_late("mal", inviter=self.peers[0], honest=False))
        self.invitee = self._join_late("ivy", inviter=self.byz, honest=True)
        self.circle.sync_all()
        self.removal_due = {
            adversary.index: step
            for adversary, step in zip(self.adversaries, self.plan.removal_steps, strict=True)
            if step is not None
        }

    def _join_late(self, name: str, *, inviter: Peer, honest: bool) -> Peer:
        """A member invited by `inviter` (any member may invite members)."""
        index = len(self.peers)
        key = self._key(name)
        self.skew[index] = self.rng.randrange(-self.config.skew_ms, self.config.skew_ms)
        path, replica = self._open(name, key, index)
        peer = Peer(index, name, key, path, replica, Level.MEMBER, honest=honest)
        self.peers.append(peer)
        invite = self.circle.invite(inviter.replica)
        writer.accept_invite(replica, invite)
        reconcile(inviter.replica, replica, self.space)
        writer.join(replica, invite, member_name=name, now_ms=self._now(peer))
        reconcile(inviter.replica, replica, self.space)
        self.circle.members[name] = replica
        return peer

    # -- the run -------------------------------------------------------------------------
    def run(self) -> SimReport:
        for step in range(self.config.steps):
            self.clock.now += self.rng.randrange(50, 5_000)
            self._partitions(step)
            self._crashes()
            self._note_removals()
            self._remove_adversaries(step)
            self._honest_writes()
            if self.rng.random() < 0.12:
                self._write_at_cap(self.rng.choice([p for p in self.peers if p.honest]))
            self._byzantine_acts(step)
            self._sessions()
            self._speak()
            self._deliver()
        self.converge()
        self._after_chaos()
        self.final_rounds = self.converge()
        return self.report(self.final_rounds)

    def describe(self) -> str:
        """The history in one line: the seed and what happened how often."""
        return self.report(self.final_rounds).describe()

    def _after_chaos(self) -> None:
        """Every entitled honest member writes once more; hostile stores are flushed to the
        owner; every op at a cap is handed to every honest peer, which must not refuse it."""
        self._note_removals()
        for peer in self.peers:
            if peer.honest:
                self._attempt(peer, "put", {"title": f"{peer.name} after the storm", "text": ""})
        self._write_at_cap(self.peers[0])
        owner = self.peers[0].replica
        for replica in self._adversary_replicas():
            owner.ingest(self.space, all_envelopes(replica, self.space))
        for peer in self.peers:
            if not peer.honest:
                continue
            for envelope in self.at_cap.values():
                rejected = peer.replica.ingest(self.space, [envelope]).rejected
                faults = [error for error in rejected if error.reason in PEER_FAULTS]
                if faults:  # (one on a too-far-ahead parent may rightly be held back)
                    self._violation(f"{peer.name} refused an op at the cap: {faults[0]}")

    def _adversary_replicas(self) -> list[Replica]:
        return [*self.byz_replicas, *(a.replica for a in self.adversaries if a is not self.byz)]

    # -- what honest peers do and know -----------------------------------------------------
    def _violation(self, text: str) -> None:
        self.violations.append(text)
        self.counts["violations"] += 1

    def _removed_known_to(self, peer: Peer) -> set[bytes]:
        def known() -> set[bytes]:
            context = peer.replica.context(self.space)
            return {bytes(context.devices[index]) for index in context.auth.removed}

        return self._guard(peer, known) or set()

    def _note_removals(self) -> None:
        for peer in self.peers:
            if peer.honest:
                self.ever_removed.setdefault(peer.index, set()).update(self._removed_known_to(peer))

    def _targets(self) -> set[bytes]:
        return {removal.target for removal in self.removals_written}

    def _wrote(self, peer: Peer, action: str, op: VerifiedOp, now: int) -> None:
        ahead = wall_ms(op.header.hlc) - now
        if ahead > MAX_CLOCK_AHEAD_MS:
            self._violation(f"{peer.name}'s {action} carries a clock {ahead / 1000:,.0f} s ahead of its own")
        self.written.append(Written(op, peer.name, frozenset(self.ever_removed.get(peer.index, ()))))
        if op.header.kind == "member.remove":
            row = peer.replica.db.execute("SELECT plaintext FROM auth_bodies WHERE op_id = ?", (op.op_id,))
            target = parse_body("member.remove", row.fetchone()[0]).member
            self.removals_written.append(RemovalWritten(op.op_id, DeviceId(target), peer.name))
            if target in {a.device for a in self.adversaries}:
                self.adversary_removed.add(target)
        self.ever_removed.setdefault(peer.index, set()).update(self._removed_known_to(peer))

    def _refused(self, peer: Peer, action: str, error: Rejected) -> None:
        entitled = action in ("put", "remove-adversary") and peer.device not in self._targets()
        if error.reason is Reason.BAD_CLOCK or entitled:
            self._violation(f"{peer.name}'s {action} was refused: {error}")

    def _attempt(self, peer: Peer, action: str, fields: dict[str, Any]) -> None:
        now = self._now(peer)
        write = lambda: writer.write(peer.replica, self.space, "item.put", fields, now_ms=now)  # noqa: E731
        try:
            written = self._guard(peer, write)
        except Rejected as error:
            self._refused(peer, action, error)
            return
        if written is not None:
            self.acknowledged[written[0].op_id] = peer.name
            self._wrote(peer, action, written[0], now)

    def _write_at_cap(self, peer: Peer) -> None:
        """A body of exactly MAX_BODY_BYTES once sealed must be written and accepted by all;
        one of MAX_BODY_BYTES before sealing may be refused by the writer, by no one else."""
        exact = self.rng.random() < 0.6
        size = MAX_BODY_BYTES - (SEAL_OVERHEAD if exact else 0)
        fields = fields_of_size(size, title=f"{peer.name} at the cap")
        if exact:
            self._attempt(peer, "put", fields)
        else:
            self._attempt(peer, "put-over-sealed-cap", fields)

    def _remove_adversaries(self, step: int) -> None:
        for adversary in self.adversaries:
            due = self.removal_due.get(adversary.index)
            if due is None or step < due or adversary.device in self.adversary_removed:
                continue
            manager = self.peers[self.rng.choice((0, 1))]  # the owner or the teacher
            listed = self._guard(manager, functools.partial(self._is_member, manager, adversary.device))
            if listed is None:  # the manager crashed
                continue
            if not listed:  # already out (quarantined, or removed): nothing to do
                self.adversary_removed.add(adversary.device)
                continue
            now = self._now(manager)
            self.counts["adversary_removals_tried"] += 1
            remove = functools.partial(
                writer.remove_member,
                manager.replica,
                self.space,
                adversary.device,
                new_key=self.rng.randbytes(32),
                now_ms=now,
            )
            try:
                written = self._guard(manager, remove)
                op = None if written is None else written[0]
            except Rejected as error:
                self._refused(manager, "remove-adversary", error)
                continue
            if op is not None:
                self.counts["adversaries_removed"] += 1
                self.acknowledged[op.op_id] = manager.name
                self._wrote(manager, "remove-adversary", op, now)

    def _send(self, src: int, dst: int, frame: bytes) -> None:
        if self.peers[src].honest:
            self.honest_frames.add(digest(frame))
        super()._send(src, dst, frame)

    def _receive(self, dst: int, reconciler: Reconciler, frame: bytes) -> None:
        """An op an honest peer sends is never a peer fault (one limit, checked alike)."""
        before = len(reconciler.stats.results)
        super()._receive(dst, reconciler, frame)
        faults = sum(result.faults for result in reconciler.stats.results[before:])
        if faults and self.peers[dst].honest and digest(frame) in self.honest_frames:
            self._violation(f"{self.peers[dst].name} counted {faults} ops an honest peer sent as peer faults")

    def _is_member(self, peer: Peer, device: bytes) -> bool:
        row = peer.replica.db.execute(
            "SELECT 1 FROM members WHERE space = ? AND device = ?", (self.space, device)
        ).fetchone()
        return row is not None

    # -- hostile devices -------------------------------------------------------------------
    def _byzantine_acts(self, step: int) -> None:
        super()._byzantine_acts(step)
        for adversary in self.adversaries[1:]:
            if self.rng.random() < self.config.byzantine_writes:
                self._byzantine_write(adversary.replica)

    def _byzantine_frames(self, replica: Replica, dst: int, real: bytes | None) -> list[bytes]:
        adversary = next(a for a in self.adversaries if a.device == replica.key.device_id)
        if adversary is self.byz:
            frames = super()._byzantine_frames(replica, dst, real)
        else:
            frames = [] if real is None or self.rng.random() < 0.15 else [real]
        if self.plan.acts and self.rng.random() < 0.5:
            acts = list(self.plan.acts)
            if adversary.device in self.adversary_removed:
                acts += AFTER_REMOVAL
            act = self.rng.choice(acts)
            self.counts[f"act_{act}"] += 1
            envelopes = self._act(act, adversary, replica, dst)
            if envelopes:
                frames.append(encode(OpsMessage(self.space, tuple(envelopes))))
        return frames

    def _act(self, act: str, adversary: Peer, replica: Replica, dst: int) -> list[bytes]:
        chain = own_chain(replica, self.space, adversary.device)
        if not chain:
            return []
        head_seq, head = chain[-1]
        now = self._now(adversary)
        sign = signer(replica, adversary.key, self.space, now)
        if act in ("fork", "fork-join"):
            seq = 1 if act == "fork-join" else self.rng.choice(chain)[0]
            twin = self.twins.get((adversary.device, seq))
            if twin is None:
                twin = self._twin(replica, adversary, seq, sign)
                self.twins[(adversary.device, seq)] = twin
            return [twin.to_wire()] if (dst + seq) % 2 else []
        if act == "backdate":
            first = stored_op(replica, dict(chain)[1])
            deps = () if self.rng.random() < 0.5 else first.header.deps
            backdated = sign({"title": "backdated", "text": ""}, seq=head_seq + 1, prev=head, deps=deps)
            return self._adopt(replica, [backdated])
        deps = heads_of_others(replica, self.space, adversary.device)
        if act.startswith("clock-"):
            if act == "clock-max":
                clock = MAX_HLC
            elif act == "clock-2999":
                clock = (YEAR_2999_MS + self.rng.randrange(10**6)) << COUNTER_BITS
            else:
                clock = (now + self.rng.randrange(10_000, MAX_CLOCK_AHEAD_MS + 120_000)) << COUNTER_BITS
            op = sign({"title": act, "text": ""}, seq=head_seq + 1, prev=head, deps=deps, hlc=clock)
            return self._adopt(replica, [op])
        if act == "cap-body":
            size = MAX_BODY_BYTES - SEAL_OVERHEAD
            at = sign(fields_of_size(size, title="at"), seq=head_seq + 1, prev=head, deps=deps)
            over = sign(fields_of_size(size + 1, title="over"), seq=head_seq + 1, prev=head, deps=deps)
            assert at.header.body_len == MAX_BODY_BYTES and over.header.body_len == MAX_BODY_BYTES + 1
            self.forbidden[over.op_id] = "over-cap"
            return [over.to_wire(), *self._adopt(replica, [at], cap=True)]
        if act == "cap-deps":
            others = others_ops(replica, self.space, adversary.device)
            if len(others) <= MAX_DEPS:
                return []
            picked = sorted(self.rng.sample(others, MAX_DEPS + 1))
            at = sign({"title": "many deps", "text": ""}, seq=head_seq + 1, prev=head, deps=picked[:MAX_DEPS])
            over = sign({"title": "too many deps", "text": ""}, seq=head_seq + 1, prev=head, deps=picked)
            self.forbidden[over.op_id] = "over-cap"
            return [over.to_wire(), *self._adopt(replica, [at], cap=True)]
        assert act == "cap-title", act
        at = sign({"title": "t" * MAX_TITLE, "text": ""}, seq=head_seq + 1, prev=head, deps=deps)
        over = sign({"title": "t" * (MAX_TITLE + 1), "text": ""}, seq=head_seq + 2, prev=at.op_id, deps=())
        return [*self._adopt(replica, [at], cap=True), over.to_wire()]

    def _adopt(self, replica: Replica, ops: list[VerifiedOp], *, cap: bool = False) -> list[bytes]:
        """Mostly, the hostile device keeps its chain going on top of what it crafted."""
        if cap:
            self.at_cap.update((op.op_id, op.to_wire()) for op in ops)
        envelopes = [op.to_wire() for op in ops]
        if self.rng.random() < 0.8:
            replica.ingest(self.space, envelopes)
        return envelopes

    def _twin(self, replica: Replica, adversary: Peer, seq: int, sign: Any) -> VerifiedOp:
        """Another op at (adversary, seq): same prev, deps and clock, another body."""
        original = stored_op(replica, dict(own_chain(replica, self.space, adversary.device))[seq])
        header = original.header
        kind, fields = "item.put", {"title": f"twin of {seq}", "text": ""}
        if header.kind == "member.join" and self.rng.random() < 0.5:
            row = replica.db.execute("SELECT plaintext FROM auth_bodies WHERE op_id = ?", (original.op_id,))
            join = parse_body("member.join", row.fetchone()[0])
            kind = "member.join"
            fields = {"token": join.token, "token_sig": join.token_signature, "member_name": "a twin"}
        return sign(fields, kind=kind, seq=seq, prev=header.prev, deps=header.deps, hlc=header.hlc)
