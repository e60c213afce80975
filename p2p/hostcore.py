"""What both hosts share: identity, events, conduct (penalties and bans) and stream handlers.

Owns: `HostCore`, the base of `Libp2pHost` and `MemoryHost`. A subclass supplies the
transport (`open_stream`, `disconnect`, ...). Runs on the trio task that opened the host;
bans disconnect from a task in the host's nursery.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio

from p2p.conduct import ConductLedger
from p2p.config import HostConfig
from p2p.errors import HostClosed, P2PError, describe_size
from p2p.events import PeerEvent, PeerEventFanout, PeerEventKind
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.inbound import InboundDispatcher, StreamHandler, exchange

logger = logging.getLogger(__name__)


class HostCore:
    def __init__(
        self,
        *,
        peer_id: PeerId,
        config: HostConfig,
        nursery: trio.Nursery,
        ledger: ConductLedger | None = None,
    ) -> None:
        self._peer_id = peer_id
        self._config = config
        self._nursery = nursery
        self._ledger = ledger or ConductLedger(config.conduct)
        self._events = PeerEventFanout()
        self._dispatcher = InboundDispatcher(config.streams, self._report_oversized)
        self._closed = False

    @property
    def peer_id(self) -> PeerId:
        return self._peer_id

    @property
    def config(self) -> HostConfig:
        return self._config

    # Transport, supplied by the subclass

    async def open_stream(self, peer_id: PeerId, protocol_id: str) -> FramedStream:
        raise NotImplementedError

    async def disconnect(self, peer_id: PeerId) -> None:
        raise NotImplementedError

    # Streams

    def set_stream_handler(self, protocol_id: str, handler: StreamHandler) -> None:
        self._dispatcher.set_handler(protocol_id, handler)

    def remove_stream_handler(self, protocol_id: str) -> None:
        self._dispatcher.remove_handler(protocol_id)

    async def request(
        self, peer_id: PeerId, protocol_id: str, payload: bytes, *, timeout: float = 30.0
    ) -> bytes:
        return await exchange(self.open_stream, peer_id, protocol_id, payload, timeout=timeout)

    # Events

    def peer_events(self) -> trio.MemoryReceiveChannel[PeerEvent]:
        return self._events.open_channel()

    def _emit(
        self, kind: PeerEventKind, peer_id: PeerId, *, addrs: tuple[str, ...] = (), reason: str = ""
    ) -> None:
        self._events.emit(PeerEvent(kind, peer_id, addrs=addrs, reason=reason))

    # Conduct

    def penalise(self, peer_id: PeerId, reason: str, *, points: float = 1.0) -> None:
        if peer_id == self._peer_id or self._closed:
            return
        logger.info("Peer %s misbehaved: %s", short(peer_id), reason)
        self._emit(PeerEventKind.MISBEHAVED, peer_id, reason=reason)
        if self._ledger.penalise(peer_id, points, trio.current_time()):
            self._emit(PeerEventKind.BANNED, peer_id, reason=reason)
            self._nursery.start_soon(self._drop_peer, peer_id)

    async def ban(self, peer_id: PeerId, reason: str, *, duration: float | None = None) -> None:
        self._check_open()
        now = trio.current_time()
        if duration is None:
            seconds = self._ledger.banish(peer_id, now)  # escalates for a repeat offender
        else:
            seconds = duration
            self._ledger.ban(peer_id, until=now + seconds)
        logger.info("Banned peer %s for %g s: %s", short(peer_id), seconds, reason)
        self._emit(PeerEventKind.BANNED, peer_id, reason=reason)
        await self._drop_peer(peer_id)

    def unban(self, peer_id: PeerId) -> None:
        self._ledger.unban(peer_id)

    def is_banned(self, peer_id: PeerId) -> bool:
        return self._ledger.is_banned(peer_id, trio.current_time())

    def misbehaviour(self, peer_id: PeerId) -> float:
        return self._ledger.score(peer_id, trio.current_time())

    def _report_oversized(self, peer_id: PeerId, size: int) -> None:
        limit = self._config.streams.max_frame_size
        self.penalise(
            peer_id,
            f"declared a {describe_size(size)} frame (limit {describe_size(limit)})",
            points=self._config.conduct.oversized_frame_points,
        )

    async def _drop_peer(self, peer_id: PeerId) -> None:
        try:
            await self.disconnect(peer_id)
        except P2PError as error:
            logger.debug("Disconnecting banned peer %s: %s", short(peer_id), error)

    def _check_open(self) -> None:
        if self._closed:
            raise HostClosed("This network host was closed; open a new one.")


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def is_shutdown_race(error: BaseException) -> bool:
    """py-libp2p's services can still try to start a task (e.g. pubsub handling a message
    that arrived as the host closed) after their nursery closed; nothing is lost by it."""
    return all(
        isinstance(leaf, RuntimeError) and "closed to new arrivals" in str(leaf) for leaf in _leaves(error)
    )


@asynccontextmanager
async def surface_single_error() -> AsyncIterator[None]:
    """Let one exception raised inside a host's block come out as itself.

    A host block sits inside several nurseries (ours and py-libp2p's), each of which
    wraps an exception in an ExceptionGroup; callers should see their own error.
    """
    try:
        yield
    except BaseExceptionGroup as group:
        leaf: BaseException = group
        while isinstance(leaf, BaseExceptionGroup) and len(leaf.exceptions) == 1:
            leaf = leaf.exceptions[0]
        if isinstance(leaf, BaseExceptionGroup):
            raise
        raise leaf from None
