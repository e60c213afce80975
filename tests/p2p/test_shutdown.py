"""Closing a host: py-libp2p's late task starts are not errors; anything else is; and
nothing of a closed host stays open."""

from __future__ import annotations

import pytest
import trio
from multiaddr import Multiaddr

from p2p.events import PeerEventKind
from p2p.host import Libp2pNetwork
from p2p.hostcore import is_shutdown_race
from tests.p2p.conftest import DEADLINE, device_seed, loopback_config, next_event

LATE = RuntimeError("Nursery is closed to new arrivals")


@pytest.mark.parametrize(
    ("error", "race"),
    [
        (LATE, True),
        (ExceptionGroup("outer", [ExceptionGroup("inner", [LATE])]), True),
        (ExceptionGroup("two", [LATE, RuntimeError("Nursery is closed to new arrivals")]), True),
        (ExceptionGroup("mixed", [LATE, ValueError("a real failure")]), False),
        (RuntimeError("something else"), False),
        (ValueError("closed to new arrivals"), False),
    ],
)
def test_only_late_task_starts_count_as_a_shutdown_race(error: BaseException, race: bool) -> None:
    assert is_shutdown_race(error) is race


async def test_a_closed_host_drops_its_connections_and_stops_listening() -> None:
    """Until its process ended, a closed host's connections stayed open, unread (its
    peers kept writing gossip into them, as to a live peer) and its port took dials."""
    network = Libp2pNetwork()
    async with network.open_host(device_seed("a"), loopback_config()) as a:
        events = a.peer_events()
        async with network.open_host(device_seed("b"), loopback_config()) as b:
            await b.connect(a.listen_addrs()[0])
            port = int(Multiaddr(b.listen_addrs()[0]).value_for_protocol("tcp"))
            with trio.fail_after(DEADLINE):
                await next_event(events, PeerEventKind.CONNECTED, b.peer_id)
        with trio.fail_after(DEADLINE):
            await next_event(events, PeerEventKind.DISCONNECTED, b.peer_id)
        with pytest.raises(OSError):
            await trio.open_tcp_stream("127.0.0.1", port)
