"""A device's replica of its spaces: the one write path for local and remote ops.

`ingest` takes envelopes from any peer: decode → space → body hash → signature (on
worker threads through `verify_map`) → chain and deps (gaps wait in `pending`) →
clock → equivocation → epoch key → decryption → body schema → authority → reducer,
all in one transaction per batch. Local writes build and sign an op and go through
the same admission, in the same kind of transaction. Each call returns `Changes`.

Runs on one thread (the app's database worker); the verify map may use others.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync import reducers
from sync.assessment import PSEUDONYMOUS
from sync.causal import merged_parents
from sync.changes import Changes
from sync.crypto import decrypt_body
from sync.errors import PEER_FAULTS, Reason, Refusal, Rejected
from sync.forks import LoggedOp, is_past_fork, witnessed
from sync.hlc import too_far_ahead, wall_ms
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId
from sync.kinds import AUTH_KINDS, Removal, RoleChange, Unlink, parse_body, parse_fields
from sync.op import GENESIS_KIND, UnverifiedOp, VerifiedOp, op_id_of
from sync.policy import Level, may
from sync.prepare import REFUSED, PrepareJob, prepare_chunk, refused
from sync.space import OpInfo, SpaceContext, adopt_genesis, load
from sync.store import Store
from sync.wire.clock import decode_clock, encode_clock
from sync.wire.op import Header, decode_envelope, decode_header, split_trusted_envelope

VALID, STRUCTURAL, SEMANTIC, LOCKED = 0, 1, 2, 3
# Parked ops — authentic, but waiting for a missing prev or dep — are admission policy,
# never truth: reconciliation sends ops in causal order and brings an evicted one again
# once its past is here. So the bounds only have to hold what honest gossip brings
# ahead of its past, with a wide margin: a busy circle (40 members, 50 ops a day each,
# ~1 KiB an op) writes ~14 MiB and ~14,000 ops in a week, and its busiest author
# ~1.5 MiB. Anyone can sign ops with a fresh key and a made-up prev, so the bounds are
# what such a flood can cost a circle's device. Evicted first: authors who are not
# current members, then the author holding the most bytes, that author's highest seq
# first (the op furthest from being released). This device's own ops are never evicted.
MAX_PENDING = 50_000  # parked ops per circle
MAX_PENDING_BYTES = 32 * 1024 * 1024  # of parked envelopes per circle
MAX_PENDING_AUTHOR_BYTES = 4 * 1024 * 1024  # of parked envelopes per author in a circle
HLC_FIELD = 9  # a header's clock, in the order `Header(*fields)` takes (prepare.py)
VERIFY_CHUNK = 256  # ops
VERIFY_CHUNK_BYTES = 48 * 1024  # of envelopes
# Batches this small (a gossip message's worth) are checked for ops already held before
# any signature is: gossip often repeats what a sync session brought.
PREFILTER_MAX = 64

#: How chunks of preparation work are run: `map` inline, or a process pool's `map`.
VerifyMap = Callable[[Callable[[PrepareJob], list[Any]], Iterable[PrepareJob]], Iterable[list[Any]]]


@dataclass(slots=True)
class IngestResult:
    changes: Changes
    accepted: int = 0
    duplicates: int = 0
    pending: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def faults(self) -> int:
        """Rejections that prove the sender sent garbage or forgeries."""
        return sum(1 for error in self.rejected if error.reason in PEER_FAULTS)


@dataclass(slots=True)
class _Batch:
    space: SpaceId
    added: list[OpId] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    members: bool = False
    rebuild: bool = False


class Replica:
    def __init__(
        self,
        store: Store,
        key: DeviceKey,
        *,
        verify_map: VerifyMap = map,
        max_pending: int = MAX_PENDING,
        max_pending_bytes: int = MAX_PENDING_BYTES,
        max_pending_author_bytes: int = MAX_PENDING_AUTHOR_BYTES,
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        """`now_ms` reads the device's wall clock for admission (ops too far ahead of it
        wait, see `sync.hlc.MAX_CLOCK_AHEAD_MS`); without it every clock is admitted."""
        self.store = store
        self.key = key
        self._verify_map = verify_map
        self._now_ms = now_ms
        self._max_pending = max_pending
        self._max_pending_bytes = max_pending_bytes
        self._max_pending_author_bytes = max_pending_author_bytes
        self._parked: dict[SpaceId, _Parked] = {}  # what the pending table holds, summed
        self._contexts: dict[SpaceId, SpaceContext] = {}
        self._waiting: dict[SpaceId, set[bytes]] = {}
        self._handlers = reducers.handlers()
        self._data_version = -1
        # Decryptions done while preparing a batch: op id -> (key, plaintext or None, fields).
        self._hints: dict[bytes, tuple[bytes, bytes | None, dict[str, Any]]] = {}
        # Per space, the highest seq of this device's own ops that came in through
        # `ingest` (a peer or a file had them): whoever gossips own ops need not resend those.
        self.received_own: dict[SpaceId, int] = {}
        # The sentence of the last refusal a reducer explained (sync.errors.Refusal), so a
        # refused local write tells the person why and what to do.
        self.last_refusal: str | None = None

    @property
    def db(self) -> sqlite3.Connection:
        """The store's connection behind a write buffer (reads flush pending writes)."""
        return self.store.buffer  # type: ignore[return-value]

    # -- contexts --------------------------------------------------------------------
    def refresh(self) -> None:
        """Forget cached contexts if another process committed to the file."""
        self._refresh()

    def _refresh(self) -> None:
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._contexts.clear()
            self._waiting.clear()
            self._parked.clear()
            self._data_version = version

    def context(self, space: SpaceId) -> SpaceContext:
        context = self._contexts.get(space)
        if context is None:
            context = load(self.db, space)
            self._contexts[space] = context
            self._waiting[space] = {
                row[0] for row in self.db.execute("SELECT waiting_for FROM pending WHERE space = ?", (space,))
            }
        return context

    def forget(self, space: SpaceId) -> None:
        """Drop a cached context (after a rolled-back write, its memory is stale)."""
        self._contexts.pop(space, None)
        self._waiting.pop(space, None)
        self._parked.pop(space, None)

    def spaces(self) -> list[SpaceId]:
        return [SpaceId(row[0]) for row in self.db.execute("SELECT space FROM spaces ORDER BY rowid")]

    def has_space(self, space: bytes) -> bool:
        return self.db.execute("SELECT 1 FROM spaces WHERE space = ?", (space,)).fetchone() is not None

    # -- ingest ----------------------------------------------------------------------
    def ingest(self, space: SpaceId, envelopes: Sequence[bytes]) -> IngestResult:
        """Admit ops from a peer (or a file). Bad ones are refused with typed reasons."""
        result = IngestResult(Changes(space))
        if not self.has_space(space):
            result.rejected.append(Rejected(Reason.WRONG_SPACE, "not a space of this device"))
            return result
        if not envelopes:
            return result
        batch = _Batch(space)
        try:
            with self.store.transaction():
                self._refresh()
                context = self.context(space)
                if len(envelopes) <= PREFILTER_MAX:
                    envelopes = self._not_held(envelopes, result)
                keys = _hint_keys(context)
                jobs: list[PrepareJob] = [(space, keys, chunk) for chunk in _chunks(envelopes)]
                seen: set[bytes] = set()
                # Chunks are decoded, checked and decrypted by `verify_map` (a process pool
                # in the app) while this thread admits the chunks already prepared. Each
                # chunk's rows are written as soon as it is admitted: left for the commit,
                # the writes would run while the pool sits idle.
                for job, prepared in zip(jobs, self._verify_map(prepare_chunk, jobs), strict=True):
                    self._admit_prepared(context, batch, job, prepared, keys, result, seen)
                    self.store.buffer.flush()
                if self._waiting.get(space):
                    result.pending = self._parked_in(space).count
                result.accepted = len(batch.added)
                self._finish(batch)
        except BaseException:
            self.forget(space)
            raise
        finally:
            self._hints.clear()
        result.changes = self._changes(batch, result)
        return result

    def _admit_prepared(
        self,
        context: SpaceContext,
        batch: _Batch,
        job: PrepareJob,
        prepared: list[tuple[Any, ...]],
        keys: dict[int, bytes],
        result: IngestResult,
        seen: set[bytes],
    ) -> None:
        candidates = []
        for envelope, item in zip(job[2], prepared, strict=True):
            if item[0] == REFUSED:
                result.rejected.append(refused(item))
                continue
            op_id = item[1]
            if op_id in seen:
                result.duplicates += 1
                continue
            seen.add(op_id)
            candidates.append((envelope, item))
        known = self._known(context, [(item[1], item[2][1], item[2][2]) for _, item in candidates])
        verified = []
        hints = self._hints
        me = self.key.device_id
        now_ms = self._now_ms() if self._now_ms is not None else None
        for envelope, (_, op_id, fields, signature_ok, epoch, plaintext, body_fields) in candidates:
            if op_id in known:
                result.duplicates += 1
            elif not signature_ok:
                result.rejected.append(Rejected(Reason.BAD_SIGNATURE, "signature does not verify"))
            elif now_ms is not None and too_far_ahead(fields[HLC_FIELD], now_ms=now_ms):
                # Admission policy, not validity: the op is held back until this device's
                # clock is near it. Admitted now, it would lift every later op's clock.
                ahead = wall_ms(fields[HLC_FIELD]) - now_ms
                result.rejected.append(Rejected(Reason.CLOCK_AHEAD, f"its clock is {ahead} ms ahead"))
            else:
                if fields[1] == me and fields[2] > self.received_own.get(context.space, 0):
                    self.received_own[context.space] = fields[2]
                # The worker checked this envelope's signature: this is what `verify` returns.
                header_bytes, signature, body = split_trusted_envelope(envelope)
                verified.append(VerifiedOp(op_id, Header(*fields), header_bytes, signature, body))
                if epoch is not None:
                    hints[op_id] = (keys[epoch], plaintext, body_fields)
        self._admit_all(context, batch, verified, own=False)

    def _not_held(self, envelopes: Sequence[bytes], result: IngestResult) -> list[bytes]:
        """The envelopes whose op this replica does not hold yet (stored or parked).

        Gossip brings ops again that a sync session (or another route) already brought;
        naming an op costs a hash, checking its signature ≈ 90 µs. Envelopes that do not
        decode are kept: preparing them says why they are refused."""
        named: list[tuple[bytes | None, bytes]] = []
        for envelope in envelopes:
            try:
                header_bytes, signature, _ = decode_envelope(envelope)
                named.append((op_id_of(header_bytes, signature), envelope))
            except Rejected:
                named.append((None, envelope))
        op_ids = [op_id for op_id, _ in named if op_id is not None]
        if not op_ids:
            return list(envelopes)
        marks = ",".join("?" * len(op_ids))
        held = {
            row[0]
            for table in ("ops", "pending")
            for row in self.db.execute(f"SELECT op_id FROM {table} WHERE op_id IN ({marks})", op_ids)
        }
        result.duplicates += sum(op_id in held for op_id, _ in named)
        return [envelope for op_id, envelope in named if op_id not in held]

    def _known(self, context: SpaceContext, ops: list[tuple[bytes, bytes, int]]) -> set[bytes]:
        """Which of these (op id, author, seq) this replica already holds (stored or parked).

        Ops are stored in chain order, so an op above its author's head can only be held
        if the author has broken-chain ops; asking SQLite only about the rest keeps
        ingest of new ops free of index lookups.
        """
        maybe = []
        authors, heads, broken = context.authors, context.heads, context.broken
        for op_id, device, seq in ops:
            author = authors.get(device)
            if author is not None and (seq <= heads.get(author, 0) or author in broken):
                maybe.append(op_id)
        tables = [("ops", maybe)]
        if self._waiting.get(context.space):
            tables.append(("pending", [op_id for op_id, _, _ in ops]))
        known: set[bytes] = set()
        for table, op_ids in tables:
            for start in range(0, len(op_ids), 500):
                part = op_ids[start : start + 500]
                marks = ",".join("?" * len(part))
                known.update(
                    row[0]
                    for row in self.db.execute(f"SELECT op_id FROM {table} WHERE op_id IN ({marks})", part)
                )
        return known

    def _admit_all(self, context: SpaceContext, batch: _Batch, ops: list[VerifiedOp], *, own: bool) -> int:
        """Admit ops whose causal past is present, in causal order; park the rest.

        Peers send ops in causal order, so one pass admits almost all of them as they
        come; only the others (and ops released from the pending table) need the
        dependency bookkeeping of `_admit_rest`.
        """
        waiting = self._waiting.setdefault(context.space, set())
        rest: list[VerifiedOp] = []
        unparked: list[VerifiedOp] = []
        for op in ops:
            parents = self._parents(context, op.header)
            if parents is None:
                rest.append(op)
                continue
            self._admit(context, batch, op, parents)
            if op.op_id in waiting:
                unparked += self._unpark(context.space, op.op_id)
        if not rest and not unparked:
            return 0
        return self._admit_rest(context, batch, rest, unparked, own=own)

    def _admit_rest(
        self,
        context: SpaceContext,
        batch: _Batch,
        ops: list[VerifiedOp],
        unparked: list[VerifiedOp],
        *,
        own: bool,
    ) -> int:
        """Admit `ops` (and ops released from the pending table) as their causal past
        arrives, in causal order; park what still misses something."""
        db = self.db
        in_batch = {op.op_id for op in ops}
        missing_of: dict[OpId, set[bytes]] = {}
        children: dict[bytes, list[VerifiedOp]] = defaultdict(list)
        ready: deque[VerifiedOp] = deque()
        for op in ops:
            parents = ([op.header.prev] if op.header.prev else []) + list(op.header.deps)
            missing: set[bytes] = {p for p in parents if p not in in_batch and context.info(db, p) is None}
            missing |= {p for p in parents if p in in_batch}
            if missing:
                missing_of[op.op_id] = missing
                for parent in missing:
                    children[parent].append(op)
            else:
                ready.append(op)
        waiting = self._waiting.setdefault(context.space, set())
        released: list[VerifiedOp] = unparked
        while True:
            for child in released:
                known_missing = missing_of.get(child.op_id)
                if known_missing is None:  # an op released from the pending table
                    parents = ([child.header.prev] if child.header.prev else []) + list(child.header.deps)
                    missing = {p for p in parents if context.info(db, OpId(p)) is None}
                    missing_of[child.op_id] = missing
                    for parent in missing:
                        children[parent].append(child)
                    if not missing:
                        ready.append(child)
            if not ready:
                break
            op = ready.popleft()
            self._admit(context, batch, op)
            released = []
            for child in children.pop(op.op_id, []):
                missing = missing_of[child.op_id]
                missing.discard(op.op_id)
                if not missing:
                    ready.append(child)
            if op.op_id in waiting:
                released = self._unpark(context.space, op.op_id)
        parked = [op for op in ops if missing_of.get(op.op_id)]
        parked_ids = {op.op_id for op in parked}
        for op_id, missing in missing_of.items():
            if missing and op_id not in parked_ids:
                parked.extend(c for c in children.get(next(iter(missing)), []) if c.op_id == op_id)
                parked_ids.add(op_id)
        for op in parked:
            self._park(context.space, op, next(iter(sorted(missing_of[op.op_id]))), own=own)
        return len(parked)

    def _park(self, space: SpaceId, op: VerifiedOp, waiting_for: bytes, *, own: bool) -> None:
        """Keep an op until its causal past arrives, within the bounds (MAX_PENDING_*).

        Admission policy: an op evicted here is brought again by reconciliation, in
        causal order, once its past is here."""
        db = self.db
        if db.execute("SELECT 1 FROM pending WHERE op_id = ?", (op.op_id,)).fetchone() is not None:
            return
        parked = self._parked_in(space)  # summed before the row goes in
        author = op.header.author
        own = own or author == self.key.device_id
        envelope = op.to_wire()
        db.execute(
            "INSERT INTO pending (op_id, space, waiting_for, own, author, seq, size, envelope)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (op.op_id, space, waiting_for, int(own), author, op.header.seq, len(envelope), envelope),
        )
        self._waiting.setdefault(space, set()).add(waiting_for)
        parked.add(author, len(envelope), own=own, member=self._is_member(space, author))
        if not own:
            while parked.by_author.get(author, 0) > self._max_pending_author_bytes:
                self._evict_one(space, parked, author)
        while parked.size > self._max_pending_bytes or parked.count > self._max_pending:
            victim = parked.largest(lambda device: self._is_member(space, device))
            if victim is None:
                break  # only this device's own ops are left
            self._evict_one(space, parked, victim)

    def _parked_in(self, space: SpaceId) -> _Parked:
        parked = self._parked.get(space)
        if parked is None:
            parked = self._parked[space] = _Parked()
            rows = self.db.execute(
                "SELECT author, MAX(own), COUNT(*), SUM(size) FROM pending WHERE space = ? GROUP BY author",
                (space,),
            )
            for author, own, count, size in rows:
                parked.load(author, count, size, own=bool(own), member=self._is_member(space, author))
        return parked

    def _is_member(self, space: SpaceId, device: bytes) -> bool:
        return self.context(space).is_member(device)

    def _evict_one(self, space: SpaceId, parked: _Parked, author: bytes) -> None:
        """Drop `author`'s parked op furthest from release: its highest seq (then op id)."""
        db = self.db
        row = db.execute(
            "SELECT op_id, waiting_for, size FROM pending WHERE space = ? AND author = ? AND own = 0"
            " ORDER BY seq DESC, op_id DESC LIMIT 1",
            (space, author),
        ).fetchone()
        if row is None:  # pragma: no cover - the sums say it holds some
            parked.by_author.pop(author, None)
            return
        op_id, waiting_for, size = row
        db.execute("DELETE FROM pending WHERE op_id = ?", (op_id,))
        parked.remove(author, size)
        still = db.execute(
            "SELECT 1 FROM pending WHERE waiting_for = ? AND space = ? LIMIT 1", (waiting_for, space)
        ).fetchone()
        if still is None:
            self._waiting.get(space, set()).discard(waiting_for)

    def _unpark(self, space: SpaceId, op_id: bytes) -> list[VerifiedOp]:
        parked = self._parked_in(space)  # summed before the rows go
        rows = self.db.execute(
            "SELECT author, size, envelope FROM pending WHERE waiting_for = ? AND space = ?", (op_id, space)
        ).fetchall()
        self.db.execute("DELETE FROM pending WHERE waiting_for = ? AND space = ?", (op_id, space))
        self._waiting[space].discard(op_id)
        for author, size, _ in rows:
            parked.remove(author, size)
        # Authenticated before they were parked.
        return [UnverifiedOp.from_wire(envelope).trusted() for _, _, envelope in rows]

    # -- admission of one op whose causal past is present -----------------------------
    def _parents(self, context: SpaceContext, header: Header) -> list[OpInfo] | None:
        """What is known of an op's prev (first) and deps; None while one is missing."""
        db = self.db
        parents = []
        if header.prev is not None:
            info = context.info(db, header.prev)
            if info is None:
                return None
            parents.append(info)
        for dep in header.deps:
            info = context.info(db, dep)
            if info is None:
                return None
            parents.append(info)
        return parents

    def _admit(
        self, context: SpaceContext, batch: _Batch, op: VerifiedOp, parents: list[OpInfo] | None = None
    ) -> tuple[int, Reason | None]:
        """Store one op whose causal past is present, judged; `parents` as `_parents` gives."""
        db = self.db
        header = op.header
        seq = header.seq
        author = context.authors.get(header.author)
        if author is None:
            author = context.author_index(db, header.author)
        if parents is None:
            parents = self._parents(context, header)
            assert parents is not None
        status, reason = VALID, None
        if header.prev is not None:
            prev = parents[0]
            # Continuing a broken chain is breaking it too, or the head would move past
            # seqs this replica may not hold.
            if prev.author != author or prev.seq != seq - 1 or prev.chain_broken:
                status, reason = STRUCTURAL, Reason.BAD_CHAIN
        unsure = context.broken | context.forks.keys() if context.broken or context.forks else ()
        clock = merged_parents(
            [(parent.author, parent.seq, parent.clock) for parent in parents],
            author=author,
            seq=seq,
            unsure=unsure,
        )
        if parents and header.hlc <= max([parent.hlc for parent in parents]):
            status, reason = STRUCTURAL, Reason.BAD_CLOCK
        if header.kind == GENESIS_KIND:
            if header.deps or seq != 1:
                status, reason = STRUCTURAL, Reason.BAD_CHAIN
        else:
            genesis_author = context.genesis_author
            if genesis_author is None:
                genesis = context.info(db, OpId(context.space))
                genesis_author = None if genesis is None else genesis.author
            if genesis_author is None or clock.get(genesis_author, 0) < 1:
                status, reason = STRUCTURAL, Reason.BAD_CHAIN
        head = context.heads.get(author, 0)
        # Equivocation is two chain-valid ops at one (author, seq). A broken chain proves
        # nothing and must not move the head, or arrival order would decide the fork.
        if status == VALID and header.seq <= head and self._has_twin(context, author, header.seq):
            fork = min(context.forks.get(author, header.seq), header.seq)
            context.forks[author] = fork
            db.execute(
                "INSERT INTO forks (space, author, fork_seq) VALUES (?, ?, ?)"
                " ON CONFLICT (space, author) DO UPDATE SET fork_seq = excluded.fork_seq",
                (context.space, author, fork),
            )
            batch.rebuild = True
        if status == VALID:
            context.heads[author] = max(head, header.seq)
            if context.forks and self._names_unwitnessed(context, header, author, parents):
                batch.rebuild = True  # it may witness a forked author's op (sync.forks)
        else:
            context.broken.add(author)
        info = OpInfo(author, header.seq, header.hlc, clock, header.kind, reason is Reason.BAD_CHAIN)
        context.remember(op.op_id, info)
        if status == VALID:
            status, reason = self._judge(context, batch, op, info, apply=True)
        db.execute(
            "INSERT INTO ops (op_id, space, author, seq, prev, kind, hlc, header, signature, body,"
            " clock, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                op.op_id,
                context.space,
                author,
                header.seq,
                header.prev,
                header.kind,
                header.hlc,
                op.header_bytes,
                op.signature,
                op.body,
                encode_clock(clock),
                status,
                reason.value if reason else None,
            ),
        )
        batch.added.append(op.op_id)
        batch.kinds.add(header.kind)
        return status, reason

    @staticmethod
    def _names_unwitnessed(context: SpaceContext, header: Header, author: int, parents: list[OpInfo]) -> bool:
        """Whether an op of `author` names another author's quarantined op past its fork."""
        if is_past_fork(context.forks, author, header.seq):
            return False
        named = ([header.prev] if header.prev is not None else []) + list(header.deps)
        return any(
            parent.author != author
            and is_past_fork(context.forks, parent.author, parent.seq)
            and op_id not in context.witnessed
            for op_id, parent in zip(named, parents, strict=True)
        )

    def _has_twin(self, context: SpaceContext, author: int, seq: int) -> bool:
        """Whether a chain-valid op of `author` already holds `seq`."""
        row = self.db.execute(
            "SELECT 1 FROM ops WHERE space = ? AND author = ? AND seq = ? AND status != ? LIMIT 1",
            (context.space, author, seq, STRUCTURAL),
        ).fetchone()
        return row is not None

    def _judge(
        self, context: SpaceContext, batch: _Batch, op: VerifiedOp, info: OpInfo, *, apply: bool
    ) -> tuple[int, Reason | None]:
        """Semantic validity against the space's authority; applies the op if valid."""
        header = op.header
        quarantined = is_past_fork(context.forks, info.author, info.seq) and op.op_id not in context.witnessed
        if quarantined and header.kind not in AUTH_KINDS:
            return SEMANTIC, Reason.QUARANTINED
        epoch, refs = context.auth.epoch_at(info.clock, exclude=op.op_id)
        if header.epoch != epoch:
            if op.op_id in context.events:
                # Read when a rotation since cut still counted: it is no event now, as on a
                # replica that never read it (load would bring its stored body back).
                del context.events[op.op_id]
                self.db.execute("DELETE FROM auth_bodies WHERE op_id = ?", (op.op_id,))
            return SEMANTIC, Reason.QUARANTINED if quarantined else Reason.WRONG_EPOCH
        if header.kind in AUTH_KINDS or header.kind == GENESIS_KIND:
            # A quarantined membership op is still read and kept as an event (the authority
            # leaves it out unless witnessed): whether it counts must not depend on whether
            # it arrived before or after the fork was known (sync/forks.py).
            status, reason = self._judge_membership(context, batch, op, info, refs, apply=apply)
            return (SEMANTIC, Reason.QUARANTINED) if quarantined and status != LOCKED else (status, reason)
        key = context.epoch_key(refs)
        if key is None:
            return LOCKED, Reason.UNDECRYPTABLE
        try:
            hint = self._hints.pop(op.op_id, None)
            if hint is not None and hint[0] == key:
                body = parse_fields(header.kind, hint[2])
            elif op.body is None:
                raise Rejected(Reason.BAD_CONTENT, "redacted")
            else:
                body = parse_body(header.kind, decrypt_body(key, op.associated_data(), op.body))
        except Rejected as error:
            return SEMANTIC, error.reason
        handler = self._handlers.get(header.kind)
        if handler is None:
            return SEMANTIC, Reason.BAD_CONTENT
        if header.kind in PSEUDONYMOUS:
            # Signed by a pseudonym, not a member device: its reducer checks that a
            # teacher's op in its causal past certified the key (sync.pseudonym). A key
            # that is a member device in the op's causal past is no pseudonym.
            if context.auth.level_at(info.author, info.clock, info.seq) > Level.NONE:
                return SEMANTIC, Reason.NOT_PERMITTED
            level: int = Level.NONE
        else:
            level = context.auth.level_at(info.author, info.clock, info.seq)
            if level < Level.MEMBER or (handler.action and not may(context.policy, level, handler.action)):
                return SEMANTIC, Reason.NOT_PERMITTED
        applied = reducers.Applied(
            context.space,
            op.op_id,
            info.author,
            context.devices[info.author],
            info.seq,
            info.hlc,
            info.clock,
            level,
            context.auth,
            context.memo,
        )
        problem = handler.check(self.db, applied, body)
        if isinstance(problem, Refusal):
            self.last_refusal = problem.sentence
            problem = problem.reason
        if problem is not None:
            return SEMANTIC, problem
        if apply:
            handler.apply(self.db, applied, body)
        return VALID, None

    def _membership_body(
        self, context: SpaceContext, op: VerifiedOp, refs: list[OpId]
    ) -> tuple[Any, int, Reason | None]:
        row = self.db.execute("SELECT plaintext FROM auth_bodies WHERE op_id = ?", (op.op_id,)).fetchone()
        if row is not None:
            return parse_body(op.header.kind, row[0]), VALID, None
        key = context.epoch_key(refs)
        if key is None:
            return None, LOCKED, Reason.UNDECRYPTABLE
        try:
            hint = self._hints.pop(op.op_id, None)
            if hint is not None and hint[0] == key and hint[1] is not None:
                plaintext = hint[1]
            elif op.body is None:
                raise Rejected(Reason.BAD_CONTENT, "membership ops cannot be redacted")
            else:
                plaintext = decrypt_body(key, op.associated_data(), op.body)
            body = parse_body(op.header.kind, plaintext)
        except Rejected as error:
            return None, SEMANTIC, error.reason
        self.db.execute(
            "INSERT OR IGNORE INTO auth_bodies (op_id, space, plaintext) VALUES (?, ?, ?)",
            (op.op_id, context.space, plaintext),
        )
        return body, VALID, None

    def _judge_membership(
        self,
        context: SpaceContext,
        batch: _Batch,
        op: VerifiedOp,
        info: OpInfo,
        refs: list[OpId],
        *,
        apply: bool,
    ) -> tuple[int, Reason | None]:
        body, status, reason = self._membership_body(context, op, refs)
        if status != VALID:
            return status, reason
        batch.members = True
        if op.header.kind == GENESIS_KIND:
            adopt_genesis(context, info.author, body)
            context.resolve_auth()
            self._materialize_members(context)
            return VALID, None
        if op.op_id not in context.events:
            before = context.auth.accepted()
            context.events[op.op_id] = context.build_event(
                self.db, op_id=op.op_id, info=info, deps=op.header.deps, body=body
            )
            after = context.resolve_auth()
            if after.accepted() - {op.op_id} != before:
                batch.rebuild = True
            if isinstance(body, RoleChange | Removal | Unlink) and op.op_id in after.accepted():
                target = context.authors.get(body.member)
                if target is not None:
                    # A role or a removal is the person's: any of its devices may have written
                    # concurrently (strong removal); an unlink concerns the one device.
                    hit = [target] if isinstance(body, Unlink) else after.devices_of(after.person_of(target))
                    if any(context.heads.get(d, 0) > info.clock.get(d, 0) for d in hit or [target]):
                        batch.rebuild = True
            if isinstance(body, Removal | Unlink):
                self._take_rotation_key(context, batch, op.op_id, body)
            self._materialize_members(context)
        verdict = context.auth.verdicts.get(op.op_id, Reason.NOT_PERMITTED)
        return (VALID, None) if verdict is None else (SEMANTIC, verdict)

    def _take_rotation_key(
        self, context: SpaceContext, batch: _Batch, op_id: OpId, body: Removal | Unlink
    ) -> None:
        for device, sealed in body.sealed_keys:
            if device == self.key.device_id and op_id not in context.keyring:
                try:
                    new_key = self.key.unseal(sealed)
                except Rejected:
                    return
                context.keyring[op_id] = new_key
                self.db.execute(
                    "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
                    (context.space, op_id, new_key),
                )
                batch.rebuild = True  # ops parked as locked may now open

    def _materialize_members(self, context: SpaceContext) -> None:
        db = self.db
        db.execute("DELETE FROM members WHERE space = ?", (context.space,))
        db.execute("DELETE FROM device_persons WHERE space = ?", (context.space,))
        context.memo.pop(reducers.PERSONS_MEMO, None)  # what reducers remembered of the old table
        rows = []
        names = context.author_names()
        auth = context.auth
        devices = context.devices
        for index, device in devices.items():
            level = auth.current_level(index)
            if level > Level.NONE:
                person = devices.get(auth.person_of(index), device)
                rows.append((context.space, device, names.get(device, ""), level, person))
        db.executemany(
            "INSERT INTO members (space, device, name, level, person) VALUES (?, ?, ?, ?, ?)", rows
        )
        # Every device that ever belonged to a person, so what an unlinked device wrote is
        # still attributed to its person.
        db.executemany(
            "INSERT INTO device_persons (space, device, person) VALUES (?, ?, ?)",
            [
                (context.space, devices[index], devices[person])
                for index, person in auth.person.items()
                if index in devices and person in devices
            ],
        )

    def _finish(self, batch: _Batch) -> None:
        context = self._contexts.get(batch.space)
        if context is not None and context.retarget:
            batch.rebuild = True  # a device named before it was known: judge again (SpaceContext)
        if batch.rebuild:
            self._rebuild(batch.space)

    def _rebuild(self, space: SpaceId) -> None:
        """Re-judge every op of the space against its final authority; refold state."""
        db = self.db
        for _attempt in range(64):
            reducers.clear(db, space)
            context = load(db, space)
            self._contexts[space] = context
            scratch = _Batch(space)
            rows = db.execute(
                "SELECT op_id, author, seq, hlc, clock, kind, header, signature, body, status, reason"
                " FROM ops WHERE space = ? ORDER BY rowid",
                (space,),
            ).fetchall()
            events_before = set(context.events)
            witnessed_before = context.witnessed
            decoded = [
                (row, decode_header(row[6]), decode_clock(row[4])) for row in rows if row[9] != STRUCTURAL
            ]
            if context.forks:
                self._settle_witnesses(context, decoded)
            for row, header, clock in decoded:
                op_id, author, seq, hlc, _, kind, header_bytes, signature, body, status, old = row
                op = VerifiedOp(OpId(op_id), header, header_bytes, signature, body)
                info = OpInfo(author, seq, hlc, clock, kind)
                new_status, reason = self._judge(context, scratch, op, info, apply=True)
                new_reason = reason.value if reason else None
                if (new_status, new_reason) != (status, old):
                    db.execute(
                        "UPDATE ops SET status = ?, reason = ? WHERE op_id = ?",
                        (new_status, new_reason, op_id),
                    )
            self._materialize_members(context)
            if set(context.events) == events_before and context.witnessed == witnessed_before:
                return
        raise RuntimeError("authority did not settle")  # pragma: no cover - bounded by keys

    def _settle_witnesses(
        self, context: SpaceContext, decoded: list[tuple[Any, Header, dict[int, int]]]
    ) -> None:
        """Which ops past a fork count (sync.forks); stored, and the authority re-resolved."""
        logged = [
            LoggedOp(
                row[0],
                row[1],
                row[2],
                clock,
                (((header.prev,) if header.prev is not None else ()) + tuple(header.deps)),
            )
            for row, header, clock in decoded
        ]
        context.witnessed = witnessed(logged, forks=context.forks, resolve=context.resolve_with)
        self.db.execute("DELETE FROM fork_witnessed WHERE space = ?", (context.space,))
        self.db.executemany(
            "INSERT INTO fork_witnessed (space, op_id) VALUES (?, ?)",
            [(context.space, op_id) for op_id in sorted(context.witnessed)],
        )
        context.resolve_auth()

    def _changes(self, batch: _Batch, result: IngestResult | None = None) -> Changes:
        return Changes(
            batch.space,
            tuple(batch.added),
            frozenset(batch.kinds),
            members=batch.members,
            rebuilt=batch.rebuild,
            pending=result.pending if result else 0,
            rejected=tuple(str(error) for error in result.rejected) if result else (),
        )


class _Parked:
    """The sums of one space's pending table: ops, bytes, and bytes per author, plus the
    order in which authors lose parked ops when the space is over its bounds.

    Kept in memory so that parking costs no scan of the table; rebuilt from the table
    whenever the replica's caches are. The eviction order is a heap with lazy entries:
    (member?, -bytes, author), so non-members go first, then whoever holds the most;
    an entry that no longer states its author's sums is dropped (and the right one
    pushed) when it reaches the top."""

    __slots__ = ("_heap", "_own", "by_author", "count", "size")

    def __init__(self) -> None:
        self.count = 0
        self.size = 0
        self.by_author: dict[bytes, int] = {}
        self._own: set[bytes] = set()
        self._heap: list[tuple[bool, int, bytes]] = []

    def load(self, author: bytes, count: int, size: int, *, own: bool, member: bool) -> None:
        self.count += count
        self.size += size
        self.by_author[author] = size
        if own:
            self._own.add(author)
        else:
            heapq.heappush(self._heap, (member, -size, author))

    def add(self, author: bytes, size: int, *, own: bool, member: bool) -> None:
        self.count += 1
        self.size += size
        total = self.by_author[author] = self.by_author.get(author, 0) + size
        if own:
            self._own.add(author)
            return
        heapq.heappush(self._heap, (member, -total, author))
        if len(self._heap) > 2 * len(self.by_author) + 64:  # stale entries: start afresh
            self._heap = list({entry for entry in self._heap if self.by_author.get(entry[2]) == -entry[1]})
            heapq.heapify(self._heap)

    def remove(self, author: bytes, size: int) -> None:
        self.count -= 1
        self.size -= size
        left = self.by_author.get(author, 0) - size
        if left > 0:
            self.by_author[author] = left
        else:
            self.by_author.pop(author, None)

    def largest(self, is_member: Callable[[bytes], bool]) -> bytes | None:
        """The author to lose a parked op next: not a member first, then the most bytes."""
        heap = self._heap
        while heap:
            member, minus_size, author = heap[0]
            size = self.by_author.get(author, 0)
            if author in self._own or size == 0:
                heapq.heappop(heap)
                continue
            now_member = is_member(author)
            if (member, -minus_size) != (now_member, size):
                heapq.heapreplace(heap, (now_member, -size, author))
                continue
            return author
        return None


def _chunks(envelopes: Sequence[bytes]) -> list[list[bytes]]:
    """Runs of at most VERIFY_CHUNK envelopes and about VERIFY_CHUNK_BYTES.

    Small enough that a chunk, and what preparing it returns, each fit in a pipe's
    buffer (64 KiB on Linux): a worker then hands its result over without waiting for
    this process to read it, which it can only do when the admitting thread lets go of
    the GIL. Small chunks also let admission start sooner after a batch arrives.
    """
    chunks: list[list[bytes]] = []
    chunk: list[bytes] = []
    size = 0
    for envelope in envelopes:
        if chunk and (len(chunk) >= VERIFY_CHUNK or size + len(envelope) > VERIFY_CHUNK_BYTES):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(envelope)
        size += len(envelope)
    if chunk:
        chunks.append(chunk)
    return chunks


def _hint_keys(context: SpaceContext) -> dict[int, bytes]:
    """The key of every epoch that has exactly one, for preparing chunks off-thread."""
    keys: dict[int, bytes] = {}
    if context.space in context.keyring:
        keys[0] = context.keyring[context.space]
    by_epoch: dict[int, list[OpId]] = defaultdict(list)
    for rotation in context.auth.rotations:
        by_epoch[rotation.epoch].append(rotation.op_id)
    for epoch, refs in by_epoch.items():
        if len(refs) == 1 and refs[0] in context.keyring:
            keys[epoch] = context.keyring[refs[0]]
    return keys
