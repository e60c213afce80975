"""Length-prefixed frames over a byte stream: a u32 big-endian length, then the payload.

Owns: `ByteStream` (what a transport must provide), `FramedStream` (whole frames with a
size limit and deadlines, the only stream type callers see) and `encode_frame`.
Runs on whichever trio task uses the stream; one sender and one receiver at a time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

import trio

from p2p.config import StreamLimits
from p2p.errors import FrameTooLarge, P2PError, PeerTimeout, StreamClosed, describe_size
from p2p.identity import PeerId, short

FRAME_HEADER = struct.Struct(">I")
_READ_CHUNK = 64 * 1024
# Closing or resetting must finish even inside a cancelled scope, but never hang.
_CLEANUP_TIMEOUT = 2.0

OversizedFrameReporter = Callable[[PeerId, int], None]


class ByteStream(Protocol):
    """A reliable, ordered byte stream to one peer (a libp2p stream or an in-memory pipe)."""

    async def receive_some(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` bytes; b"" once the peer closed its side. Raises StreamClosed."""
        ...

    async def send_all(self, data: bytes) -> None:
        """Send all of `data`. Raises StreamClosed."""
        ...

    async def close(self) -> None:
        """Finish gracefully: the peer reads what was sent, then the end of the stream."""
        ...

    async def reset(self) -> None:
        """Abort both directions at once."""
        ...


def encode_frame(payload: bytes) -> bytes:
    return FRAME_HEADER.pack(len(payload)) + payload


class FramedStream:
    """Whole frames to and from one peer on one protocol.

    A receive deadline that passes leaves the stream usable (no partial frame is
    consumed); a send deadline that passes resets it, since the peer may hold half a frame.
    """

    def __init__(
        self,
        byte_stream: ByteStream,
        *,
        peer_id: PeerId,
        protocol_id: str,
        limits: StreamLimits,
        on_oversized: OversizedFrameReporter | None = None,
    ) -> None:
        self._bytes = byte_stream
        self._peer_id = peer_id
        self._protocol_id = protocol_id
        self._limits = limits
        self._on_oversized = on_oversized
        self._buffer = bytearray()
        self._ended: str | None = None  # why no more frames can arrive, once known
        self._finished = False  # closed or reset by us
        self._send_lock = trio.Lock()
        self._receive_lock = trio.Lock()

    @property
    def peer_id(self) -> PeerId:
        return self._peer_id

    @property
    def protocol_id(self) -> str:
        return self._protocol_id

    async def send(self, payload: bytes) -> None:
        limit = self._limits.max_frame_size
        if len(payload) > limit:
            raise FrameTooLarge(
                f"Cannot send a {describe_size(len(payload))} frame on {self._protocol_id}; "
                f"the limit is {describe_size(limit)}. Split the data into smaller frames.",
                size=len(payload),
                limit=limit,
            )
        self._check_usable()
        async with self._send_lock:
            with trio.move_on_after(self._limits.write_timeout):
                await self._bytes.send_all(encode_frame(payload))
                return
        await self.reset()
        raise PeerTimeout(
            f"Peer {short(self._peer_id)} did not accept data on {self._protocol_id} "
            f"within {self._limits.write_timeout:g} s; the stream was reset."
        )

    async def receive(self, *, timeout: float | None = None) -> bytes:
        """The next frame's payload. Raises StreamClosed, FrameTooLarge or PeerTimeout."""
        self._check_usable()
        deadline = self._limits.read_timeout if timeout is None else timeout
        async with self._receive_lock:
            with trio.move_on_after(deadline):
                return await self._receive_frame()
        raise PeerTimeout(
            f"Peer {short(self._peer_id)} sent nothing on {self._protocol_id} "
            f"within {deadline:g} s."
        )

    async def close(self) -> None:
        """Done with the stream: the peer reads the frames sent so far, then its end."""
        await self._finish(graceful=True)

    async def reset(self) -> None:
        """Abort the stream in both directions."""
        await self._finish(graceful=False)

    async def __aenter__(self) -> FramedStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._finish(graceful=exc_type is None)

    def _check_usable(self) -> None:
        if self._finished:
            raise StreamClosed(f"The stream to {short(self._peer_id)} was already closed here.")
        if self._ended is not None and not self._buffer:
            raise StreamClosed(self._ended)

    async def _receive_frame(self) -> bytes:
        await self._fill(FRAME_HEADER.size)
        (length,) = FRAME_HEADER.unpack_from(self._buffer)
        limit = self._limits.max_frame_size
        if length > limit:
            self._ended = f"Peer {short(self._peer_id)} sent an oversized frame."
            await self.reset()
            if self._on_oversized is not None:
                self._on_oversized(self._peer_id, length)
            raise FrameTooLarge(
                f"Peer {short(self._peer_id)} declared a {describe_size(length)} frame on "
                f"{self._protocol_id}; the limit is {describe_size(limit)}. "
                "The stream was closed and the peer penalised.",
                size=length,
                limit=limit,
            )
        end = FRAME_HEADER.size + length
        await self._fill(end)
        payload = bytes(self._buffer[FRAME_HEADER.size : end])
        del self._buffer[:end]
        return payload

    async def _fill(self, size: int) -> None:
        # Only appends whole chunks, so a cancelled wait never loses data.
        while len(self._buffer) < size:
            if self._ended is not None:
                raise StreamClosed(self._ended)
            chunk = await self._bytes.receive_some(_READ_CHUNK)
            if chunk:
                self._buffer += chunk
                continue
            if self._buffer:
                self._ended = (
                    f"Peer {short(self._peer_id)} closed {self._protocol_id} "
                    "in the middle of a frame."
                )
            else:
                self._ended = f"Peer {short(self._peer_id)} closed {self._protocol_id}."
            raise StreamClosed(self._ended)

    async def _finish(self, *, graceful: bool) -> None:
        if self._finished:
            return
        self._finished = True
        with trio.move_on_after(_CLEANUP_TIMEOUT) as scope:
            scope.shield = True
            try:
                if graceful:
                    await self._bytes.close()
                else:
                    await self._bytes.reset()
            except P2PError:
                pass  # the stream is gone already, which is what we wanted
