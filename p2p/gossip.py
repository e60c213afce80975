"""Gossipsub over the libp2p host, tuned for one topic per space.

Owns: `Libp2pGossip` (subscribe, unsubscribe, publish, the validator hook) and the
settings py-libp2p needs changed: a 1 s heartbeat (default 120 s), adaptive gossip off
(it stretches the heartbeat back to 30-60 s when it judges the network unhealthy), a
per-peer-per-topic rate limit above our own publish rate (default 10 msg/s, which also
throttles our own publishes), and delivery through our own bounded queues instead of
py-libp2p's 32-slot subscription channels; inbound pubsub streams read ahead
(`ReadAhead`) and senders' peer records verified once (`p2p.upstream.peer_records`). Runs on
the host's trio run; the pubsub and router services run in it, topic handlers in the
host's nursery.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import trio
from libp2p.abc import IHost
from libp2p.peer.id import ID
from libp2p.pubsub.gossipsub import PROTOCOL_ID as GOSSIPSUB_V10
from libp2p.pubsub.gossipsub import PROTOCOL_ID_V11
from libp2p.pubsub.pb import rpc_pb2
from libp2p.tools.anyio_service import background_trio_service

from p2p.config import MIB, GossipSettings
from p2p.delivery import GossipHandler, GossipValidator, GossipVerdict, TopicDelivery
from p2p.errors import MessageTooLarge, describe_size
from p2p.identity import PeerId
from p2p.pacing import PublishPacer
from p2p.upstream.gossip_mesh import SteadyMeshGossipSub
from p2p.upstream.peer_records import verify_peer_records_once
from p2p.upstream.pubsub_delivery import DeliveringPubsub

InvalidGossipReporter = Callable[[PeerId, str], None]

# Our own publishes: at most this share of the per-peer limit every peer enforces, in
# bursts well inside py-libp2p's 32-RPC outbound queue.
_PUBLISH_SHARE_OF_LIMIT = 0.75
_PUBLISH_BURST = 16
_PEER_REGISTRATION_TIMEOUT = 30.0

logger = logging.getLogger(__name__)


class Libp2pGossip:
    def __init__(
        self,
        host: IHost,
        settings: GossipSettings,
        *,
        nursery: trio.Nursery,
        on_invalid: InvalidGossipReporter,
    ) -> None:
        self._settings = settings
        self._nursery = nursery
        self._on_invalid = on_invalid
        self._own_id = host.get_id()
        self._topics: dict[str, TopicDelivery] = {}
        verify_peer_records_once()
        self._pacer = PublishPacer(
            rate=settings.max_messages_per_second * _PUBLISH_SHARE_OF_LIMIT,
            burst=_PUBLISH_BURST,
            now=trio.current_time(),
        )
        self._router = SteadyMeshGossipSub(
            # Not v1.2: its IDONTWANT control messages (one per message to every mesh
            # peer) pay off for large messages; ours are small, and in py-libp2p each RPC
            # costs several tiny stream reads and a yamux window update apiece. With 5
            # peers at 20 ops/s, p50 went from 282 ms to 32 ms (docs/benchmarks.md).
            protocols=[PROTOCOL_ID_V11, GOSSIPSUB_V10],
            degree=settings.mesh_degree,
            degree_low=settings.mesh_degree_low,
            degree_high=settings.mesh_degree_high,
            heartbeat_initial_delay=0.1,
            heartbeat_interval=settings.heartbeat_interval,  # type: ignore[arg-type]
            adaptive_gossip_enabled=False,
            max_messages_per_topic_per_second=settings.max_messages_per_second,
        )
        self._pubsub = DeliveringPubsub(
            host,
            self._router,
            self._deliver,
            seen_ttl=settings.seen_ttl,
            strict_signing=True,
            # One RPC may batch several messages plus control data.
            max_inbound_rpc_size=max(MIB, 4 * settings.max_message_size),
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with background_trio_service(self._pubsub), background_trio_service(self._router):
            await self._pubsub.wait_until_ready()
            yield

    async def subscribe(
        self, topic: str, handler: GossipHandler, validator: GossipValidator | None
    ) -> None:
        previous = self._topics.pop(topic, None)
        if previous is not None:
            previous.close()  # a new handler replaces it; peers need not hear of it
        delivery = TopicDelivery(
            topic,
            handler,
            validator,
            max_message_size=self._settings.max_message_size,
            queue_size=self._settings.delivery_queue_size,
        )
        self._topics[topic] = delivery
        self._pubsub.set_topic_validator(
            topic, self._validator_for(delivery), is_async_validator=False
        )
        self._nursery.start_soon(delivery.run)
        if previous is None:
            await self._pubsub.subscribe(topic)

    async def unsubscribe(self, topic: str) -> None:
        delivery = self._topics.pop(topic, None)
        if delivery is None:
            return
        delivery.close()
        self._pubsub.remove_topic_validator(topic)
        await self._pubsub.unsubscribe(topic)

    async def publish(self, topic: str, data: bytes) -> None:
        limit = self._settings.max_message_size
        if len(data) > limit:
            raise MessageTooLarge(
                f"A {describe_size(len(data))} gossip message exceeds the "
                f"{describe_size(limit)} limit; send bulk data over a stream."
            )
        await trio.sleep(self._pacer.delay_for_next(trio.current_time()))
        await self._pubsub.publish(topic, data)

    async def announce_subscriptions_to(self, peer: ID) -> None:
        """Tell a newly connected peer our topics again, once its pubsub stream is up:
        py-libp2p's greeting can miss a subscription made while the peer was being
        registered (`p2p.upstream.pubsub_streams`, `queue_hello`)."""
        try:
            await self._pubsub.wait_for_peer(peer, timeout=_PEER_REGISTRATION_TIMEOUT)
        except trio.TooSlowError:
            return  # the connection went away first, or pubsub gave up on it
        if self._topics:
            self._pubsub.queue_hello(peer)

    def close(self) -> None:
        for delivery in self._topics.values():
            delivery.close()
        self._topics.clear()

    def _validator_for(self, delivery: TopicDelivery) -> Callable[[ID, rpc_pb2.Message], bool]:
        """Only accepted messages are delivered and relayed. A rejected one costs its
        publisher (signed: gossipsub strict signing) and the peer that relayed it, which
        should have refused it too."""

        def validate(forwarder: ID, message: rpc_pb2.Message) -> bool:
            origin = ID(message.from_id)
            verdict = delivery.judge(PeerId(origin.to_base58()), message.data)
            if verdict is GossipVerdict.REJECT:
                reason = f"sent or relayed an invalid gossip message on {delivery.topic}"
                for peer in dict.fromkeys((origin, forwarder)):
                    if peer != self._own_id:
                        self._on_invalid(PeerId(peer.to_base58()), reason)
            return verdict is GossipVerdict.ACCEPT

        return validate

    def _deliver(self, message: rpc_pb2.Message) -> None:
        origin = ID(message.from_id)
        if origin == self._own_id:
            return  # py-libp2p hands our own publishes back to us; the app has them already
        for topic in message.topicIDs:
            delivery = self._topics.get(topic)
            if delivery is not None:
                delivery.offer(PeerId(origin.to_base58()), message.data)
