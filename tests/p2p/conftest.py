"""Fixtures for p2p tests: both networks behind one interface, loopback addresses only."""

from __future__ import annotations

import hashlib
import random
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace

import pytest
import trio

from p2p.config import HostConfig, StreamLimits
from p2p.events import PeerEvent, PeerEventKind
from p2p.host import Libp2pNetwork
from p2p.identity import PeerId
from p2p.interface import Network, PeerHost
from p2p.memory import MemoryHub

LOOPBACK = ("/ip4/127.0.0.1/tcp/0",)
# Generous for a loaded 2-core CI box; a passing test waits far less.
DEADLINE = 15.0


def device_seed(name: str) -> bytes:
    return hashlib.sha256(f"test device {name}".encode()).digest()


def unused_port() -> int:
    """A loopback TCP port nobody listens on (a peer's address gone stale)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_config(**streams: object) -> HostConfig:
    """Loopback only, no mDNS; keyword arguments override `StreamLimits` fields."""
    return HostConfig(
        listen_addrs=LOOPBACK,
        mdns=False,
        streams=replace(StreamLimits(), **streams),  # type: ignore[arg-type]
    )


@pytest.fixture(params=["libp2p", "memory"])
def network(request: pytest.FixtureRequest) -> Network:
    if request.param == "libp2p":
        return Libp2pNetwork()
    return MemoryHub(rng=random.Random(7))


OpenHost = Callable[..., AbstractAsyncContextManager[PeerHost]]


@pytest.fixture
def open_host(network: Network) -> OpenHost:
    def opener(name: str, config: HostConfig | None = None) -> AbstractAsyncContextManager[PeerHost]:
        return network.open_host(device_seed(name), config or loopback_config())

    return opener


@asynccontextmanager
async def connected_pair(
    open_host: OpenHost, config_a: HostConfig | None = None, config_b: HostConfig | None = None
) -> AsyncIterator[tuple[PeerHost, PeerHost]]:
    """Hosts "a" and "b", with a connected to b and both sides' CONNECTED seen."""
    async with open_host("a", config_a) as a, open_host("b", config_b) as b:
        events_a, events_b = a.peer_events(), b.peer_events()
        assert await a.connect(b.listen_addrs()[0]) == b.peer_id
        with trio.fail_after(DEADLINE):
            await next_event(events_a, PeerEventKind.CONNECTED, b.peer_id)
            await next_event(events_b, PeerEventKind.CONNECTED, a.peer_id)
        yield a, b


async def next_event(
    events: trio.MemoryReceiveChannel[PeerEvent], kind: PeerEventKind, peer_id: PeerId
) -> PeerEvent:
    """The next event of this kind about this peer (others are skipped)."""
    async for event in events:
        if event.kind is kind and event.peer_id == peer_id:
            return event
    raise AssertionError(f"the host closed before {kind} for {peer_id}")
