"""Gossip a device receives, taken onto the database worker in batches.

Owns: `GossipInbox` — the host's topic handlers only queue each message (space, the
peer that published it, its bytes); one task takes whatever has queued, up to
`batch_size`, to the database worker in a single trip (`take_batch`), and hands each
message's outcome back to the sync service in arrival order. One trip per message was
the limit on a busy peer: every trip waits for the worker thread and the GIL (measured
at 10 peers × 20 ops/s: a message's trip averaged ≈ 100–200 ms, so the handler fell
further behind with every op; docs/benchmarks.md, Propagation). Also the pure parts:
`take_gossip` (open under the current key, check the publisher is a current member,
decode, ingest one message) and `HeardDigest`.

Runs as one trio task in the sync service's nursery; `take_batch` on the database worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import trio

from app.database import Database
from p2p.delivery import GossipHandler
from p2p.errors import P2PError
from p2p.identity import PeerId, public_key_of
from sync import access
from sync.errors import Rejected
from sync.ids import DeviceId, SpaceId
from sync.replica import IngestResult, Replica
from sync.wire.gossip import Digest, decode_gossip

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HeardDigest:
    """A peer's digest of a space, and ours when it was read."""

    theirs: Digest
    ours: Digest

    @property
    def same(self) -> bool:
        return self.theirs.frontier_hash == self.ours.frontier_hash


Outcome: TypeAlias = str | HeardDigest | IngestResult | None
"""None (not for our keys), a penalty reason, a digest beside ours, or an ingest result."""

OutcomeHandler: TypeAlias = Callable[[PeerId, SpaceId, Outcome], None]


class GossipInbox:
    def __init__(
        self,
        database: Database,
        on_outcome: OutcomeHandler,
        *,
        queue_size: int = 1024,
        batch_size: int = 64,
    ) -> None:
        self._database = database
        self._on_outcome = on_outcome
        self._batch_size = batch_size
        self._send, self._receive = trio.open_memory_channel[tuple[SpaceId, PeerId, bytes]](queue_size)
        self.dropped = 0

    def handler(self, space: SpaceId) -> GossipHandler:
        """The topic handler for `space`: queue and return at once."""

        async def handle(origin: PeerId, data: bytes) -> None:
            try:
                self._send.send_nowait((space, origin, data))
            except trio.WouldBlock:
                self.dropped += 1  # gossip is a hint: reconciliation brings what this loses
                logger.info("Gossip dropped: too many messages wait for the database (sync repairs it)")

        return handle

    async def run(self) -> None:
        """Take queued messages in batches until cancelled."""
        async for first in self._receive:
            batch = [first]
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._receive.receive_nowait())
                except trio.WouldBlock:
                    break
            messages = [(space, device_of(origin), data) for space, origin, data in batch]
            outcomes = await self._database.run(take_batch, self._database.replica, messages)
            for (space, origin, _), outcome in zip(batch, outcomes, strict=True):
                self._on_outcome(origin, space, outcome)


def device_of(peer: PeerId) -> DeviceId | None:
    """The device key behind a peer id (they are the same Ed25519 key); None if it is not one."""
    try:
        return DeviceId(public_key_of(peer))
    except P2PError:
        return None


def take_batch(replica: Replica, messages: list[tuple[SpaceId, DeviceId | None, bytes]]) -> list[Outcome]:
    """Each message's outcome, in order; one message's failure is its own."""
    outcomes: list[Outcome] = []
    for space, publisher, data in messages:
        try:
            outcomes.append(take_gossip(replica, space, publisher, data))
        except Exception:  # a bug on one message must not lose the rest of the batch
            logger.exception("Taking a gossip message failed")
            outcomes.append(None)
    return outcomes


def take_gossip(replica: Replica, space: SpaceId, publisher: DeviceId | None, data: bytes) -> Outcome:
    """Open, decode and ingest one gossip message published by `publisher`'s device.

    Only gossip sealed under the current epoch key by a current member is taken. The
    topic's validator already dropped (and charged) the rest before it was relayed;
    this checks again against the database, which may have moved on since."""
    if publisher is None or not access.is_member(replica, space, publisher):
        return None  # not (or no longer, or not yet known as) a member
    payload = access.unseal(replica, space, data)
    if payload is None:
        return None  # a stranger's, a removed device's, or sealed before a rotation we know of
    try:
        message = decode_gossip(payload)
    except Rejected as error:
        return f"malformed gossip: {error}"
    if message.space != space:
        return "gossip for another space"
    if isinstance(message, Digest):
        return HeardDigest(message, access.digest_of(replica, space))
    return replica.ingest(space, list(message.envelopes))
