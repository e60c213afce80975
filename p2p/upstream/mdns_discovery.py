"""py-libp2p's mDNS discovery, run without a swarm, a trio task or its shared peerstore.

Owns: `start_advertising` (blocking: zeroconf's constructor and registration block, so
call it in a worker thread), `stop_advertising` (blocking too), and `watch_discoveries` /
`unwatch_discoveries` over py-libp2p's process-wide discovery announcer. `p2p.mdns`
calls these and nothing else of `libp2p.discovery`. Canary in
tests/p2p/test_upstream_patches.py; docs/upstream.md, "mdns_discovery".

What py-libp2p 0.8.1 does that we work around (`libp2p/discovery/mdns/`):
- `MDNSDiscovery(swarm, ...)` reads only `swarm.get_peer_id()` and `swarm.peerstore`, and
  its listener writes every discovered address into that peerstore from zeroconf's
  thread, racing the trio thread that owns it: we hand it `_SwarmStandIn`, our id and a
  throwaway peerstore, and record addresses on the trio side ourselves;
- `MDNSDiscovery.start()` registers the service and then spawns a trio *system* task (a
  cleanup loop), which cannot be called from a worker thread and outlives the host's
  nursery: we do its registration only (`broadcaster.register()`); the listener starts
  in the constructor;
- discoveries are announced through `peerDiscovery`, one handler list for the whole
  process: every host in a process hears every discovery (`p2p.mdns` filters its own).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from libp2p.abc import INetworkService
from libp2p.discovery.events.peerDiscovery import peerDiscovery
from libp2p.discovery.mdns.mdns import MDNSDiscovery
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import PeerInfo
from libp2p.peer.peerstore import PeerStore

DiscoveryListener = Callable[[PeerInfo], None]
"""Called on one of zeroconf's threads with each discovered peer."""


@dataclass
class _SwarmStandIn:
    """All `MDNSDiscovery` reads from the swarm: our id and a peerstore to write into."""

    peer_id: ID
    peerstore: PeerStore = field(default_factory=PeerStore)

    def get_peer_id(self) -> ID:
        return self.peer_id


def start_advertising(
    own_id: ID, *, port: int, listen_addrs: Sequence[str], service_type: str
) -> MDNSDiscovery:
    """Advertise `listen_addrs` and listen for peers (blocking: call it off trio's thread)."""
    discovery = MDNSDiscovery(
        cast(INetworkService, _SwarmStandIn(own_id)),
        port=port,
        listen_addrs=list(listen_addrs),
        service_type=service_type,
    )
    discovery.broadcaster.register()  # what MDNSDiscovery.start does, minus its trio task
    return discovery


def stop_advertising(discovery: MDNSDiscovery) -> None:
    """Unregister and close zeroconf (blocking: call it off trio's thread)."""
    discovery.stop()  # its cleanup task never started, and stop allows for that


def watch_discoveries(listener: DiscoveryListener) -> None:
    peerDiscovery.register_peer_discovered_handler(listener)


def unwatch_discoveries(listener: DiscoveryListener) -> None:
    """Idempotent."""
    peerDiscovery.unregister_peer_discovered_handler(listener)
