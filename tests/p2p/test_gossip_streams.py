"""Gossip keeps flowing when a peer's connections change under it (p2p/upstream/pubsub_streams.py).

Real py-libp2p hosts on 127.0.0.1. py-libp2p 0.8.1 keeps one pubsub stream per peer id
and never moves it: a device back with a new connection while its previous one lingers
(the previous process frozen, as a laptop lid shut or a `circle join` process on its way
out) got no gossip from us and sent none, in both directions, and a connection closing
under our stream while another remained left the peer unsubscribed in our view for good.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import signal
import subprocess
import sys
from pathlib import Path

import trio
from libp2p.host.basic_host import BasicHost
from libp2p.pubsub.pubsub import Pubsub

from p2p.events import PeerEventKind
from p2p.host import Libp2pHost, Libp2pNetwork
from p2p.identity import PeerId, to_libp2p_id
from tests.p2p.conftest import DEADLINE, device_seed, loopback_config

ROOT = Path(__file__).resolve().parents[2]
TOPIC = "space-1"

# A device's previous process: it subscribes, connects to the owner, hears the owner's
# gossip, says so, and freezes with its connection open (SIGSTOP: the kernel keeps
# acknowledging, nobody reads).
FROZEN_DEVICE = """
import os, signal, sys, trio
from p2p.host import Libp2pNetwork
from tests.p2p.conftest import device_seed, loopback_config

async def main(owner_address, topic, name):
    heard = trio.Event()
    async def on_message(origin, data):
        heard.set()
    async with Libp2pNetwork().open_host(device_seed(name), loopback_config()) as host:
        await host.subscribe(topic, on_message)
        await host.connect(owner_address)
        with trio.fail_after(30):
            await heard.wait()
        print("heard the owner", flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)

trio.run(main, *sys.argv[1:4])
"""


class Hearing:
    """Who a host has heard gossip from."""

    def __init__(self) -> None:
        self.origins: set[PeerId] = set()
        self.changed = trio.Event()

    async def on_message(self, origin: PeerId, data: bytes) -> None:
        self.origins.add(origin)
        self.changed.set()
        self.changed = trio.Event()


async def until_heard(sender: Libp2pHost, hearing: Hearing) -> None:
    """The sender publishes every 0.1 s until the other side has heard it (gossip is lossy
    until the sender knows the other's subscription)."""
    while sender.peer_id not in hearing.origins:
        await sender.publish(TOPIC, b"hello")
        with trio.move_on_after(0.1):
            await hearing.changed.wait()


async def until_both_hear_each_other(
    a: Libp2pHost, heard_by_a: Hearing, b: Libp2pHost, heard_by_b: Hearing
) -> None:
    async with trio.open_nursery() as nursery:
        nursery.start_soon(until_heard, a, heard_by_b)
        nursery.start_soon(until_heard, b, heard_by_a)


async def test_a_device_back_while_its_previous_connection_lingers_gets_gossip_both_ways() -> None:
    network = Libp2pNetwork()
    heard_by_owner, heard_by_device = Hearing(), Hearing()
    async with network.open_host(device_seed("owner"), loopback_config()) as owner:
        events = owner.peer_events()
        await owner.subscribe(TOPIC, heard_by_owner.on_message)
        previous = await trio.lowlevel.open_process(
            [sys.executable, "-c", FROZEN_DEVICE, owner.listen_addrs()[0], TOPIC, "device"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        try:
            with trio.fail_after(4 * DEADLINE):  # a process start, imports included
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(_keep_publishing, owner)
                    assert previous.stdout is not None
                    assert b"heard the owner" in await previous.stdout.receive_some()
                    nursery.cancel_scope.cancel()
            async with network.open_host(device_seed("device"), loopback_config()) as device:
                await device.subscribe(TOPIC, heard_by_device.on_message)
                await device.connect(owner.listen_addrs()[0])
                with trio.fail_after(DEADLINE):
                    await until_both_hear_each_other(owner, heard_by_owner, device, heard_by_device)
                # The scenario held: the owner never saw the previous connection close.
                seen = []
                while True:
                    try:
                        seen.append(events.receive_nowait())
                    except trio.WouldBlock:
                        break
                closed = [e for e in seen if e.kind is PeerEventKind.DISCONNECTED]
                assert not closed
        finally:
            previous.send_signal(signal.SIGKILL)
            with trio.CancelScope(shield=True):
                await previous.wait()


async def _keep_publishing(host: Libp2pHost) -> None:
    while True:
        await host.publish(TOPIC, b"from the owner")
        await trio.sleep(0.1)  # a publishing rate, not a wait for something


async def test_peers_stay_subscribed_when_the_connection_under_their_gossip_closes() -> None:
    network = Libp2pNetwork()
    heard_by_a, heard_by_b = Hearing(), Hearing()
    async with (
        network.open_host(device_seed("a"), loopback_config()) as a,
        network.open_host(device_seed("b"), loopback_config()) as b,
    ):
        await a.subscribe(TOPIC, heard_by_a.on_message)
        await b.subscribe(TOPIC, heard_by_b.on_message)
        await a.connect(b.listen_addrs()[0])
        with trio.fail_after(DEADLINE):
            await until_both_hear_each_other(a, heard_by_a, b, heard_by_b)
        # A second connection (as when both dial at once, or over a second interface),
        # then the first one closes.
        b_id = to_libp2p_id(b.peer_id)
        first = a._swarm.connections[b_id][0]
        await a._swarm.dial_addr(b._transport_addrs()[0], b_id)
        await first.close()
        heard_by_a.origins.clear()
        heard_by_b.origins.clear()
        # One side speaks first: py-libp2p's first write then failed, and it forgot the
        # other's subscription for good (the other never repeats it while connected).
        with trio.fail_after(DEADLINE):
            await until_heard(a, heard_by_b)
        with trio.fail_after(DEADLINE):
            await until_heard(b, heard_by_a)
        assert a.connected_peers() == {b.peer_id}


def test_py_libp2p_still_keeps_pubsub_streams_per_peer_id_that_gossip_streams_moves() -> None:
    """Canary for p2p/upstream/pubsub_streams.py: it overrides `Pubsub._handle_new_peer`,
    `_handle_dead_peer`, `_replay_recent_messages` and `write_msg`, and opens streams with
    the host's `multiselect_client`. When py-libp2p changes, re-check that module (and
    drop what py-libp2p now does itself: moving a peer's stream to its newest connection
    while keeping its subscriptions)."""
    assert importlib.metadata.version("libp2p") == "0.8.1", "re-check p2p/upstream/pubsub_streams.py"
    new_peer = inspect.getsource(Pubsub._handle_new_peer)
    assert "if peer_id in self.peers:" in new_peer  # a new connection gets no stream
    assert "handle_sending_messages" in new_peer  # one sending task per registration
    dead_peer = inspect.getsource(Pubsub._handle_dead_peer)
    assert dead_peer.index("_forget_all_subscriptions") < dead_peer.index("_peer_is_connected")
    assert "get_connections" in inspect.getsource(Pubsub.handle_dead_peer_queue)
    assert "_replay_recent_messages" in inspect.getsource(Pubsub.handle_subscription)
    assert "_handle_dead_peer" in inspect.getsource(Pubsub.write_msg)
    assert hasattr(BasicHost, "multiselect_client") or "multiselect_client" in inspect.getsource(BasicHost)
