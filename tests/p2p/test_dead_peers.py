"""A peer that goes silent is dropped in seconds, not TCP's quarter of an hour.

Real py-libp2p hosts on 127.0.0.1: every connection, dialled or accepted, carries the
kernel limits `p2p.dead_peers` sets (a silent peer cannot be made on loopback; the LAN
test splits real peers by network namespace and heals them).
"""

from __future__ import annotations

import socket
import sys
from dataclasses import replace

from p2p.dead_peers import bound_silence
from p2p.host import Libp2pNetwork
from p2p.upstream.connection_socket import tcp_socket_of
from tests.p2p.conftest import device_seed, loopback_config


async def test_every_connection_both_ways_drops_a_peer_silent_for_the_configured_time() -> None:
    network = Libp2pNetwork()
    config = replace(loopback_config(), silent_peer_timeout=12.0)
    async with (
        network.open_host(device_seed("a"), config) as a,
        network.open_host(device_seed("b"), config) as b,
    ):
        await b.connect(a.listen_addrs()[0])
        sockets = [
            tcp_socket_of(connection)
            for host in (a, b)
            for connections in host._swarm.connections.values()  # type: ignore[attr-defined]
            for connection in connections
        ]
        assert len(sockets) == 2 and None not in sockets, "py-libp2p's connection layout changed"
        for sock in sockets:
            assert sock is not None
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
            if sys.platform.startswith("linux"):
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 12_000
                probes_end = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) + sock.getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_KEEPINTVL
                ) * sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
                assert probes_end <= 12, "an idle connection must be found dead within the timeout too"


def test_a_connection_without_a_tcp_socket_is_left_alone() -> None:
    assert tcp_socket_of(object()) is None  # type: ignore[arg-type]
    assert bound_silence(object(), 20.0) is False  # type: ignore[arg-type]
