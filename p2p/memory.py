"""An in-memory network with the same interface as the libp2p one, for tests and demos.

Owns: `MemoryHub` (the shared medium: which hosts exist, who is connected to whom, and
the seeded fate of every gossip hop) and `MemoryHost` (a `PeerHost` on it). Addresses
look like ``/memory/3/p2p/<peer id>``. Every host runs on the trio run that opened it;
each has a nursery for inbound stream handlers, gossip delivery and delayed hops.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import trio

from p2p.config import HostConfig
from p2p.delivery import GossipHandler, GossipValidator, GossipVerdict, TopicDelivery
from p2p.errors import (
    AddressInvalid,
    DialFailed,
    MessageTooLarge,
    P2PError,
    PeerBanned,
    StreamOpenFailed,
    describe_size,
)
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.hostcore import HostCore, surface_single_error
from p2p.identity import PeerId, parse_peer_id, peer_id_from_seed, short
from p2p.memory_pipes import PipeEnd, PipeSet

_ADDRESS = re.compile(r"^/memory/(\d+)/p2p/([1-9A-HJ-NP-Za-km-z]+)$")
_SEEN_CACHE_SIZE = 8192


@dataclass(frozen=True, slots=True)
class _GossipMessage:
    origin: PeerId
    seqno: int
    topic: str
    data: bytes

    @property
    def key(self) -> str:
        return f"{self.origin}/{self.seqno}"


class MemoryHub:
    """The medium in-memory hosts share. Knobs may be changed while hosts run.

    Each gossip hop (message, sender, receiver) is dropped or delayed by a draw from a
    generator seeded with the hub's seed and the hop itself, so a run's losses do not
    depend on task scheduling, only on the `rng` passed in and the messages sent.
    """

    def __init__(
        self,
        *,
        rng: random.Random | None = None,
        gossip_drop_rate: float = 0.0,
        gossip_delay: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self._seed = (rng or random.Random(0)).getrandbits(64)
        self.gossip_drop_rate = gossip_drop_rate
        self.gossip_delay = gossip_delay
        self._hosts: dict[PeerId, MemoryHost] = {}
        self._next_number = 1

    @asynccontextmanager
    async def open_host(
        self, device_seed: bytes, config: HostConfig | None = None
    ) -> AsyncIterator[MemoryHost]:
        config = config or HostConfig()
        peer_id = peer_id_from_seed(device_seed)
        if peer_id in self._hosts:
            raise ValueError(f"Device {short(peer_id)} already has a host on this hub.")
        address = f"/memory/{self._next_number}/p2p/{peer_id}"
        self._next_number += 1
        async with surface_single_error(), trio.open_nursery() as nursery:
            host = MemoryHost(hub=self, address=address, config=config, nursery=nursery)
            self._hosts[peer_id] = host
            if config.mdns:
                self._announce(host)
            try:
                yield host
            finally:
                for remote_id in list(host.connected_peers()):
                    self.unlink(host, self._hosts[remote_id])
                del self._hosts[peer_id]
                host.mark_closed()
                nursery.cancel_scope.cancel()

    def host_at(self, address: str) -> MemoryHost | None:
        peer_id = parse_memory_address(address)
        host = self._hosts.get(peer_id)
        return host if host is not None and host.address == address else None

    def host_of(self, peer_id: PeerId) -> MemoryHost | None:
        return self._hosts.get(peer_id)

    def link(self, a: MemoryHost, b: MemoryHost) -> None:
        pipes = PipeSet()
        a.attach(b, pipes)
        b.attach(a, pipes)

    def unlink(self, a: MemoryHost, b: MemoryHost) -> None:
        pipes = a.detach(b.peer_id)
        b.detach(a.peer_id)
        if pipes is not None:
            pipes.sever()

    def gossip_fate(self, message_key: str, sender: PeerId, receiver: PeerId) -> float | None:
        """Seconds before this hop delivers, or None when it drops the message."""
        draw = random.Random(f"{self._seed}|{message_key}|{sender}|{receiver}")
        if draw.random() < self.gossip_drop_rate:
            return None
        low, high = self.gossip_delay
        return draw.uniform(low, high) if high > 0 else 0.0

    def _announce(self, newcomer: MemoryHost) -> None:
        # The hub-wide stand-in for mDNS: mdns hosts discover each other.
        for other in list(self._hosts.values()):
            if other is newcomer or not other.config.mdns:
                continue
            newcomer.discovered(other)
            other.discovered(newcomer)
            if newcomer.config.dial_discovered:
                newcomer.dial_soon(other.address)
            elif other.config.dial_discovered:
                other.dial_soon(newcomer.address)


def parse_memory_address(address: str) -> PeerId:
    match = _ADDRESS.match(address)
    if match is None:
        raise AddressInvalid(
            f"{address!r} is not an in-memory address (/memory/<n>/p2p/<peer id>)."
        )
    return parse_peer_id(match.group(2))


class MemoryHost(HostCore):
    """A `p2p.interface.PeerHost` on a `MemoryHub`."""

    def __init__(
        self, *, hub: MemoryHub, address: str, config: HostConfig, nursery: trio.Nursery
    ) -> None:
        super().__init__(peer_id=parse_memory_address(address), config=config, nursery=nursery)
        self._hub = hub
        self.address = address
        self._links: dict[PeerId, PipeSet] = {}
        self._known: set[PeerId] = set()
        self._topics: dict[str, TopicDelivery] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seqno = 0

    def listen_addrs(self) -> tuple[str, ...]:
        return (self.address,)

    def connected_peers(self) -> frozenset[PeerId]:
        return frozenset(self._links)

    # Peers

    async def connect(self, address: str) -> PeerId:
        self._check_open()
        peer_id = parse_memory_address(address)
        await trio.lowlevel.checkpoint()
        if peer_id == self.peer_id:
            raise DialFailed("That address is this device's own.")
        if self.is_banned(peer_id):
            raise PeerBanned(f"Peer {short(peer_id)} is banned for misbehaving.")
        if peer_id in self._links:
            return peer_id
        remote = self._hub.host_at(address)
        if remote is None:
            raise DialFailed(f"Nobody is listening at {address}.")
        if remote.is_banned(self.peer_id):
            raise DialFailed(f"Peer {short(peer_id)} refused the connection.")
        self._hub.link(self, remote)
        return peer_id

    async def disconnect(self, peer_id: PeerId) -> None:
        remote = self._hub.host_of(peer_id)
        if remote is not None and peer_id in self._links:
            self._hub.unlink(self, remote)
        await trio.lowlevel.checkpoint()

    def attach(self, remote: MemoryHost, pipes: PipeSet) -> None:
        self._links[remote.peer_id] = pipes
        self._known.add(remote.peer_id)
        self._emit(PeerEventKind.CONNECTED, remote.peer_id)

    def detach(self, peer_id: PeerId) -> PipeSet | None:
        pipes = self._links.pop(peer_id, None)
        if pipes is not None:
            self._emit(PeerEventKind.DISCONNECTED, peer_id)
        return pipes

    def discovered(self, remote: MemoryHost) -> None:
        self._known.add(remote.peer_id)
        self._emit(PeerEventKind.DISCOVERED, remote.peer_id, addrs=(remote.address,))

    def dial_soon(self, address: str) -> None:
        self._nursery.start_soon(self._dial_quietly, address)

    async def _dial_quietly(self, address: str) -> None:
        # Discovery is best effort; the app retries the peers it remembers.
        with contextlib.suppress(P2PError):
            await self.connect(address)

    def mark_closed(self) -> None:
        self._closed = True
        for delivery in self._topics.values():
            delivery.close()
        self._events.close()

    # Streams

    async def open_stream(self, peer_id: PeerId, protocol_id: str) -> FramedStream:
        self._check_open()
        if self.is_banned(peer_id):
            raise PeerBanned(f"Peer {short(peer_id)} is banned for misbehaving.")
        remote = self._hub.host_of(peer_id)
        if peer_id not in self._links:
            if remote is None or peer_id not in self._known:
                raise DialFailed(f"Not connected to {short(peer_id)} and no address is known.")
            await self.connect(remote.address)
        assert remote is not None
        if not remote.accepts_protocol(protocol_id):
            raise StreamOpenFailed(f"Peer {short(peer_id)} does not handle {protocol_id}.")
        local_end, remote_end = self._links[peer_id].open_pipe()
        remote.serve_soon(self.peer_id, protocol_id, remote_end)
        return self._dispatcher.wrap(local_end, peer_id, protocol_id)

    def accepts_protocol(self, protocol_id: str) -> bool:
        return self._dispatcher.handles(protocol_id)

    def serve_soon(self, peer_id: PeerId, protocol_id: str, byte_stream: PipeEnd) -> None:
        self._nursery.start_soon(self._dispatcher.serve, peer_id, protocol_id, byte_stream)

    # Gossip

    async def subscribe(
        self, topic: str, handler: GossipHandler, *, validator: GossipValidator | None = None
    ) -> None:
        self._check_open()
        await self.unsubscribe(topic)
        settings = self._config.gossip
        delivery = TopicDelivery(
            topic,
            handler,
            validator,
            max_message_size=settings.max_message_size,
            queue_size=settings.delivery_queue_size,
        )
        self._topics[topic] = delivery
        self._nursery.start_soon(delivery.run)

    async def unsubscribe(self, topic: str) -> None:
        delivery = self._topics.pop(topic, None)
        if delivery is not None:
            delivery.close()
        await trio.lowlevel.checkpoint()

    async def publish(self, topic: str, data: bytes) -> None:
        self._check_open()
        limit = self._config.gossip.max_message_size
        if len(data) > limit:
            raise MessageTooLarge(
                f"A {describe_size(len(data))} gossip message exceeds the "
                f"{describe_size(limit)} limit; send bulk data over a stream."
            )
        await trio.lowlevel.checkpoint()
        own = self._topics.get(topic)
        if own is not None and own.judge(self.peer_id, data) is not GossipVerdict.ACCEPT:
            return  # as libp2p does: our own validator drops our own bad message
        self._seqno += 1
        message = _GossipMessage(self.peer_id, self._seqno, topic, bytes(data))
        self._remember(message.key)
        self._relay(message, came_from=None)

    def _relay(self, message: _GossipMessage, came_from: PeerId | None) -> None:
        for peer_id in sorted(self._links):
            if peer_id in (came_from, message.origin):
                continue
            remote = self._hub.host_of(peer_id)
            if remote is None or not remote.subscribed(message.topic):
                continue
            delay = self._hub.gossip_fate(message.key, self.peer_id, peer_id)
            if delay is None:
                continue
            if delay == 0:
                remote.accept_gossip(message, forwarder=self.peer_id)
            else:
                remote.accept_gossip_later(message, forwarder=self.peer_id, delay=delay)

    def subscribed(self, topic: str) -> bool:
        return topic in self._topics

    def accept_gossip_later(
        self, message: _GossipMessage, *, forwarder: PeerId, delay: float
    ) -> None:
        async def arrive() -> None:
            await trio.sleep(delay)
            self.accept_gossip(message, forwarder=forwarder)

        self._nursery.start_soon(arrive)

    def accept_gossip(self, message: _GossipMessage, *, forwarder: PeerId) -> None:
        if self._closed or forwarder not in self._links or self.is_banned(forwarder):
            return
        if message.key in self._seen:
            return
        self._remember(message.key)
        delivery = self._topics.get(message.topic)
        if delivery is None:
            return
        verdict = delivery.judge(message.origin, message.data)
        if verdict is GossipVerdict.REJECT:
            for peer_id in dict.fromkeys((message.origin, forwarder)):
                self.penalise(
                    peer_id,
                    f"sent or relayed an invalid gossip message on {message.topic}",
                    points=self._config.conduct.invalid_gossip_points,
                )
        if verdict is not GossipVerdict.ACCEPT:
            return
        delivery.offer(message.origin, message.data)
        self._relay(message, came_from=forwarder)

    def _remember(self, key: str) -> None:
        self._seen[key] = None
        if len(self._seen) > _SEEN_CACHE_SIZE:
            self._seen.popitem(last=False)
