"""Disconnecting a peer closes every muxed connection to it, shared ones too.

Owns: `disconnect_fully(host, peer_id)`. In py-libp2p 0.8.1 two concurrent `add_conn`
calls for one muxed connection (a simultaneous dial, an inbound and an outbound upgrade
finishing together) can register two `SwarmConn` wrappers around it; `Swarm.add_conn`
marks the duplicate `_shared_muxed_conn`, and `SwarmConn.close` / `_cleanup` then skip
closing the muxed connection for it. `host.disconnect` can leave that muxed connection
open: the peer stayed connected and this side never heard DISCONNECTED. We note the
muxed connections before disconnecting and close any left open. Canary in
tests/p2p/test_upstream_patches.py; docs/upstream.md, "shared_connections". Runs on
the host's trio run.
"""

from __future__ import annotations

import contextlib

from libp2p.abc import IHost
from libp2p.peer.id import ID


async def disconnect_fully(host: IHost, peer_id: ID) -> None:
    """`host.disconnect(peer_id)` (its errors propagate), then close what it left open."""
    muxed = [conn.muxed_conn for conn in host.get_network().get_connections(peer_id)]
    try:
        await host.disconnect(peer_id)
    finally:
        for connection in muxed:
            if not connection.is_closed:
                with contextlib.suppress(Exception):
                    await connection.close()
