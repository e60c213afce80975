"""The one interface both networks implement: real libp2p (`p2p.host`) and in-memory (`p2p.memory`).

Owns: `PeerHost` (what the app's sync service talks to) and `Network` (what the
composition root injects to create hosts). Types only; the hosts run on trio.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

import trio

from p2p.config import HostConfig
from p2p.delivery import GossipHandler, GossipValidator, GossipVerdict
from p2p.events import PeerEvent
from p2p.framing import FramedStream
from p2p.identity import PeerId
from p2p.inbound import StreamHandler

__all__ = ["GossipHandler", "GossipValidator", "GossipVerdict", "Network", "PeerHost", "StreamHandler"]


@runtime_checkable
class PeerHost(Protocol):
    """A running host: one device's presence on the network. Used from one trio run."""

    @property
    def peer_id(self) -> PeerId: ...

    def listen_addrs(self) -> tuple[str, ...]:
        """Addresses other peers can dial, each ending with /p2p/<our peer id>."""
        ...

    # Streams

    def set_stream_handler(self, protocol_id: str, handler: StreamHandler) -> None: ...

    def remove_stream_handler(self, protocol_id: str) -> None: ...

    async def open_stream(self, peer_id: PeerId, protocol_id: str) -> FramedStream: ...

    async def request(
        self, peer_id: PeerId, protocol_id: str, payload: bytes, *, timeout: float = 30.0
    ) -> bytes:
        """One frame out, one frame back (see `p2p.inbound.serve_requests`)."""
        ...

    # Gossip (a hint: it may lose messages)

    async def subscribe(
        self, topic: str, handler: GossipHandler, *, validator: GossipValidator | None = None
    ) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...

    async def publish(self, topic: str, data: bytes) -> None: ...

    # Peers

    async def connect(self, address: str) -> PeerId:
        """Dial an address ending with /p2p/<peer id>; returns that peer id."""
        ...

    async def disconnect(self, peer_id: PeerId) -> None: ...

    def connected_peers(self) -> frozenset[PeerId]: ...

    def peer_events(self) -> trio.MemoryReceiveChannel[PeerEvent]:
        """A new channel receiving every later peer event; it ends when the host closes."""
        ...

    def penalise(self, peer_id: PeerId, reason: str, *, points: float = 1.0) -> None:
        """Count misbehaviour; enough of it bans the peer (see `ConductPolicy`)."""
        ...

    async def ban(self, peer_id: PeerId, reason: str, *, duration: float | None = None) -> None:
        """Disconnect the peer and refuse it for `duration` seconds (policy default if None)."""
        ...

    def unban(self, peer_id: PeerId) -> None: ...

    def is_banned(self, peer_id: PeerId) -> bool: ...

    def misbehaviour(self, peer_id: PeerId) -> float:
        """Current (decaying) penalty points of a peer."""
        ...


class Network(Protocol):
    """Creates hosts: `Libp2pNetwork` for real peers, `MemoryHub` for tests and demos."""

    def open_host(
        self, device_seed: bytes, config: HostConfig | None = None
    ) -> AbstractAsyncContextManager[PeerHost]:
        """Start a host for the device whose 32-byte Ed25519 seed is given."""
        ...
