"""An unspecified address (0.0.0.0, ::) is never dialed (issue 17, item 10): the client had
logged "Failed to open TCP stream … 0.0.0.0:35137" 48 times after its peers quit, redialing
an address a peer listens on but nobody can reach. The host refuses such a dial at once,
and the record of where to redial a peer does not keep one. Real py-libp2p on 127.0.0.1."""

from __future__ import annotations

import pytest

from app.network.peer_sessions import PeerSessions
from p2p.dialable import dialable, unspecified
from p2p.errors import AddressInvalid
from p2p.host import Libp2pNetwork
from p2p.identity import PeerId
from tests.p2p.conftest import device_seed, loopback_config

PEER = "12D3KooWPeer"


def test_unspecified_addresses_are_told_apart() -> None:
    assert unspecified(f"/ip4/0.0.0.0/tcp/35137/p2p/{PEER}")
    assert unspecified(f"/ip6/::/tcp/4001/p2p/{PEER}")
    assert not unspecified(f"/ip4/10.0.0.5/tcp/4001/p2p/{PEER}")
    assert not unspecified(f"/ip4/127.0.0.1/tcp/4001/p2p/{PEER}")
    assert not unspecified(f"/ip6/::1/tcp/4001/p2p/{PEER}")
    assert dialable(["/ip4/0.0.0.0/tcp/1", "/ip4/10.0.0.5/tcp/1", "/ip6/::/tcp/1"]) == ["/ip4/10.0.0.5/tcp/1"]


async def test_the_host_refuses_to_dial_an_unspecified_address() -> None:
    network = Libp2pNetwork()
    async with (
        network.open_host(device_seed("a"), loopback_config()) as a,
        network.open_host(device_seed("b"), loopback_config()) as b,
    ):
        port = a.listen_addrs()[0].split("/tcp/")[1].split("/")[0]
        # On Linux a TCP dial to 0.0.0.0 reaches this machine: before, this connected.
        with pytest.raises(AddressInvalid, match="not one to dial"):
            await b.connect(f"/ip4/0.0.0.0/tcp/{port}/p2p/{a.peer_id}")
        assert a.peer_id not in b.connected_peers()
        assert await b.connect(a.listen_addrs()[0]) == a.peer_id  # its real address still works


def test_a_peer_is_never_recorded_at_an_unspecified_address() -> None:
    sessions, peer = PeerSessions(), PeerId(PEER)
    sessions.discovered(peer, [f"/ip4/0.0.0.0/tcp/35137/p2p/{PEER}", f"/ip4/10.0.0.5/tcp/4001/p2p/{PEER}"])
    assert sessions.addresses[peer] == [f"/ip4/10.0.0.5/tcp/4001/p2p/{PEER}"]
    other = PeerId("12D3KooWOther")
    sessions.discovered(other, [f"/ip4/0.0.0.0/tcp/35137/p2p/{other}"])
    assert not sessions.addresses.get(other)  # nothing to redial: no redial is scheduled
