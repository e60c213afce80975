"""What only the in-memory network has: seeded gossip loss and delay, and hub-wide discovery."""

from __future__ import annotations

import random

import pytest
import trio

from p2p.config import HostConfig
from p2p.errors import AddressInvalid, DialFailed
from p2p.events import PeerEventKind
from p2p.identity import PeerId
from p2p.memory import MemoryHub
from tests.p2p.conftest import DEADLINE, device_seed, loopback_config, next_event

TOPIC = "space-1"


async def deliveries(hub: MemoryHub, count: int) -> list[bytes]:
    """Publish `count` messages from a to b on `hub`; return what b received, in order."""
    received: list[bytes] = []
    async with hub.open_host(device_seed("a"), loopback_config()) as a, hub.open_host(
        device_seed("b"), loopback_config()
    ) as b:
        done = trio.Event()

        async def on_message(origin: PeerId, data: bytes) -> None:
            if data == b"done":
                done.set()
            else:
                received.append(data)

        await b.subscribe(TOPIC, on_message)
        await a.connect(b.listen_addrs()[0])
        for number in range(count):
            await a.publish(TOPIC, b"op %d" % number)
        # A marker behind the test messages in b's queue, never dropped: when it has been
        # handled, so has every message that survived.
        drop_rate, hub.gossip_drop_rate = hub.gossip_drop_rate, 0.0
        await a.publish(TOPIC, b"done")
        hub.gossip_drop_rate = drop_rate
        with trio.fail_after(DEADLINE):
            await done.wait()
    return received


async def test_gossip_loss_is_decided_by_the_seed_alone():
    first = await deliveries(MemoryHub(rng=random.Random(42), gossip_drop_rate=0.5), 60)
    again = await deliveries(MemoryHub(rng=random.Random(42), gossip_drop_rate=0.5), 60)
    other = await deliveries(MemoryHub(rng=random.Random(43), gossip_drop_rate=0.5), 60)
    assert first == again
    assert first != other
    assert 10 < len(first) < 50


async def test_no_loss_without_a_drop_rate():
    assert await deliveries(MemoryHub(rng=random.Random(1)), 50) == [
        b"op %d" % n for n in range(50)
    ]


async def test_delayed_gossip_arrives_and_is_relayed_through_a_middle_peer():
    hub = MemoryHub(rng=random.Random(5), gossip_delay=(0.01, 0.05))
    config = loopback_config()
    async with hub.open_host(device_seed("a"), config) as a, hub.open_host(
        device_seed("b"), config
    ) as b, hub.open_host(device_seed("c"), config) as c:
        # a - b - c in a line: c hears a only through b's relay.
        await a.connect(b.listen_addrs()[0])
        await b.connect(c.listen_addrs()[0])
        heard: list[tuple[PeerId, bytes]] = []
        arrived = trio.Event()

        async def on_message(origin: PeerId, data: bytes) -> None:
            heard.append((origin, data))
            arrived.set()

        async def ignore(origin: PeerId, data: bytes) -> None:
            pass

        await b.subscribe(TOPIC, ignore)
        await c.subscribe(TOPIC, on_message)
        await a.publish(TOPIC, b"hint")
        with trio.fail_after(DEADLINE):
            await arrived.wait()
        assert heard == [(a.peer_id, b"hint")]
        assert a.peer_id not in c.connected_peers()


async def test_mdns_hosts_on_a_hub_discover_and_dial_each_other():
    hub = MemoryHub()
    config = HostConfig(mdns=True)
    async with hub.open_host(device_seed("a"), config) as a:
        events = a.peer_events()
        async with hub.open_host(device_seed("b"), config) as b:
            with trio.fail_after(DEADLINE):
                discovered = await next_event(events, PeerEventKind.DISCOVERED, b.peer_id)
                await next_event(events, PeerEventKind.CONNECTED, b.peer_id)
            assert discovered.addrs == b.listen_addrs()


async def test_addresses_are_checked():
    hub = MemoryHub()
    async with hub.open_host(device_seed("a"), loopback_config()) as a:
        with pytest.raises(AddressInvalid):
            await a.connect("/ip4/127.0.0.1/tcp/1")
        with pytest.raises(DialFailed):
            await a.connect(a.listen_addrs()[0])
        with pytest.raises(ValueError, match="already has a host"):
            async with hub.open_host(device_seed("a")):
                pass
