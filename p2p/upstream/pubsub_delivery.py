"""Delivery and sending in py-libp2p's pubsub: our queues, read-ahead, merged writes.

Owns: `DeliveringPubsub`, the `Pubsub` that `p2p.gossip` runs. Patches of py-libp2p
0.8.1 (docs/upstream.md, "Pubsub delivery"; canary in tests/p2p/test_upstream_patches.py):
- `notify_subscriptions` hands each validated message to our bounded per-topic queues
  instead of py-libp2p's 32-slot subscription channels, which drop the rest;
- `continuously_read_stream` reads each inbound pubsub stream through `ReadAhead`;
- `handle_sending_messages` is a copy of py-libp2p's per-peer sending loop that merges
  queued RPCs into one write and follows the peer's current stream.
Runs on the host's trio run (pubsub's own tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from libp2p.abc import IHost, INetStream
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.rpc_queue import RpcQueue

from p2p.libp2p_streams import ReadAhead
from p2p.upstream.gossip_mesh import SteadyMeshGossipSub
from p2p.upstream.pubsub_streams import StreamFollowingPubsub

# Queued RPCs to one peer are merged into one write up to this size (peers accept 1 MiB).
_MERGED_RPC_SIZE = 256 * 1024
NURSERY_CLOSED = "Nursery is closed to new arrivals"  # trio's message, stable since 0.x

logger = logging.getLogger(__name__)


class DeliveringPubsub(StreamFollowingPubsub):
    """Pubsub that hands validated messages to our per-topic queues.

    `notify_subscriptions` is the one place py-libp2p delivers to subscribers; its own
    channels hold 32 messages and drop the rest, which a burst of 100 ops overflows
    before the reading task is even scheduled.
    """

    def __init__(
        self,
        host: IHost,
        router: SteadyMeshGossipSub,
        deliver: Callable[[rpc_pb2.Message], None],
        *,
        seen_ttl: int,
        strict_signing: bool,
        max_inbound_rpc_size: int,
    ) -> None:
        super().__init__(
            host,
            router,
            seen_ttl=seen_ttl,
            strict_signing=strict_signing,
            max_inbound_rpc_size=max_inbound_rpc_size,
        )
        self._deliver = deliver

    def notify_subscriptions(self, publish_message: rpc_pb2.Message) -> None:
        self._deliver(publish_message)

    async def continuously_read_stream(self, stream: INetStream) -> None:
        try:
            await super().continuously_read_stream(ReadAhead(stream))  # type: ignore[arg-type]
        except RuntimeError as error:
            # A message read as the host shuts down: pubsub's manager no longer takes tasks
            # for it (`run_task` → "Nursery is closed to new arrivals"). py-libp2p lets that
            # escape through the swarm and fail the host's exit; the stream is going anyway.
            if str(error) != NURSERY_CLOSED:
                raise
            logger.debug("pubsub stream from %s ended by the shutdown", stream.muxed_conn.peer_id)

    async def handle_sending_messages(self, peer_id: ID, stream: INetStream, queue: RpcQueue) -> None:
        """py-libp2p's per-peer sending loop, writing what has queued as one RPC.

        py-libp2p writes one RPC per message; each write is a yamux frame, a Noise
        message and several trio checkpoints, ≈ 100 ms of waiting apiece on a busy
        peer (10 peers × 20 ops/s: a message waited 3.5 s in its sender's queue). An
        RPC's fields are all repeated (messages, subscriptions, control), so RPCs merge.
        Each write goes to the peer's current stream, which moves with its connections
        (`p2p.upstream.pubsub_streams`); an RPC whose write failed is sent again on the next one.
        """
        carried: rpc_pb2.RPC | None = None
        current: INetStream | None = stream
        try:
            while True:
                rpc = carried if carried is not None else await queue.pop()
                carried = None
                if rpc is None:
                    return  # the queue was closed: the peer is gone
                size = rpc.ByteSize()
                while len(queue) and size < _MERGED_RPC_SIZE:
                    waiting = await queue.pop()  # returns at once: something is queued
                    if waiting is None:
                        break
                    if size + waiting.ByteSize() > _MERGED_RPC_SIZE:
                        carried = waiting
                        break
                    rpc = _merged(rpc, waiting)
                    size = rpc.ByteSize()
                current = self.peers.get(peer_id)
                if current is None:
                    return  # the peer is gone
                while not await self.write_msg(current, rpc):
                    current = await self.stream_after(peer_id, current)
                    if current is None:
                        return
        except Exception:
            logger.debug("Gossip sending to %s stopped", peer_id, exc_info=True)
            self._handle_dead_peer(peer_id)


def _merged(first: rpc_pb2.RPC, second: rpc_pb2.RPC) -> rpc_pb2.RPC:
    """A new RPC carrying both (queued RPCs may be shared with other peers' queues)."""
    merged = rpc_pb2.RPC()
    merged.CopyFrom(first)
    merged.MergeFrom(second)
    return merged
