"""mDNS end to end, kept on the loopback interface: two real hosts find and dial each other.

py-libp2p creates its zeroconf instance itself; the fixture restricts it to 127.0.0.1 so
no multicast leaves this machine. (tests/lan covers real interfaces, in namespaces.)
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trio
import zeroconf
from libp2p.discovery.mdns import mdns as libp2p_mdns

from p2p.config import HostConfig
from p2p.events import PeerEvent, PeerEventKind
from p2p.host import Libp2pNetwork
from tests.p2p.conftest import DEADLINE, LOOPBACK, device_seed

try:
    import fcntl
except ImportError:  # not POSIX: no concurrent runs to guard against
    fcntl = None  # type: ignore[assignment]


@pytest.fixture
def loopback_only_zeroconf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        libp2p_mdns, "Zeroconf", functools.partial(zeroconf.Zeroconf, interfaces=["127.0.0.1"])
    )


@pytest.fixture  # requested as an argument: pytest-trio skips async fixtures in usefixtures
async def exclusive_loopback_mdns() -> AsyncIterator[None]:
    """One mDNS test at a time per machine.

    127.0.0.1:5353 is a single resource for the whole machine: zeroconf drops packets it
    has just seen from the same address, and answers to "unicast response" questions go
    to whichever process's socket the kernel picks. Concurrent test runs would lose each
    other's answers, so they take turns.
    """
    if fcntl is None:
        yield
        return
    lock_path = Path(tempfile.gettempdir()) / "studycircle-mdns-loopback-test.lock"
    with lock_path.open("w") as lock_file:
        await trio.to_thread.run_sync(
            fcntl.flock, lock_file.fileno(), fcntl.LOCK_EX, abandon_on_cancel=True
        )
        yield


@pytest.mark.usefixtures("loopback_only_zeroconf")
async def test_hosts_discover_each_other_by_mdns_and_connect(exclusive_loopback_mdns: None):
    network = Libp2pNetwork()
    # A service type of our own as well, so nothing else on this machine answers for us.
    run = os.getpid() % 10**9
    config = HostConfig(
        listen_addrs=LOOPBACK, mdns=True, mdns_service_type=f"_p2p-sc{run}._udp.local."
    )
    async with network.open_host(device_seed(f"mdns a {run}"), config) as a:
        events = a.peer_events()
        async with network.open_host(device_seed(f"mdns b {run}"), config) as b:
            # Either side may discover the other first, so a may be dialed before it
            # hears of b itself: collect both events in whatever order they come.
            seen: dict[PeerEventKind, PeerEvent] = {}
            with trio.fail_after(DEADLINE):
                async for event in events:
                    if event.peer_id == b.peer_id:
                        seen.setdefault(event.kind, event)
                    if {PeerEventKind.DISCOVERED, PeerEventKind.CONNECTED} <= seen.keys():
                        break
            # The record carries b's listen addresses; the event adds b's id to each.
            assert seen[PeerEventKind.DISCOVERED].addrs == b.listen_addrs()
            assert b.peer_id in a.connected_peers()
