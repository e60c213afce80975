"""What the sync service knows about each (peer, space): one record per pair.

Owns: `PeerSpace` — whether a reconciliation we opened is running (or being opened),
whether one the peer opened is being served, when the peer last opened one, whether a
grace wait before reconciling is pending, and when we last heard from the peer in the
space (its gossip or a finished session); and `PeerSpaces`, the table of them. These
were five parallel sets and dicts keyed by (peer, space); one record keeps what belongs
together together, and a pair with nothing to remember leaves the table.

No I/O; read and changed on the sync service's trio thread. Times are trio's clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from p2p.identity import PeerId
from sync.ids import SpaceId

Pair = tuple[PeerId, SpaceId]


@dataclass(slots=True)
class PeerSpace:
    running: bool = False  # a reconciliation we opened (or are opening) with the peer
    serving: bool = False  # a reconciliation the peer opened with us
    served_at: float | None = None  # when the peer last opened one
    grace: bool = False  # waiting to see whether gossip fills a gap before reconciling
    heard_at: float | None = None  # its gossip in the space, or a finished session

    @property
    def in_session(self) -> bool:
        """A session between us for the space runs, either way: it carries ops both ways."""
        return self.running or self.serving

    @property
    def empty(self) -> bool:
        return self == _NOTHING


_NOTHING = PeerSpace()


class PeerSpaces:
    def __init__(self) -> None:
        self._pairs: dict[Pair, PeerSpace] = {}

    def __getitem__(self, pair: Pair) -> PeerSpace:
        """The pair's record (a blank one, not kept, if it has none): for reading."""
        return self._pairs.get(pair) or PeerSpace()

    def _record(self, pair: Pair) -> PeerSpace:
        return self._pairs.setdefault(pair, PeerSpace())

    def _settle(self, pair: Pair) -> None:
        record = self._pairs.get(pair)
        if record is not None and record.empty:
            del self._pairs[pair]

    # -- sessions ----------------------------------------------------------------------
    def claim_session(self, pair: Pair) -> bool:
        """We open a reconciliation, unless one between us runs already (either way)."""
        if self[pair].in_session:
            return False
        self._record(pair).running = True
        return True

    def session_ended(self, pair: Pair) -> None:
        self._record(pair).running = False
        self._settle(pair)

    def hello_arrived(self, pair: Pair) -> None:
        """The peer asks for a session: none of ours starts while its hello is judged."""
        self._record(pair).serving = True

    def serving_started(self, pair: Pair, now: float) -> None:
        record = self._record(pair)
        record.serving, record.served_at = True, now

    def serving_ended(self, pair: Pair) -> None:
        self._record(pair).serving = False
        self._settle(pair)

    # -- waiting for gossip ------------------------------------------------------------
    def start_grace(self, pair: Pair) -> bool:
        """Wait before reconciling, unless a wait or our own session is already under way."""
        record = self[pair]
        if record.grace or record.running:
            return False
        self._record(pair).grace = True
        return True

    def grace_ended(self, pair: Pair) -> None:
        self._record(pair).grace = False
        self._settle(pair)

    # -- hearing from peers ------------------------------------------------------------
    def heard(self, pair: Pair, now: float) -> None:
        self._record(pair).heard_at = now

    def silent_since(self, pair: Pair, now: float) -> float:
        """When we last heard from the pair's peer there; first asked: from `now` on."""
        record = self._record(pair)
        if record.heard_at is None:
            record.heard_at = now
        return record.heard_at

    def forget_heard(self, peer: PeerId) -> None:
        """`peer` left: when we heard from it no longer counts (sessions in flight do)."""
        for pair in [pair for pair in self._pairs if pair[0] == peer]:
            self._pairs[pair].heard_at = None
            self._settle(pair)

    def __len__(self) -> int:
        """How many pairs have something to remember."""
        return len(self._pairs)
