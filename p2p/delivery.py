"""Delivery of gossip messages to one topic's handler, off the network's own tasks.

Owns: `TopicDelivery`, a bounded queue plus the task that feeds the caller's handler,
so a slow handler costs dropped hints rather than a stalled network. The queue is filled
from the host's trio task; the pump runs as a task in the host's nursery.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeAlias

import trio

from p2p.identity import PeerId

logger = logging.getLogger(__name__)

GossipHandler: TypeAlias = Callable[[PeerId, bytes], Awaitable[None]]
"""Called with the peer that published the message (not the relay) and its bytes."""



class GossipVerdict(Enum):
    """A validator's verdict on one message (gossipsub v1.1's accept / ignore / reject)."""

    ACCEPT = "accept"  # deliver it and relay it
    IGNORE = "ignore"  # drop it quietly: an honest peer may have sent it
    REJECT = "reject"  # drop it and penalise its publisher and the peer that relayed it


GossipValidator: TypeAlias = Callable[[PeerId, bytes], GossipVerdict]
"""Cheap check of (publisher, bytes) run before delivery and relay; on the host's task."""


class TopicDelivery:
    def __init__(
        self,
        topic: str,
        handler: GossipHandler,
        validator: GossipValidator | None,
        *,
        max_message_size: int,
        queue_size: int,
    ) -> None:
        self.topic = topic
        self._handler = handler
        self._validator = validator
        self._max_message_size = max_message_size
        self._send, self._receive = trio.open_memory_channel[tuple[PeerId, bytes]](queue_size)
        self.dropped = 0

    def judge(self, origin: PeerId, data: bytes) -> GossipVerdict:
        """The early check: size limit, then the caller's validator (an exception drops
        the message without blaming anyone: it is our bug)."""
        if len(data) > self._max_message_size:
            return GossipVerdict.REJECT
        if self._validator is None:
            return GossipVerdict.ACCEPT
        try:
            return self._validator(origin, data)
        except Exception:
            logger.exception("Gossip validator for %s raised; dropping the message", self.topic)
            return GossipVerdict.IGNORE

    def offer(self, origin: PeerId, data: bytes) -> None:
        try:
            self._send.send_nowait((origin, data))
        except trio.WouldBlock:
            self.dropped += 1
            logger.info("Gossip on %s dropped: its handler is behind", self.topic)
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            pass  # unsubscribed meanwhile

    async def run(self) -> None:
        """Feed the handler until `close`; a failing handler is logged, never fatal."""
        async with self._receive:
            async for origin, data in self._receive:
                try:
                    await self._handler(origin, data)
                except Exception:
                    logger.exception("Gossip handler for %s failed", self.topic)

    def close(self) -> None:
        self._send.close()
