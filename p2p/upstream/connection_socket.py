"""The TCP socket under a py-libp2p connection, found through its private layers.

Owns: `tcp_socket_of(connection)`, for `p2p.dead_peers` (which sets keepalive and
`TCP_USER_TIMEOUT` on it). py-libp2p 0.8.1 offers no way to reach a connection's socket
or set socket options: `SwarmConn.muxed_conn` is public, everything below it is the
attribute each layer's constructor happens to store (yamux's `secured_conn`, the Noise
session's `conn`, its reader-writer's `conn`, the raw connection's `stream`, the TCP
stream's trio `SocketStream`). Canary in tests/p2p/test_upstream_patches.py;
docs/upstream.md, "connection_socket". Any thread (it only reads attributes).
"""

from __future__ import annotations

import trio
from libp2p.abc import INetConn

# Each layer's attribute holding the next, from `SwarmConn` down to the socket.
_LAYERS = (
    "muxed_conn",  # SwarmConn -> Yamux (public: INetConn.muxed_conn)
    "secured_conn",  # Yamux -> SecureSession
    "conn",  # SecureSession -> NoiseTransportReadWriter
    "conn",  # NoiseTransportReadWriter -> RawConnection
    "stream",  # RawConnection -> TrioTCPStream
    "stream",  # TrioTCPStream -> trio.SocketStream
    "socket",  # trio.SocketStream -> the socket
)


def tcp_socket_of(connection: INetConn) -> trio.socket.SocketType | None:
    """The TCP socket under a py-libp2p 0.8 connection, or None for a transport
    without one."""
    layer: object = connection
    try:
        for name in _LAYERS:
            layer = getattr(layer, name)
    except AttributeError:
        return None
    return layer if isinstance(layer, trio.socket.SocketType) else None
