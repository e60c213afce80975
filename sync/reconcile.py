"""Reconciliation as a sans-IO session: `generate_message()` / `receive_message(bytes)`.

Both peers run the same session for one space. Each sends its frontier whenever it
changed since it last sent one; on receiving the other's frontier it queues, in
causal (rowid) order, every op the other lacks — whole chains for an author whose
heads disagree in a way that shows a fork, so fork proofs reach everyone — plus the
chain segments behind the ops the other says it needs. Ops leave in chunks of at most
`max_chunk` bytes. The session is finished when neither side has anything to say.
The caller moves the bytes and counts exchanges; nothing here does I/O.

Given the peer's device (`peer`), a session also confirms this device's own join in
progress once the peer, a member, lists the join in its frontier (`sync.joining`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sync import joining
from sync.errors import Reason, Rejected
from sync.frontier import (
    Frontier,
    envelopes,
    frontier,
    locate,
    op_at,
    rowids_after,
    waiting_for,
)
from sync.ids import DeviceId, SpaceId
from sync.replica import IngestResult, Replica
from sync.wire import reconcile as wire
from sync.wire.reconcile import FrontierMessage, OpsMessage, decode, encode, fit_frontier

# One author's heads as a frontier lists them: (seq, op id) pairs, one unless forked.
Heads = tuple[tuple[int, bytes], ...]

MAX_CHUNK = 1024 * 1024


@dataclass(slots=True)
class SessionStats:
    sent_messages: int = 0
    received_messages: int = 0
    sent_bytes: int = 0
    received_bytes: int = 0
    ops_sent: int = 0
    ops_accepted: int = 0
    faults: int = 0
    join_confirmed: bool = False  # a member showed it holds this device's join in progress
    results: list[IngestResult] = field(default_factory=list)


class Reconciler:
    def __init__(
        self, replica: Replica, space: SpaceId, *, max_chunk: int = MAX_CHUNK, peer: DeviceId | None = None
    ) -> None:
        self.replica = replica
        self.space = space
        self.peer = peer
        self.max_chunk = max_chunk
        self.stats = SessionStats()
        self._last_sent: tuple[object, ...] | None = None
        self._outbox: list[int] = []
        self._queued: set[int] = set()

    # -- outgoing --------------------------------------------------------------------
    def generate_message(self) -> bytes | None:
        if self._outbox:
            return self._account(self._next_chunk())
        mine = self._frontier_message()
        key = (mine.heads, mine.needs)
        if key != self._last_sent:
            self._last_sent = key
            return self._account(encode(mine))
        return None

    def _account(self, data: bytes) -> bytes:
        self.stats.sent_messages += 1
        self.stats.sent_bytes += len(data)
        return data

    def _frontier_message(self) -> FrontierMessage:
        """Our frontier, cut (if it must be) to what the peer's decoder accepts: the
        heads of current members first, each author's highest seq before its others."""
        context = self.replica.context(self.space)

        def wanted(author: DeviceId, rank: int) -> tuple[bool, int, bytes]:
            return (not context.is_member(author), rank, author)

        ranked = sorted(
            (wanted(author, rank), (author, seq, head))
            for author, entries in frontier(self.replica, self.space).items()
            for rank, (seq, head) in enumerate(sorted(entries, reverse=True))
        )
        message = FrontierMessage(
            self.space, tuple(entry for _, entry in ranked), tuple(waiting_for(self.replica, self.space))
        )
        fitted = fit_frontier(message)
        return FrontierMessage(self.space, tuple(sorted(fitted.heads)), fitted.needs)

    def _next_chunk(self) -> bytes:
        chunk: list[bytes] = []
        size = 64
        taken = 0
        limit = min(self.max_chunk, wire.MAX_MESSAGE_BYTES)  # never more than the peer decodes
        for envelope in envelopes(self.replica, self._outbox[:2000]):
            if chunk and size + len(envelope) + 8 > limit:
                break
            chunk.append(envelope)
            size += len(envelope) + 8
            taken += 1
        del self._outbox[:taken]
        self.stats.ops_sent += len(chunk)
        return encode(OpsMessage(self.space, tuple(chunk)))

    # -- incoming --------------------------------------------------------------------
    def receive_message(self, data: bytes) -> None:
        """Take one message from the peer. Raises Rejected (and counts a fault) on garbage."""
        self.stats.received_messages += 1
        self.stats.received_bytes += len(data)
        try:
            message = decode(data)
            if message.space != self.space:
                raise Rejected(Reason.WRONG_SPACE, "message for another space")
        except Rejected:
            self.stats.faults += 1
            raise
        if isinstance(message, OpsMessage):
            result = self.replica.ingest(self.space, message.envelopes)
            self.stats.results.append(result)
            self.stats.ops_accepted += result.accepted
            self.stats.faults += result.faults
        else:
            self._confirm_join(message)
            self._plan(message)

    def _confirm_join(self, theirs: FrontierMessage) -> None:
        if self.peer is None:
            return
        me = self.replica.key.device_id
        held = [(seq, head) for author, seq, head in theirs.heads if author == me]
        if held and joining.confirm_if_held(self.replica, self.space, self.peer, held):
            self.stats.join_confirmed = True

    def _plan(self, theirs: FrontierMessage) -> None:
        their_heads: Frontier = {}
        for author, seq, head in theirs.heads:
            their_heads.setdefault(author, ())
            their_heads[author] += ((seq, head),)
        wanted: list[int] = []
        for author, mine in frontier(self.replica, self.space).items():
            wanted += self._lacking(author, mine, their_heads.get(author, ()))
        for need in theirs.needs:
            where = locate(self.replica, self.space, need)
            if where is None:
                continue
            author, seq = where
            known = min((s for s, _ in their_heads.get(author, ())), default=0)
            wanted += rowids_after(self.replica, self.space, author, min(known, seq - 1), upto=seq)
        fresh = sorted(set(wanted) - self._queued)
        self._queued.update(fresh)
        self._outbox = sorted(set(self._outbox) | set(fresh))

    def _lacking(
        self, author: DeviceId, mine: Heads, theirs: Heads
    ) -> list[int]:
        if mine == theirs:
            return []
        if not theirs:
            return rowids_after(self.replica, self.space, author, 0)
        if len(mine) == 1 and len(theirs) == 1:
            (my_seq, _), (their_seq, their_head) = mine[0], theirs[0]
            if their_seq < my_seq and their_head in op_at(self.replica, self.space, author, their_seq):
                return rowids_after(self.replica, self.space, author, their_seq)
            if their_seq > my_seq:
                return []  # they are ahead; they will send (or find the fork themselves)
        # Heads disagree in a way only a fork explains: send the whole chain as proof.
        return rowids_after(self.replica, self.space, author, 0)

    @property
    def idle(self) -> bool:
        return not self._outbox
