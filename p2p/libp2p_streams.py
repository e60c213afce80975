"""A libp2p stream seen as a `p2p.framing.ByteStream`.

Owns: `NetStreamBytes`, which maps py-libp2p's stream exceptions onto `StreamClosed` so
nothing above `p2p` ever sees a libp2p type. Runs on the trio task using the stream.
"""

from __future__ import annotations

from libp2p.abc import INetStream
from libp2p.exceptions import BaseLibp2pError
from libp2p.network.stream.exceptions import StreamEOF

from p2p.errors import StreamClosed


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
