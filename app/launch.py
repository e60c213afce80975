"""What a front end needs to start a core without touching `p2p`: the network to run on
(the LAN over libp2p, or an in-memory hub for demos and tests) and the host settings.

Plain factories; no task or thread of their own.
"""

from __future__ import annotations

import random

from p2p.config import HostConfig
from p2p.errors import P2PError
from p2p.interface import Network

__all__ = ["Network", "P2PError", "host_config", "lan_network", "memory_network", "peer_id_of"]


def lan_network() -> Network:
    """Real peers: libp2p over TCP with Noise, found by mDNS and by invite addresses."""
    from p2p.host import Libp2pNetwork  # imported late: libp2p is slow to import

    return Libp2pNetwork()


def memory_network(seed: int = 0) -> Network:
    """An in-process network: cores on it reach each other and nobody else."""
    from p2p.memory import MemoryHub

    return MemoryHub(rng=random.Random(seed))


def host_config(
    *, local_only: bool = False, listen: tuple[str, ...] = (), mdns: bool = True
) -> HostConfig:
    """Listen on every interface (or at `listen`) and discover peers by mDNS (unless not
    `mdns`); `local_only`: loopback, no mDNS (tests, and cores that must only be reached
    through invite addresses)."""
    if local_only:
        return HostConfig(listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False)
    if listen:
        return HostConfig(listen_addrs=listen, mdns=mdns)
    return HostConfig(mdns=mdns)


def peer_id_of(seed: bytes) -> str:
    """The libp2p peer id of the device whose secret seed this is."""
    from p2p.identity import peer_id_from_seed  # imported late: libp2p is slow to import

    return peer_id_from_seed(seed)
