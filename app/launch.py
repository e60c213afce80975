"""What a front end needs to start a core without touching `p2p`: the network to run on
(the LAN over libp2p, or an in-memory hub for demos and tests) and the host settings.

Plain factories; no task or thread of their own.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

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
    *,
    local_only: bool = False,
    listen: tuple[str, ...] = (),
    mdns: bool = True,
    home: Path | None = None,
) -> HostConfig:
    """Listen on every interface (or at `listen`) and discover peers by mDNS (unless not
    `mdns`); `local_only`: loopback, no mDNS (tests, and cores that must only be reached
    through invite addresses). With `home` (a device that stays up: the client, `serve`),
    on the same port as last time when it is free, so that the addresses other members
    noted for this device (`app.address_book`) still reach it after a restart."""
    if local_only:
        return HostConfig(listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False)
    if listen:
        return HostConfig(listen_addrs=listen, mdns=mdns)
    if home is not None:
        return HostConfig(listen_addrs=(f"/ip4/0.0.0.0/tcp/{stable_port(home)}",), mdns=mdns)
    return HostConfig(mdns=mdns)


PORT_FILE = "port"


def stable_port(home: Path) -> int:
    """The TCP port this device listened on last time if it is free now, else a free one
    (noted for next time). Falls back to 0 (any port) when nothing can be noted."""
    try:
        stored = int((home / PORT_FILE).read_text())
    except (OSError, ValueError):
        stored = 0
    if 1024 <= stored < 65536 and _free(stored):
        return stored
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("0.0.0.0", 0))
        port = int(probe.getsockname()[1])
    try:
        (home / PORT_FILE).write_text(str(port))
    except OSError:
        return 0
    return port


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def peer_id_of(seed: bytes) -> str:
    """The libp2p peer id of the device whose secret seed this is."""
    from p2p.identity import peer_id_from_seed  # imported late: libp2p is slow to import

    return peer_id_from_seed(seed)
