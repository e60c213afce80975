"""Peer conduct: penalty points that decay, and bans that expire.

A ban lasts `ban_duration` × 2^strikes (at most `max_ban_duration`), where strikes
count the peer's earlier bans, each halving every `strike_half_life` after its ban
ends: one fault costs a device 10 minutes, after which it is served again; a peer that
keeps sending garbage is refused twice as long each time it returns (10 min, 20, 40, …
up to a week).

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
        self._strikes: dict[PeerId, _Penalty] = {}
        self._banned_until: dict[PeerId, float] = {}

    def score(self, peer_id: PeerId, now: float) -> float:
        """Current penalty points of a peer after decay."""
        penalty = self._penalties.get(peer_id)
        if penalty is None:
            return 0.0
        elapsed = max(0.0, now - penalty.at)
        return float(penalty.points * 0.5 ** (elapsed / self._policy.penalty_half_life))

    def strikes(self, peer_id: PeerId, now: float) -> float:
        """The peer's earlier bans, each counting less as it ages (see the module doc)."""
        strikes = self._strikes.get(peer_id)
        if strikes is None:
            return 0.0
        value = strikes.points * 0.5 ** (max(0.0, now - strikes.at) / self._policy.strike_half_life)
        if value < 1 / 64:  # forgotten
            del self._strikes[peer_id]
            return 0.0
        return float(value)

    def ban_length(self, peer_id: PeerId, now: float) -> float:
        """How long a ban starting now lasts: doubled for each strike, capped."""
        policy = self._policy
        return min(policy.ban_duration * 2 ** self.strikes(peer_id, now), policy.max_ban_duration)

    def banish(self, peer_id: PeerId, now: float) -> float:
        """Ban for `ban_length` and count a strike; returns the ban's length in seconds."""
        seconds = self.ban_length(peer_id, now)
        self.ban(peer_id, until=now + seconds)
        # Strikes wear off from the end of the ban: time spent banned forgives nothing.
        self._strikes[peer_id] = _Penalty(self.strikes(peer_id, now) + 1, now + seconds)
        return seconds

    def penalise(self, peer_id: PeerId, points: float, now: float) -> bool:
        """Add points; return True when this penalty crossed the threshold and banned the peer."""
        total = self.score(peer_id, now) + points
        if total >= self._policy.ban_threshold:
            self._penalties.pop(peer_id, None)
            already_banned = self.is_banned(peer_id, now)
            self.banish(peer_id, now)
            return not already_banned
        self._penalties[peer_id] = _Penalty(total, now)
        return False

    def ban(self, peer_id: PeerId, *, until: float) -> None:
        self._banned_until[peer_id] = max(until, self._banned_until.get(peer_id, until))

    def unban(self, peer_id: PeerId) -> None:
        self._banned_until.pop(peer_id, None)
        self._penalties.pop(peer_id, None)
        self._strikes.pop(peer_id, None)

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
