"""Adapters of py-libp2p streams.

Owns: `NetStreamBytes`, a libp2p stream seen as a `p2p.framing.ByteStream` (py-libp2p's
stream exceptions mapped onto `StreamClosed`, so nothing above `p2p` ever sees a libp2p
type); and `ReadAhead`, a libp2p stream whose small reads are served from one larger
read. Run on the trio task using the stream.
"""

from __future__ import annotations

from libp2p.abc import INetStream
from libp2p.exceptions import BaseLibp2pError
from libp2p.network.stream.exceptions import StreamEOF

from p2p.errors import StreamClosed

# What `ReadAhead` asks the muxer for at once: one yamux frame's worth.
READ_AHEAD = 64 * 1024


class NetStreamBytes:
    def __init__(self, net_stream: INetStream) -> None:
        self._stream = net_stream

    async def receive_some(self, max_bytes: int) -> bytes:
        try:
            return await self._stream.read(max_bytes)
        except StreamEOF:
            return b""
        except BaseLibp2pError as error:
            raise StreamClosed(f"The stream was reset or its connection lost ({error}).") from error

    async def send_all(self, data: bytes) -> None:
        try:
            await self._stream.write(data)
        except BaseLibp2pError as error:
            raise StreamClosed(f"The stream was reset or its connection lost ({error}).") from error

    async def close(self) -> None:
        # NetStream.close sends FIN and releases the stream's resource-manager slot;
        # skipping it leaks a slot per stream until new streams block.
        try:
            await self._stream.close()
        except BaseLibp2pError as error:
            raise StreamClosed(str(error)) from error

    async def reset(self) -> None:
        try:
            await self._stream.reset()
        except BaseLibp2pError as error:
            raise StreamClosed(str(error)) from error


class ReadAhead:
    """A libp2p stream whose reads are served from one larger read.

    py-libp2p's pubsub reads each RPC's varint length a byte at a time, then its body;
    yamux answers every read that returns data with a window update frame. Three frames
    out per small message in was the largest part of a gossiping peer's work
    (docs/benchmarks.md, Propagation). Everything else is the wrapped stream's.
    """

    def __init__(self, net_stream: INetStream) -> None:
        self._stream = net_stream
        self._buffer = bytearray()

    async def read(self, n: int | None = None) -> bytes:
        if n is None or n < 0:  # everything: what we hold, else what the stream has
            if not self._buffer:
                return await self._stream.read(n)
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        if not self._buffer:
            self._buffer += await self._stream.read(max(n, READ_AHEAD))
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
