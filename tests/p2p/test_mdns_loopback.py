"""mDNS end to end, kept on the loopback interface: two real hosts find and dial each other.

py-libp2p creates its zeroconf instance itself; the fixture restricts it to 127.0.0.1 so
no multicast leaves this machine. (tests/lan covers real interfaces, in namespaces.)
"""

from __future__ import annotations

import functools
import os

import pytest
import trio
import zeroconf
from libp2p.discovery.mdns import mdns as libp2p_mdns

from p2p.config import HostConfig
from p2p.events import PeerEventKind
from p2p.host import Libp2pNetwork
from tests.p2p.conftest import DEADLINE, LOOPBACK, device_seed, next_event


@pytest.fixture
def loopback_only_zeroconf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        libp2p_mdns, "Zeroconf", functools.partial(zeroconf.Zeroconf, interfaces=["127.0.0.1"])
    )


@pytest.mark.usefixtures("loopback_only_zeroconf")
async def test_hosts_discover_each_other_by_mdns_and_connect():
    network = Libp2pNetwork()
    # A service type of our own: a concurrent test run on this machine must neither answer
    # for us nor keep our listener busy resolving its services.
    run = os.getpid() % 10**9
    config = HostConfig(
        listen_addrs=LOOPBACK, mdns=True, mdns_service_type=f"_p2p-sc{run}._udp.local."
    )
    async with network.open_host(device_seed(f"mdns a {run}"), config) as a:
        events = a.peer_events()
        async with network.open_host(device_seed(f"mdns b {run}"), config) as b:
            with trio.fail_after(DEADLINE):
                discovered = await next_event(events, PeerEventKind.DISCOVERED, b.peer_id)
                await next_event(events, PeerEventKind.CONNECTED, b.peer_id)
            assert discovered.addrs == tuple(
                address.rsplit("/p2p/", 1)[0] for address in b.listen_addrs()
            )
