"""mDNS discoveries arrive on zeroconf's threads; the bridge must hand them to trio safely.

Real multicast would leave the loopback interface, so these tests call the bridge from a
plain thread exactly as py-libp2p's zeroconf listener does, and let a real host dial.
"""

from __future__ import annotations

import threading

import trio

from p2p.events import PeerEventKind
from p2p.host import Libp2pNetwork
from p2p.identity import PeerId, peer_id_from_seed
from p2p.mdns import DiscoveryBridge
from tests.p2p.conftest import DEADLINE, device_seed, loopback_config, next_event


async def test_a_discovery_from_another_thread_is_reported_and_dialed():
    network = Libp2pNetwork()
    async with network.open_host(device_seed("a"), loopback_config()) as a, network.open_host(
        device_seed("b"), loopback_config()
    ) as b:
        events = b.peer_events()
        bridge = DiscoveryBridge(b.note_discovered, own_peer_id=b.peer_id)
        a_address = a.listen_addrs()[0].rsplit("/p2p/", 1)[0]  # mDNS records carry no /p2p

        def zeroconf_thread() -> None:
            bridge.from_thread(b.peer_id, [a_address])  # our own announcement: ignored
            bridge.from_thread("not a peer id", [a_address])  # malformed: ignored
            bridge.from_thread(a.peer_id, [a_address])

        thread = threading.Thread(target=zeroconf_thread)
        thread.start()
        await trio.to_thread.run_sync(thread.join)
        with trio.fail_after(DEADLINE):
            first = await events.receive()
            await next_event(events, PeerEventKind.CONNECTED, a.peer_id)
        assert (first.kind, first.peer_id, first.addrs) == (
            PeerEventKind.DISCOVERED,
            a.peer_id,
            (f"{a_address}/p2p/{a.peer_id}",),  # reported dialable: a redial needs the peer id
        )
        assert a.peer_id in b.connected_peers()


def test_a_discovery_after_the_trio_run_ended_is_dropped_quietly():
    delivered: list[PeerId] = []

    async def make_bridge() -> DiscoveryBridge:
        return DiscoveryBridge(
            lambda peer_id, addrs: delivered.append(peer_id),
            own_peer_id=peer_id_from_seed(device_seed("self")),
        )

    bridge = trio.run(make_bridge)
    bridge.from_thread(peer_id_from_seed(device_seed("late")), ["/ip4/127.0.0.1/tcp/1"])
    assert delivered == []


async def test_a_closed_bridge_delivers_nothing():
    delivered: list[PeerId] = []
    bridge = DiscoveryBridge(
        lambda peer_id, addrs: delivered.append(peer_id),
        own_peer_id=peer_id_from_seed(device_seed("self")),
    )
    bridge.close()
    other = peer_id_from_seed(device_seed("other"))
    thread = threading.Thread(target=bridge.from_thread, args=(other, []))
    thread.start()
    await trio.to_thread.run_sync(thread.join)
    # run_sync_soon callbacks run before the next scheduling round finishes.
    await trio.testing.wait_all_tasks_blocked()
    assert delivered == []
