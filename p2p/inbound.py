"""Inbound streams: protocol handlers, the per-peer stream limit, and request/response.

Owns: `InboundDispatcher` (runs the handler registered for a protocol on each inbound
stream, never letting a handler's failure reach the host), `serve_requests` (adapts a
request function into a stream handler) and `exchange` (one frame out, one frame back).
Runs on the trio task the transport gives each inbound stream.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeAlias

import trio

from p2p.config import StreamLimits
from p2p.errors import P2PError, PeerTimeout
from p2p.framing import ByteStream, FramedStream, OversizedFrameReporter
from p2p.identity import PeerId, short

logger = logging.getLogger(__name__)

StreamHandler: TypeAlias = Callable[[PeerId, FramedStream], Awaitable[None]]
RequestResponder: TypeAlias = Callable[[PeerId, bytes], Awaitable[bytes]]
StreamOpener: TypeAlias = Callable[[PeerId, str], Awaitable[FramedStream]]


class InboundDispatcher:
    def __init__(self, limits: StreamLimits, on_oversized: OversizedFrameReporter) -> None:
        self._limits = limits
        self._on_oversized = on_oversized
        self._handlers: dict[str, StreamHandler] = {}
        self._active: dict[PeerId, int] = {}

    @property
    def limits(self) -> StreamLimits:
        return self._limits

    def set_handler(self, protocol_id: str, handler: StreamHandler) -> None:
        self._handlers[protocol_id] = handler

    def remove_handler(self, protocol_id: str) -> None:
        self._handlers.pop(protocol_id, None)

    def handles(self, protocol_id: str) -> bool:
        return protocol_id in self._handlers

    def active_streams(self, peer_id: PeerId) -> int:
        return self._active.get(peer_id, 0)

    def wrap(self, byte_stream: ByteStream, peer_id: PeerId, protocol_id: str) -> FramedStream:
        return FramedStream(
            byte_stream,
            peer_id=peer_id,
            protocol_id=protocol_id,
            limits=self._limits,
            on_oversized=self._on_oversized,
        )

    async def serve(self, peer_id: PeerId, protocol_id: str, byte_stream: ByteStream) -> None:
        """Run the protocol's handler on one inbound stream, then close the stream."""
        stream = self.wrap(byte_stream, peer_id, protocol_id)
        handler = self._handlers.get(protocol_id)
        if handler is None:
            await stream.reset()
            return
        if self.active_streams(peer_id) >= self._limits.max_inbound_streams_per_peer:
            logger.info(
                "Refused a stream on %s from %s: it already has %d open",
                protocol_id,
                short(peer_id),
                self._limits.max_inbound_streams_per_peer,
            )
            await stream.reset()
            return
        self._active[peer_id] = self.active_streams(peer_id) + 1
        try:
            async with stream:
                await handler(peer_id, stream)
        except P2PError as error:
            logger.debug("Stream %s from %s ended: %s", protocol_id, short(peer_id), error)
        except Exception:
            # A bug in one handler must not take the whole network layer down.
            logger.exception("Handler for %s failed on a stream from %s", protocol_id, peer_id)
        finally:
            remaining = self._active[peer_id] - 1
            if remaining:
                self._active[peer_id] = remaining
            else:
                del self._active[peer_id]


def serve_requests(respond: RequestResponder) -> StreamHandler:
    """A stream handler answering each request frame with `respond`'s frame."""

    async def handle(peer_id: PeerId, stream: FramedStream) -> None:
        request = await stream.receive()
        await stream.send(await respond(peer_id, request))

    return handle


async def exchange(
    open_stream: StreamOpener,
    peer_id: PeerId,
    protocol_id: str,
    payload: bytes,
    *,
    timeout: float,
) -> bytes:
    """Open a stream, send one frame, return the one frame that comes back."""
    with trio.move_on_after(timeout):
        stream = await open_stream(peer_id, protocol_id)
        async with stream:
            await stream.send(payload)
            return await stream.receive(timeout=timeout)
    raise PeerTimeout(
        f"Peer {short(peer_id)} did not answer on {protocol_id} within {timeout:g} s."
    )
