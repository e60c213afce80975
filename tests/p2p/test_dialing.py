"""A dial goes to the address it was given, not to one the peer was known at before.

py-libp2p dials only the first TCP address its peerstore holds for a peer, so an
address that went stale (the port a peer listened on before it restarted, or the one a
`circle join` process of the same device used) must not stay ahead of the current one.
Real py-libp2p hosts on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from p2p.errors import DialFailed
from p2p.host import Libp2pNetwork
from tests.p2p.conftest import device_seed, loopback_config, unused_port


async def test_a_peer_is_reached_at_its_new_address_after_a_dial_to_an_old_one_failed() -> None:
    network = Libp2pNetwork()
    async with (
        network.open_host(device_seed("a"), loopback_config()) as a,
        network.open_host(device_seed("b"), loopback_config()) as b,
    ):
        stale = f"/ip4/127.0.0.1/tcp/{unused_port()}/p2p/{a.peer_id}"
        with pytest.raises(DialFailed):
            await b.connect(stale)
        assert await b.connect(a.listen_addrs()[0]) == a.peer_id
        assert a.peer_id in b.connected_peers()
