"""The real network: a py-libp2p host (TCP + Noise + yamux) behind `p2p.interface.PeerHost`.

Owns: `Libp2pNetwork.open_host` (builds, starts and stops everything for one device) and
`Libp2pHost` (peers, streams, gossip and conduct on top of py-libp2p). Runs inside the
trio run that opened it; the libp2p swarm, pubsub, handler tasks and dials run in the
host's nursery, mDNS in worker threads (see `p2p.mdns`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio
from libp2p.abc import INetConn, INetStream, INetwork, INotifee
from libp2p.custom_types import TProtocol
from libp2p.exceptions import BaseLibp2pError
from libp2p.host.basic_host import BasicHost
from libp2p.network.swarm import Swarm
from libp2p.peer.peerinfo import PeerInfo, info_from_p2p_addr
from libp2p.peer.peerstore import PeerStoreError
from libp2p.utils.address_validation import expand_wildcard_address
from multiaddr import Multiaddr

from p2p.conduct import ConductLedger
from p2p.config import HostConfig
from p2p.dead_peers import bound_silence
from p2p.delivery import GossipHandler, GossipValidator
from p2p.dialable import unspecified
from p2p.errors import (
    AddressInvalid,
    DialFailed,
    P2PError,
    PeerBanned,
    StreamOpenFailed,
)
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.gossip import Libp2pGossip
from p2p.hostcore import HostCore, is_shutdown_race, surface_single_error
from p2p.identity import PeerId, key_pair_from_seed, short, to_libp2p_id
from p2p.inbound import StreamHandler
from p2p.libp2p_stack import build_libp2p_host
from p2p.libp2p_streams import NetStreamBytes
from p2p.mdns import DiscoveryBridge, MdnsService
from p2p.upstream.auto_dialing import stop_auto_dialing
from p2p.upstream.shared_connections import disconnect_fully

logger = logging.getLogger(__name__)

# How long libp2p keeps an address it was told about (dial or discovery), in seconds.
_ADDRESS_TTL = 3600
# Closing connections and listeners as the host closes: each is one frame and a socket close.
_CLOSE_TIMEOUT = 5.0


class Libp2pNetwork:
    """Creates real hosts; the composition root's `Network` outside tests."""

    @asynccontextmanager
    async def open_host(
        self, device_seed: bytes, config: HostConfig | None = None
    ) -> AsyncIterator[Libp2pHost]:
        config = config or HostConfig()
        key_pair = key_pair_from_seed(device_seed)
        ledger = ConductLedger(config.conduct)
        libp2p_host = build_libp2p_host(
            key_pair,
            listen_addrs=config.listen_addrs,
            refuses=lambda peer_id: ledger.is_banned(peer_id, trio.current_time()),
            dial_timeout=config.dial_timeout,
            negotiate_timeout=config.streams.read_timeout,
        )
        listen = [Multiaddr(address) for address in config.listen_addrs]
        closed_cleanly = False
        try:
            async with surface_single_error(), self._run(libp2p_host, listen, config, ledger) as host:
                yield host
                closed_cleanly = True
        except (RuntimeError, BaseExceptionGroup) as error:
            if not (closed_cleanly and is_shutdown_race(error)):
                raise
            logger.debug("py-libp2p tried to start a task while the host closed: %s", error)

    @asynccontextmanager
    async def _run(
        self, libp2p_host: BasicHost, listen: list[Multiaddr], config: HostConfig, ledger: ConductLedger
    ) -> AsyncIterator[Libp2pHost]:
        async with libp2p_host.run(listen):
            # py-libp2p's auto-connector would re-dial peers from the peerstore, undoing
            # `disconnect` and bans (p2p.upstream.auto_dialing). Dialing is the app's decision.
            await stop_auto_dialing(_swarm(libp2p_host))
            async with trio.open_nursery() as nursery:
                host = Libp2pHost(libp2p_host, config=config, nursery=nursery, ledger=ledger)
                try:
                    async with host.gossip.running():
                        await host.start_discovery()
                        yield host
                finally:
                    # Cancel only once the services above have stopped: a cleanup await
                    # inside a cancelled scope would raise Cancelled and swallow the error
                    # that ended the block.
                    await host.shut_down()
                    nursery.cancel_scope.cancel()
            await _close_connections_and_listeners(libp2p_host)


async def _close_connections_and_listeners(libp2p_host: BasicHost) -> None:
    """py-libp2p's `run` stops the swarm's tasks but leaves its sockets open until the
    process ends: peers saw a closed host as connected (and wrote gossip into it), its port
    took dials. `Swarm.close` closes them (and tells the notifees, pubsub's included)."""
    with trio.CancelScope(shield=True), trio.move_on_after(_CLOSE_TIMEOUT):
        try:
            await _swarm(libp2p_host).close()
        except (BaseLibp2pError, OSError) as error:
            logger.debug("Closing the swarm: %s", error)


def _swarm(libp2p_host: BasicHost) -> Swarm:
    network = libp2p_host.get_network()
    assert isinstance(network, Swarm)
    return network


class _ConnectionWatcher(INotifee):
    """Turns libp2p's per-connection notifications into per-peer events."""

    def __init__(self, host: Libp2pHost) -> None:
        self._host = host

    async def connected(self, network: INetwork, conn: INetConn) -> None:
        self._host.connection_opened(PeerId(conn.muxed_conn.peer_id.to_base58()), conn)

    async def disconnected(self, network: INetwork, conn: INetConn) -> None:
        self._host.connection_closed(PeerId(conn.muxed_conn.peer_id.to_base58()))

    async def opened_stream(self, network: INetwork, stream: INetStream) -> None:
        pass

    async def closed_stream(self, network: INetwork, stream: INetStream) -> None:
        pass

    async def listen(self, network: INetwork, multiaddr: Multiaddr) -> None:
        pass

    async def listen_close(self, network: INetwork, multiaddr: Multiaddr) -> None:
        pass


class Libp2pHost(HostCore):
    """A `p2p.interface.PeerHost` on py-libp2p."""

    def __init__(
        self,
        libp2p_host: BasicHost,
        *,
        config: HostConfig,
        nursery: trio.Nursery,
        ledger: ConductLedger,
    ) -> None:
        super().__init__(
            peer_id=PeerId(libp2p_host.get_id().to_base58()),
            config=config,
            nursery=nursery,
            ledger=ledger,
        )
        self._libp2p = libp2p_host
        self._swarm = _swarm(libp2p_host)
        self._connected: set[PeerId] = set()
        self.gossip = Libp2pGossip(
            libp2p_host,
            config.gossip,
            nursery=nursery,
            on_invalid=lambda peer_id, reason: self.penalise(
                peer_id, reason, points=config.conduct.invalid_gossip_points
            ),
        )
        self._mdns: MdnsService | None = None
        self._swarm.register_notifee(_ConnectionWatcher(self))

    def listen_addrs(self) -> tuple[str, ...]:
        suffix = f"/p2p/{self.peer_id}"
        return tuple(f"{address}{suffix}" for address in self._transport_addrs())

    def _transport_addrs(self) -> list[Multiaddr]:
        # Listening on 0.0.0.0 reports 0.0.0.0, which nobody can dial: name the interfaces.
        addrs: list[Multiaddr] = []
        for address in self._libp2p.get_transport_addrs():
            addrs.extend(expand_wildcard_address(address))
        return addrs

    # Peers

    async def connect(self, address: str) -> PeerId:
        self._check_open()
        if unspecified(address):
            raise AddressInvalid(
                f"{address!r} is the address a peer listens on, not one to dial: ask for one"
                " of its network's addresses (e.g. /ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…)."
            )
        try:
            peer_info = info_from_p2p_addr(Multiaddr(address))
        except Exception as error:
            raise AddressInvalid(
                f"{address!r} is not a peer address; it must look like "
                "/ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…"
            ) from error
        peer_id = PeerId(peer_info.peer_id.to_base58())
        if peer_id == self.peer_id:
            raise DialFailed("That address is this device's own.")
        await self._dial(peer_info)
        return peer_id

    async def _dial(self, peer_info: PeerInfo) -> None:
        peer_id = PeerId(peer_info.peer_id.to_base58())
        if self.is_banned(peer_id):
            raise PeerBanned(f"Peer {short(peer_id)} is banned for misbehaving.")
        # A dial the person asked for should not wait out py-libp2p's 60 s
        # negative cache of recently failed peers (network/swarm.py, _NegativePeerCache).
        self._swarm.unblock_peer(peer_info.peer_id)
        # py-libp2p dials only the first TCP address its peerstore holds for the peer
        # (network/swarm.py, MAX_ADDRS_PER_PEER): an address gone stale, kept ahead of
        # the one given here, would fail this dial and every later one.
        peerstore = self._libp2p.get_peerstore()
        peerstore.clear_addrs(peer_info.peer_id)
        peerstore.add_addrs(peer_info.peer_id, peer_info.addrs, _ADDRESS_TTL)
        with trio.move_on_after(self._config.dial_timeout):
            try:
                await self._libp2p.connect(peer_info)
            except (BaseLibp2pError, OSError) as error:
                raise DialFailed(f"Could not connect to {short(peer_id)}: {error}") from error
            if peer_info.peer_id not in self._swarm.connections:
                raise DialFailed(f"Peer {short(peer_id)} closed the connection at once.")
            return
        raise DialFailed(
            f"Could not connect to {short(peer_id)} within {self._config.dial_timeout:g} s."
        )

    async def disconnect(self, peer_id: PeerId) -> None:
        try:
            # Also closes a muxed connection two of py-libp2p's wrappers share, which
            # its own disconnect leaves open (p2p.upstream.shared_connections).
            await disconnect_fully(self._libp2p, to_libp2p_id(peer_id))
        except BaseLibp2pError as error:
            logger.debug("Disconnecting %s: %s", short(peer_id), error)
        self.connection_closed(peer_id)

    def connected_peers(self) -> frozenset[PeerId]:
        return frozenset(
            PeerId(peer.to_base58()) for peer, conns in self._swarm.connections.items() if conns
        )

    def connection_opened(self, peer_id: PeerId, conn: INetConn) -> None:
        bound_silence(conn, self._config.silent_peer_timeout)
        if self.is_banned(peer_id):
            self._nursery.start_soon(self._drop_peer, peer_id)
            return
        if peer_id not in self._connected:
            self._connected.add(peer_id)
            self._nursery.start_soon(self.gossip.announce_subscriptions_to, to_libp2p_id(peer_id))
            self._emit(PeerEventKind.CONNECTED, peer_id)

    def connection_closed(self, peer_id: PeerId) -> None:
        if self._swarm.connections.get(to_libp2p_id(peer_id)):
            return  # another connection to the peer is still open
        if peer_id in self._connected:
            self._connected.discard(peer_id)
            self._emit(PeerEventKind.DISCONNECTED, peer_id)

    # Discovery

    async def start_discovery(self) -> None:
        if not self._config.mdns:
            return
        bridge = DiscoveryBridge(self.note_discovered, own_peer_id=self.peer_id)
        self._mdns = MdnsService(
            bridge, own_peer_id=self.peer_id, service_type=self._config.mdns_service_type
        )
        addrs = self._transport_addrs()
        port = next((int(a.value_for_protocol("tcp")) for a in addrs), 0)
        await self._mdns.start(port=port, advertised_addrs=[str(a) for a in addrs])

    def note_discovered(self, peer_id: PeerId, addrs: tuple[str, ...]) -> None:
        """A discovery source (mDNS, or the app) found `peer_id` at `addrs`; on trio's thread."""
        if self._closed or self.is_banned(peer_id):
            return
        # mDNS records carry no /p2p part; the event's addresses are dialable as they are
        # (a session redials a dropped peer from them).
        suffix = f"/p2p/{peer_id}"
        dialable = tuple(address if "/p2p/" in address else address + suffix for address in addrs)
        self._emit(PeerEventKind.DISCOVERED, peer_id, addrs=dialable)
        if self._config.dial_discovered and peer_id not in self._connected:
            try:
                multiaddrs = [Multiaddr(address) for address in addrs]
            except Exception:
                return
            peer_info = PeerInfo(to_libp2p_id(peer_id), multiaddrs)
            self._nursery.start_soon(self._dial_quietly, peer_info)

    async def _dial_quietly(self, peer_info: PeerInfo) -> None:
        try:
            await self._dial(peer_info)
        except P2PError as error:
            logger.info("Could not dial discovered peer: %s", error)

    # Streams

    def set_stream_handler(self, protocol_id: str, handler: StreamHandler) -> None:
        super().set_stream_handler(protocol_id, handler)

        async def on_inbound(net_stream: INetStream) -> None:
            peer_id = PeerId(net_stream.muxed_conn.peer_id.to_base58())
            await self._dispatcher.serve(peer_id, protocol_id, NetStreamBytes(net_stream))

        self._libp2p.set_stream_handler(TProtocol(protocol_id), on_inbound)

    def remove_stream_handler(self, protocol_id: str) -> None:
        super().remove_stream_handler(protocol_id)
        self._libp2p.remove_stream_handler(TProtocol(protocol_id))

    async def open_stream(self, peer_id: PeerId, protocol_id: str) -> FramedStream:
        self._check_open()
        if self.is_banned(peer_id):
            raise PeerBanned(f"Peer {short(peer_id)} is banned for misbehaving.")
        libp2p_id = to_libp2p_id(peer_id)
        if not self._swarm.connections.get(libp2p_id):
            try:
                addrs = self._libp2p.get_peerstore().addrs(libp2p_id)
            except PeerStoreError:  # a peer the store has forgotten (it disconnected)
                addrs = []
            if not addrs:
                raise DialFailed(f"Not connected to {short(peer_id)} and no address is known.")
            await self._dial(PeerInfo(libp2p_id, addrs))
        try:
            net_stream = await self._libp2p.new_stream(libp2p_id, [TProtocol(protocol_id)])
        except BaseLibp2pError as error:
            raise StreamOpenFailed(
                f"Peer {short(peer_id)} did not open a stream for {protocol_id}: {error}"
            ) from error
        return self._dispatcher.wrap(NetStreamBytes(net_stream), peer_id, protocol_id)

    # Gossip

    async def subscribe(
        self, topic: str, handler: GossipHandler, *, validator: GossipValidator | None = None
    ) -> None:
        self._check_open()
        await self.gossip.subscribe(topic, handler, validator)

    async def unsubscribe(self, topic: str) -> None:
        await self.gossip.unsubscribe(topic)

    async def publish(self, topic: str, data: bytes) -> None:
        self._check_open()
        await self.gossip.publish(topic, data)

    # Lifecycle

    async def shut_down(self) -> None:
        self._closed = True
        if self._mdns is not None:
            await self._mdns.stop()
        self.gossip.close()
        self._events.close()
