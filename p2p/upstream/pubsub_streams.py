"""Our pubsub stream to each peer lives on the peer's newest open connection.

Owns: `StreamFollowingPubsub`, the patch to py-libp2p 0.8.1's per-peer pubsub streams
(where each lives, what a failed write means, what a new subscriber is sent, a hello
repeated once a peer is registered: `queue_hello`), and `open_pubsub_stream_on`. Runs
on the host's trio run (pubsub's own tasks).
tests/p2p/test_gossip_streams.py has the canary that names it.

py-libp2p keeps one outbound pubsub stream per peer id (`Pubsub.peers`) and sends our
subscriptions (the "hello") once, on that stream. Three of its rules together cut a peer
off from all gossip while its connection works:

1. A new connection from a peer already in `peers` gets no stream and no hello
   (`pubsub/pubsub.py:892`, `if peer_id in self.peers: return`).
2. A connection that closes while another to the peer remains is ignored
   (`handle_dead_peer_queue`, `pubsub.py:1217`), even if our stream was on it.
3. When a write to the peer fails while it is still connected, `_handle_dead_peer`
   (`pubsub.py:1129`) forgets the subscriptions the peer announced on *its* stream to
   us (still open, never repeated), removes it from the mesh, and opens a new stream.

So a device that comes back (its `serve` started while its `circle join` process was
leaving, a laptop waking up, the far side of a healed network split) while we still
hold its previous connection is written to on the old connection and never hears our
subscriptions: it sends to nobody and we send into the void, in both directions, for as
long as the old connection looks alive (a frozen process's kernel keeps acknowledging:
more than 120 s measured), and once it closes rule 3 can leave the peer unsubscribed in
our view for good. Two connections where one closes (both peers dialed at once, or two
interfaces) hit rules 2 and 3 alone.

The rule here: whenever a connection to a peer opens or closes, and whenever a write to
it fails while it is still connected, our stream to it moves to its newest open
connection (opened there, our hello written first); its subscriptions, mesh place and
outbound queue stay. Only a peer with no connection left goes through py-libp2p's own
removal. Besides, py-libp2p re-sends its message cache to every peer that subscribes;
we do not (`_replay_recent_messages`).
"""

from __future__ import annotations

import logging

import trio
from libp2p.abc import IHost, INetConn, INetStream, INetwork, INotifee, IPubsubRouter
from libp2p.custom_types import TProtocol
from libp2p.exceptions import BaseLibp2pError
from libp2p.peer.id import ID
from libp2p.protocol_muxer.multiselect_communicator import MultiselectCommunicator
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.pubsub import Pubsub
from libp2p.utils import encode_varint_prefixed
from multiaddr import Multiaddr

logger = logging.getLogger(__name__)

_NEGOTIATE_TIMEOUT = 10  # seconds; a live connection answers in milliseconds
_RETRY_FIRST, _RETRY_MAX = 0.2, 5.0  # seconds between attempts to move a stream
_CLOSE_TIMEOUT = 5.0  # the old stream's connection may be dead


async def open_pubsub_stream_on(
    host: IHost, connection: INetConn, protocols: list[TProtocol]
) -> INetStream:
    """A pubsub stream on this very connection (the host would pick its least loaded)."""
    stream = await connection.new_stream()
    try:
        protocol = await host.multiselect_client.select_one_of(  # type: ignore[attr-defined]
            protocols, MultiselectCommunicator(stream), _NEGOTIATE_TIMEOUT
        )
    except BaseException:
        with trio.CancelScope(shield=True):
            await _close_quietly(stream, reset=True)
        raise
    stream.set_protocol(protocol)
    return stream


class StreamFollowingPubsub(Pubsub):
    """py-libp2p's `Pubsub`, with its stream to each peer following the peer's connections."""

    def __init__(
        self,
        host: IHost,
        router: IPubsubRouter,
        *,
        seen_ttl: int,
        strict_signing: bool,
        max_inbound_rpc_size: int,
    ) -> None:
        super().__init__(
            host,
            router,
            seen_ttl=seen_ttl,
            strict_signing=strict_signing,
            max_inbound_rpc_size=max_inbound_rpc_size,
        )
        self._moving: set[ID] = set()
        self._broken: dict[ID, INetStream] = {}  # a write on it failed; replace it
        self._registering: set[ID] = set()
        self._stream_moved: dict[ID, trio.Event] = {}
        host.get_network().register_notifee(_ConnectionsFollower(self))

    # Which connection our stream should be on

    def newest_connection(self, peer_id: ID) -> INetConn | None:
        open_connections = [
            connection
            for connection in self.host.get_network().get_connections(peer_id)
            if not getattr(connection.muxed_conn, "is_closed", False)
        ]
        return open_connections[-1] if open_connections else None

    def follow_connections(self, peer_id: ID) -> None:
        """A connection to the peer opened or closed: move our stream if it is not on the
        newest one. (A peer not registered yet gets its stream from py-libp2p.)"""
        stream = self.peers.get(peer_id)
        newest = self.newest_connection(peer_id)
        if stream is None or newest is None or stream.muxed_conn is newest.muxed_conn:
            return
        self._move_stream_soon(peer_id)

    def queue_hello(self, peer_id: ID) -> bool:
        """Queue our hello (the topics we subscribe to) for a registered peer again;
        False if it is not registered.

        py-libp2p builds the hello before it registers the peer (`_handle_new_peer`),
        and `subscribe` tells only registered peers: a subscription made in between
        reaches neither, and that peer would never send us that topic's gossip. The
        owner calls this once the peer is registered (`wait_for_peer`); later
        subscriptions reach it the normal way."""
        queue = self.peer_queues.get(peer_id)
        if queue is None:
            return False
        queue.push(self.get_hello_packet())
        return True

    # py-libp2p's hooks

    async def _handle_new_peer(self, peer_id: ID) -> None:
        # Both connections of a simultaneous dial report the peer: one registration is
        # enough (a second would leave the first's queue and sending task orphaned).
        if peer_id in self._registering:
            return
        self._registering.add(peer_id)
        try:
            await super()._handle_new_peer(peer_id)
        finally:
            self._registering.discard(peer_id)
        self.follow_connections(peer_id)  # one may have opened meanwhile

    async def _replay_recent_messages(self, peer_id: ID, topic: str) -> None:
        """Nothing: py-libp2p re-sends its message cache (the last `gossip_window`
        heartbeats, 3 s) to every peer that subscribes, so a device that reconnects got
        again, by gossip, the ops its sync session brings it (tests/app/test_sync_service.py,
        "each missing op once"). Messages published while a new peer's subscription is on
        its way still reach it (the router's pending queue, `flush_pending_messages`)."""
        return None

    async def write_msg(self, stream: INetStream, rpc_msg: rpc_pb2.RPC) -> bool:
        """py-libp2p's, except that any libp2p error is a failed write (not only a closed
        or reset stream: the sending task must not die of another), and a failure on a
        stream we have already moved away from says nothing about the peer."""
        try:
            await stream.write(encode_varint_prefixed(rpc_msg.SerializeToString()))
            return True
        except (BaseLibp2pError, OSError) as error:
            peer_id = stream.muxed_conn.peer_id
            logger.debug("Writing to %s's pubsub stream failed: %s", peer_id, error)
            if self.peers.get(peer_id) is stream:
                self._handle_dead_peer(peer_id)
            return False

    def _handle_dead_peer(self, peer_id: ID) -> None:
        if peer_id in self.peers and self.newest_connection(peer_id) is not None:
            # Our stream broke, not the peer: it stays subscribed and in the mesh.
            self._move_stream_soon(peer_id, broken=self.peers[peer_id])
            return
        super()._handle_dead_peer(peer_id)
        self._broken.pop(peer_id, None)
        self._signal_stream_moved(peer_id)

    async def stream_after(self, peer_id: ID, broken: INetStream) -> INetStream | None:
        """The stream that replaced `broken` (a write on it failed), or None once the peer
        is gone. For the sending loop, which keeps its queue across moves."""
        while True:
            current = self.peers.get(peer_id)
            if current is None or current is not broken:
                return current
            await self._stream_moved.setdefault(peer_id, trio.Event()).wait()

    # Moving

    def _move_stream_soon(self, peer_id: ID, broken: INetStream | None = None) -> None:
        if broken is not None:
            self._broken[peer_id] = broken
        if peer_id in self._moving or not self.manager.is_running:
            return  # the running move sees `_broken` too
        self._moving.add(peer_id)
        self.manager.run_task(self._move_stream, peer_id)

    async def _move_stream(self, peer_id: ID) -> None:
        delay = _RETRY_FIRST
        try:
            while peer_id in self.peers:
                old = self.peers[peer_id]
                newest = self.newest_connection(peer_id)
                if newest is None:
                    return  # no connection left: py-libp2p's removal follows
                if self._broken.get(peer_id) is not old and old.muxed_conn is newest.muxed_conn:
                    return  # where it belongs, and working
                try:
                    stream = await open_pubsub_stream_on(self.host, newest, list(self.protocols))
                    await stream.write(encode_varint_prefixed(self.get_hello_packet().SerializeToString()))
                except Exception as error:  # libp2p raises many kinds; retry while connected
                    logger.debug("Moving the pubsub stream to %s failed: %s", peer_id, error)
                    await trio.sleep(delay)
                    delay = min(2 * delay, _RETRY_MAX)
                    continue
                if self.peers.get(peer_id) is not old:  # the peer left meanwhile
                    await _close_quietly(stream, reset=True)
                    return
                self.router.add_peer(peer_id, stream.get_protocol())
                self.peers[peer_id] = stream
                if self._broken.get(peer_id) is old:
                    del self._broken[peer_id]
                self._signal_stream_moved(peer_id)
                logger.debug("Pubsub stream to %s moved to its newest connection", peer_id)
                # Closed, not reset: what was written on it is still read. A write
                # blocked on it (a dead connection's window) fails within yamux's 5 s
                # and is sent again on the new stream (`write_msg`, `stream_after`).
                self.manager.run_task(_close_quietly, old)
                # and once more round: a newer connection may have opened meanwhile
        finally:
            self._moving.discard(peer_id)
            if peer_id not in self.peers:
                self._broken.pop(peer_id, None)

    def _signal_stream_moved(self, peer_id: ID) -> None:
        event = self._stream_moved.pop(peer_id, None)
        if event is not None:
            event.set()


async def _close_quietly(stream: INetStream, *, reset: bool = False) -> None:
    """Close (the peer reads what was sent, then its end) or reset, ignoring a dead
    connection; never longer than `_CLOSE_TIMEOUT`."""
    with trio.move_on_after(_CLOSE_TIMEOUT):
        try:
            await (stream.reset() if reset else stream.close())
        except Exception as error:  # the stream or its connection is gone
            logger.debug("Closing a pubsub stream: %s", error)


class _ConnectionsFollower(INotifee):
    def __init__(self, pubsub: StreamFollowingPubsub) -> None:
        self._pubsub = pubsub

    async def connected(self, network: INetwork, conn: INetConn) -> None:
        self._pubsub.follow_connections(conn.muxed_conn.peer_id)

    async def disconnected(self, network: INetwork, conn: INetConn) -> None:
        self._pubsub.follow_connections(conn.muxed_conn.peer_id)

    async def opened_stream(self, network: INetwork, stream: INetStream) -> None:
        pass

    async def closed_stream(self, network: INetwork, stream: INetStream) -> None:
        pass

    async def listen(self, network: INetwork, multiaddr: Multiaddr) -> None:
        pass

    async def listen_close(self, network: INetwork, multiaddr: Multiaddr) -> None:
        pass
