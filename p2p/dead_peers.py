"""Dropping a TCP connection whose peer went silent: keepalive probes and a user timeout.

A peer that vanishes without closing (a laptop shut, Wi-Fi lost, a network split) leaves
its connection looking open: TCP retransmits for about 15 minutes before it gives up,
and an idle connection is never probed at all. Until then the peer counts as connected,
sessions opened to it hang until their timeout, and once the network is back the
connection resumes only at TCP's next retransmission, which backs off to minutes.

Owns: `bound_silence`, which sets the kernel's limits on one py-libp2p connection's
socket (reached through `p2p.upstream.connection_socket`):
- probes after `after / 4` seconds of quiet;
- abort once nothing has been acknowledged for `after` seconds (`TCP_USER_TIMEOUT`).
The aborted connection then closes like any other (the host reports DISCONNECTED and
the session redials). Called on trio's thread when a connection opens.
"""

from __future__ import annotations

import logging
import socket

from libp2p.abc import INetConn

from p2p.upstream.connection_socket import tcp_socket_of

logger = logging.getLogger(__name__)

_PROBES = 3


def bound_silence(connection: INetConn, after: float) -> bool:
    """Make the kernel drop `connection` once its peer has been silent for `after`
    seconds. Returns False (and changes nothing) where its socket can't be reached."""
    sock = tcp_socket_of(connection)
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        logger.debug("No TCP socket under %r; its silence is not bounded", connection)
        return False
    idle = max(1, int(after / 4))
    interval = max(1, int((after - idle) / _PROBES))
    options = [
        (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPIDLE", None), idle),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPINTVL", None), interval),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPCNT", None), _PROBES),
        # Linux only: also bounds how long sent data may wait unacknowledged.
        (socket.IPPROTO_TCP, getattr(socket, "TCP_USER_TIMEOUT", None), int(after * 1000)),
    ]
    for level, option, value in options:
        if option is None:
            continue
        try:
            sock.setsockopt(level, option, value)
        except OSError as error:  # e.g. a platform that knows the name but not the option
            logger.debug("Could not set socket option %s: %s", option, error)
    return True


__all__ = ["bound_silence"]
