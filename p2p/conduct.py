"""Peer conduct: penalty points that decay, and bans that expire.

Owns: `ConductLedger`, the pure bookkeeping behind `penalise` and `ban`. Every method
takes `now` (seconds on a monotonic clock) so tests need no clock; the hosts pass
`trio.current_time()`. Used from the host's trio task only.
"""

from __future__ import annotations

from dataclasses import dataclass

from p2p.config import ConductPolicy
from p2p.identity import PeerId


@dataclass(frozen=True, slots=True)
class _Penalty:
    points: float
    at: float


class ConductLedger:
    def __init__(self, policy: ConductPolicy) -> None:
        self._policy = policy
        self._penalties: dict[PeerId, _Penalty] = {}
        self._banned_until: dict[PeerId, float] = {}

    def score(self, peer_id: PeerId, now: float) -> float:
        """Current penalty points of a peer after decay."""
        penalty = self._penalties.get(peer_id)
        if penalty is None:
            return 0.0
        elapsed = max(0.0, now - penalty.at)
        return penalty.points * 0.5 ** (elapsed / self._policy.penalty_half_life)

    def penalise(self, peer_id: PeerId, points: float, now: float) -> bool:
        """Add points; return True when this penalty crossed the threshold and banned the peer."""
        total = self.score(peer_id, now) + points
        if total >= self._policy.ban_threshold:
            self._penalties.pop(peer_id, None)
            already_banned = self.is_banned(peer_id, now)
            self.ban(peer_id, until=now + self._policy.ban_duration)
            return not already_banned
        self._penalties[peer_id] = _Penalty(total, now)
        return False

    def ban(self, peer_id: PeerId, *, until: float) -> None:
        self._banned_until[peer_id] = max(until, self._banned_until.get(peer_id, until))

    def unban(self, peer_id: PeerId) -> None:
        self._banned_until.pop(peer_id, None)
        self._penalties.pop(peer_id, None)

    def is_banned(self, peer_id: PeerId, now: float) -> bool:
        until = self._banned_until.get(peer_id)
        if until is None:
            return False
        if now >= until:
            del self._banned_until[peer_id]
            return False
        return True

    def banned_until(self, peer_id: PeerId) -> float | None:
        return self._banned_until.get(peer_id)
