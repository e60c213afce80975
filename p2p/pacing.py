"""Pacing of our own gossip publishes: a token bucket, pure, driven by the caller's clock.

Owns: `PublishPacer`. py-libp2p drops rather than queues in two places a burst of local
publishes hits: each peer's outbound RPC queue holds 32 RPCs (pubsub/rpc_queue.py,
OutBoundQueueSize) and the spam check rejects a peer's (also our own) messages past
`max_messages_per_topic_per_second` within one second (pubsub/gossipsub.py,
_check_spam_protection). Pacing below both keeps a burst of edits from being lost
locally. Used from the host's trio task.
"""

from __future__ import annotations


class PublishPacer:
    """Allows `burst` messages at once, then `rate` per second."""

    def __init__(self, *, rate: float, burst: int, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("A publish pacer needs a positive rate and a burst of at least 1.")
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._updated = now

    def delay_for_next(self, now: float) -> float:
        """Seconds to wait before the next publish; takes its token (it may go negative)."""
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        self._updated = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate
