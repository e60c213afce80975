"""mDNS discovery on the LAN, bridged from zeroconf's threads into trio.

Owns: `DiscoveryBridge` (the only code that runs on a foreign thread: it hands each
discovery to the trio run with `TrioToken.run_sync_soon` and touches nothing else) and
`MdnsService` (starts and stops py-libp2p's mDNS discovery in a worker thread, since
zeroconf's constructor, registration and shutdown block).

py-libp2p's discovery is reached only through `p2p.upstream.mdns_discovery` (its
internals, patched there). Here: every host in the process hears every discovery, so
we filter our own id; the broadcaster would advertise the host's raw transport
addresses, which are 0.0.0.0 when listening on all interfaces, so we pass expanded
addresses and no host instead.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Sequence

import trio
from libp2p.discovery.mdns.mdns import MDNSDiscovery
from libp2p.peer.peerinfo import PeerInfo

from p2p.errors import AddressInvalid
from p2p.identity import PeerId, parse_peer_id, to_libp2p_id
from p2p.upstream import mdns_discovery

logger = logging.getLogger(__name__)

DiscoveryHandler = Callable[[PeerId, tuple[str, ...]], None]


class DiscoveryBridge:
    """Carries discoveries from any thread into the trio run that created the bridge."""

    def __init__(self, deliver: DiscoveryHandler, *, own_peer_id: PeerId) -> None:
        self._token = trio.lowlevel.current_trio_token()
        self._deliver = deliver
        self._own_peer_id = own_peer_id
        self._closed = False

    def from_thread(self, peer_id: str, addrs: Sequence[str]) -> None:
        """Safe to call from any thread, also after the trio run has ended."""
        with contextlib.suppress(trio.RunFinishedError):
            self._token.run_sync_soon(self._on_trio_thread, peer_id, tuple(addrs))

    def close(self) -> None:
        self._closed = True

    def _on_trio_thread(self, peer_id: str, addrs: tuple[str, ...]) -> None:
        # An exception escaping a run_sync_soon callback would crash the whole trio run.
        if self._closed:
            return
        try:
            peer = parse_peer_id(peer_id)
            if peer != self._own_peer_id:
                self._deliver(peer, addrs)
        except AddressInvalid:
            logger.debug("Ignored an mDNS record with a malformed peer id %r", peer_id)
        except Exception:
            logger.exception("Handling a discovered peer failed")


class MdnsService:
    def __init__(
        self, bridge: DiscoveryBridge, *, own_peer_id: PeerId, service_type: str
    ) -> None:
        self._bridge = bridge
        self._own_peer_id = own_peer_id
        self._service_type = service_type
        self._discovery: MDNSDiscovery | None = None

    async def start(self, *, port: int, advertised_addrs: Sequence[str]) -> None:
        mdns_discovery.watch_discoveries(self._on_zeroconf_thread)
        try:
            self._discovery = await trio.to_thread.run_sync(
                functools.partial(
                    mdns_discovery.start_advertising,
                    to_libp2p_id(self._own_peer_id),
                    port=port,
                    listen_addrs=tuple(advertised_addrs),
                    service_type=self._service_type,
                )
            )
        except Exception:
            # No multicast here (no interface, a sandbox): the other discovery paths remain.
            mdns_discovery.unwatch_discoveries(self._on_zeroconf_thread)
            logger.warning("mDNS discovery could not start", exc_info=True)

    async def stop(self) -> None:
        mdns_discovery.unwatch_discoveries(self._on_zeroconf_thread)
        self._bridge.close()
        discovery, self._discovery = self._discovery, None
        if discovery is None:
            return
        with trio.CancelScope(shield=True):
            try:
                await trio.to_thread.run_sync(mdns_discovery.stop_advertising, discovery)
            except Exception:
                logger.warning("mDNS discovery did not stop cleanly", exc_info=True)

    def _on_zeroconf_thread(self, peer_info: PeerInfo) -> None:
        self._bridge.from_thread(
            peer_info.peer_id.to_base58(), [str(address) for address in peer_info.addrs]
        )
