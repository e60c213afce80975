"""The gossip mesh of six peers settles and leaves nobody out (p2p/upstream/gossip_mesh.py).

Real py-libp2p hosts on 127.0.0.1. py-libp2p 0.8.1 grafted two more peers at every
heartbeat (opportunistic grafting, with every score 0) and pruned without backing off,
so meshes never settled and the GRAFT/PRUNE churn left peers backed off from one
another for a minute at a time, at worst one peer from all five others.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from contextlib import AsyncExitStack

import trio
from libp2p.pubsub.gossipsub import GossipSub

from p2p.config import GossipSettings
from p2p.host import Libp2pHost, Libp2pNetwork
from p2p.identity import PeerId
from tests.p2p.conftest import DEADLINE, device_seed, loopback_config

TOPIC = "space-1"
PEERS = 6
STEADY_HEARTBEATS = 3


def meshes(hosts: list[Libp2pHost]) -> list[frozenset[object]]:
    return [frozenset(host.gossip._router.mesh.get(TOPIC, ())) for host in hosts]


async def test_six_peers_mesh_settles_within_its_bounds_and_reaches_everyone() -> None:
    settings = GossipSettings()
    heard: dict[PeerId, set[PeerId]] = {}
    changed = trio.Event()

    def hearing(me: PeerId):  # type: ignore[no-untyped-def]
        async def on_message(origin: PeerId, data: bytes) -> None:
            nonlocal changed
            heard[me].add(origin)
            changed.set()
            changed = trio.Event()

        return on_message

    network = Libp2pNetwork()
    async with AsyncExitStack() as stack:
        hosts = [
            await stack.enter_async_context(network.open_host(device_seed(f"p{i}"), loopback_config()))
            for i in range(PEERS)
        ]
        for host in hosts:
            heard[host.peer_id] = set()
            await host.subscribe(TOPIC, hearing(host.peer_id))
        for i, host in enumerate(hosts):
            for other in hosts[i + 1 :]:
                await host.connect(other.listen_addrs()[0])

        # The meshes stop changing: the same for STEADY_HEARTBEATS heartbeats in a row.
        with trio.fail_after(3 * DEADLINE):
            steady, last = 0, meshes(hosts)
            while steady < STEADY_HEARTBEATS or not all(last):
                await trio.sleep(settings.heartbeat_interval)  # a heartbeat's time, to compare
                now = meshes(hosts)
                steady = steady + 1 if now == last else 0
                last = now
        assert all(settings.mesh_degree_low <= len(mesh) <= settings.mesh_degree_high for mesh in last)

        # And everyone's gossip reaches everyone.
        everyone = {host.peer_id for host in hosts}
        with trio.fail_after(DEADLINE):
            while any(heard[me] != everyone - {me} for me in everyone):
                for host in hosts:
                    await host.publish(TOPIC, b"hello")
                with trio.move_on_after(0.2):
                    await changed.wait()


async def test_a_peer_pruned_by_everyone_still_gets_and_gives_gossip() -> None:
    """The end state of the churn: each other peer pruned `left` from its mesh (as its
    heartbeat does: out of the mesh, backed off, PRUNE sent), so `left` is backed off
    from all of them and has no mesh. Its gossip still flows both ways, by IHAVE/IWANT."""
    heard: dict[PeerId, set[PeerId]] = {}
    changed = trio.Event()

    def hearing(me: PeerId):  # type: ignore[no-untyped-def]
        async def on_message(origin: PeerId, data: bytes) -> None:
            nonlocal changed
            heard[me].add(origin)
            changed.set()
            changed = trio.Event()

        return on_message

    network = Libp2pNetwork()
    async with AsyncExitStack() as stack:
        hosts = [
            await stack.enter_async_context(network.open_host(device_seed(f"q{i}"), loopback_config()))
            for i in range(3)
        ]
        left, *others = hosts
        for host in hosts:
            heard[host.peer_id] = set()
            await host.subscribe(TOPIC, hearing(host.peer_id))
        for i, host in enumerate(hosts):
            for other in hosts[i + 1 :]:
                await host.connect(other.listen_addrs()[0])
        left_id = left.gossip._pubsub.my_id
        with trio.fail_after(DEADLINE):
            while not all(left_id in other.gossip._router.mesh.get(TOPIC, ()) for other in others):
                await trio.sleep(0.05)  # polling the mesh: it has no event of its own
        for other in others:
            router = other.gossip._router
            router.mesh[TOPIC].discard(left_id)
            router._add_back_off(left_id, TOPIC, False)
            await router.emit_prune(TOPIC, left_id, False, False)
        with trio.fail_after(DEADLINE):
            while left.gossip._router.mesh.get(TOPIC):
                await trio.sleep(0.05)

        with trio.fail_after(DEADLINE):
            while not (heard[left.peer_id] >= {o.peer_id for o in others} and all(
                left.peer_id in heard[o.peer_id] for o in others
            )):
                for host in hosts:
                    await host.publish(TOPIC, b"hello")
                with trio.move_on_after(0.2):
                    await changed.wait()


def test_py_libp2p_still_grafts_opportunistically_and_prunes_without_backoff() -> None:
    """Canary for p2p/upstream/gossip_mesh.py: it overrides `GossipSub._perform_opportunistic_grafting`
    and wraps `GossipSub.mesh_heartbeat`. When py-libp2p changes, re-check that module (and
    drop what py-libp2p now does itself: backing off a peer it prunes, grafting
    opportunistically only on scores)."""
    assert importlib.metadata.version("libp2p") == "0.8.1", "re-check p2p/upstream/gossip_mesh.py"
    heartbeat = inspect.getsource(GossipSub.mesh_heartbeat)
    assert "_perform_opportunistic_grafting" in heartbeat
    assert "_add_back_off" not in heartbeat  # the pruning side does not back off
    assert "peers_to_prune[peer].append(topic)" in heartbeat
    assert "_add_back_off" in inspect.getsource(GossipSub._add_back_off)
