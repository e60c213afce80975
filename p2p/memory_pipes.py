"""In-memory byte streams: the transport under `MemoryHost`'s framed streams.

Owns: `open_pipe`, which makes two connected `ByteStream` ends with bounded buffers
(so a reader that stops reading stalls the writer, as flow control does on TCP), and
`PipeSet`, the pipes of one connection, reset together when it is severed.
Runs on the trio tasks that use the ends.
"""

from __future__ import annotations

import trio

from p2p.errors import StreamClosed

_BUFFERED_CHUNKS = 16


class _Pipe:
    """Both directions of one stream; resetting closes every channel at once."""

    def __init__(self, owner: PipeSet) -> None:
        self._owner = owner
        a_to_b_send, a_to_b_receive = trio.open_memory_channel[bytes](_BUFFERED_CHUNKS)
        b_to_a_send, b_to_a_receive = trio.open_memory_channel[bytes](_BUFFERED_CHUNKS)
        self._channels = (a_to_b_send, a_to_b_receive, b_to_a_send, b_to_a_receive)
        self.was_reset = False
        self._ends_closed = 0
        self.end_a = PipeEnd(self, a_to_b_send, b_to_a_receive)
        self.end_b = PipeEnd(self, b_to_a_send, a_to_b_receive)

    def reset(self) -> None:
        self.was_reset = True
        for channel in self._channels:
            channel.close()
        self._owner.discard(self)

    def end_closed(self) -> None:
        self._ends_closed += 1
        if self._ends_closed == 2:
            self._owner.discard(self)


class PipeEnd:
    """One side of an in-memory stream; implements `p2p.framing.ByteStream`."""

    def __init__(
        self,
        pipe: _Pipe,
        send: trio.MemorySendChannel[bytes],
        receive: trio.MemoryReceiveChannel[bytes],
    ) -> None:
        self._pipe = pipe
        self._send = send
        self._receive = receive
        self._leftover = b""
        self._closed = False

    async def receive_some(self, max_bytes: int) -> bytes:
        if not self._leftover:
            try:
                self._leftover = await self._receive.receive()
            except trio.EndOfChannel:
                if self._pipe.was_reset:
                    raise StreamClosed("The stream was reset.") from None
                return b""
            except (trio.ClosedResourceError, trio.BrokenResourceError):
                raise StreamClosed("The stream was reset.") from None
        chunk, self._leftover = self._leftover[:max_bytes], self._leftover[max_bytes:]
        return chunk

    async def send_all(self, data: bytes) -> None:
        try:
            await self._send.send(bytes(data))
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            raise StreamClosed("The stream was reset.") from None

    async def close(self) -> None:
        self._send.close()
        if not self._closed:
            self._closed = True
            self._pipe.end_closed()
        await trio.lowlevel.checkpoint()

    async def reset(self) -> None:
        self._pipe.reset()
        await trio.lowlevel.checkpoint()


class PipeSet:
    """The open streams of one in-memory connection."""

    def __init__(self) -> None:
        self._pipes: set[_Pipe] = set()
        self.severed = False

    def open_pipe(self) -> tuple[PipeEnd, PipeEnd]:
        if self.severed:
            raise StreamClosed("The connection was closed.")
        pipe = _Pipe(self)
        self._pipes.add(pipe)
        return pipe.end_a, pipe.end_b

    def discard(self, pipe: _Pipe) -> None:
        self._pipes.discard(pipe)

    def sever(self) -> None:
        """The connection is gone: every stream on it is reset."""
        self.severed = True
        for pipe in list(self._pipes):
            pipe.reset()
