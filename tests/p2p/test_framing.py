"""Length-prefixed framing over byte streams that deliver data in arbitrary pieces."""

from __future__ import annotations

import struct

import pytest
import trio
from hypothesis import given
from hypothesis import strategies as st

from p2p.config import StreamLimits
from p2p.errors import FrameTooLarge, PeerTimeout, StreamClosed
from p2p.framing import FramedStream, encode_frame
from p2p.identity import PeerId, peer_id_from_seed
from p2p.memory_pipes import PipeSet
from tests.p2p.conftest import device_seed

PEER = peer_id_from_seed(device_seed("peer"))
LIMITS = StreamLimits(max_frame_size=1024, read_timeout=5.0, write_timeout=5.0)


class ScriptedBytes:
    """A ByteStream that returns pre-cut pieces, then EOF; records what is sent."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)
        self.sent = bytearray()
        self.closed = self.was_reset = False

    async def receive_some(self, max_bytes: int) -> bytes:
        await trio.lowlevel.checkpoint()
        if not self.pieces:
            return b""
        piece = self.pieces.pop(0)
        self.pieces[:0] = [piece[max_bytes:]] if len(piece) > max_bytes else []
        return piece[:max_bytes]

    async def send_all(self, data: bytes) -> None:
        await trio.lowlevel.checkpoint()
        self.sent += data

    async def close(self) -> None:
        self.closed = True

    async def reset(self) -> None:
        self.was_reset = True


def framed(byte_stream: object, on_oversized=None) -> FramedStream:
    return FramedStream(
        byte_stream,  # type: ignore[arg-type]
        peer_id=PEER,
        protocol_id="/test/1",
        limits=LIMITS,
        on_oversized=on_oversized,
    )


def cut(data: bytes, sizes: list[int]) -> list[bytes]:
    pieces, offset = [], 0
    for size in sizes:
        if offset >= len(data):
            break
        pieces.append(data[offset : offset + size])
        offset += size
    if offset < len(data):
        pieces.append(data[offset:])
    return pieces


@given(
    payloads=st.lists(st.binary(max_size=1024), max_size=8),
    sizes=st.lists(st.integers(min_value=1, max_value=300), max_size=40),
)
def test_frames_survive_any_split_of_the_byte_stream(payloads: list[bytes], sizes: list[int]):
    wire = b"".join(encode_frame(payload) for payload in payloads)

    async def read_all() -> list[bytes]:
        stream = framed(ScriptedBytes(cut(wire, sizes)))
        frames = []
        while True:
            try:
                frames.append(await stream.receive())
            except StreamClosed:
                return frames

    assert trio.run(read_all) == payloads


def test_the_header_is_a_big_endian_u32_length():
    assert encode_frame(b"abc") == b"\x00\x00\x00\x03abc"


async def test_a_declared_length_over_the_limit_is_refused_before_reading_it():
    reported: list[tuple[PeerId, int]] = []
    byte_stream = ScriptedBytes([struct.pack(">I", 5000) + b"x" * 10])
    stream = framed(byte_stream, on_oversized=lambda peer, size: reported.append((peer, size)))
    with pytest.raises(FrameTooLarge) as error:
        await stream.receive()
    assert (error.value.size, error.value.limit) == (5000, 1024)
    assert reported == [(PEER, 5000)]
    assert byte_stream.was_reset
    with pytest.raises(StreamClosed):
        await stream.receive()


async def test_a_frame_exactly_at_the_limit_is_accepted():
    stream = framed(ScriptedBytes([encode_frame(b"y" * 1024)]))
    assert await stream.receive() == b"y" * 1024


async def test_sending_over_the_limit_fails_locally_and_sends_nothing():
    byte_stream = ScriptedBytes([])
    with pytest.raises(FrameTooLarge):
        await framed(byte_stream).send(b"z" * 1025)
    assert byte_stream.sent == b""


async def test_a_stream_ending_mid_frame_is_reported_as_truncated():
    stream = framed(ScriptedBytes([encode_frame(b"complete"), encode_frame(b"cut short")[:7]]))
    assert await stream.receive() == b"complete"
    with pytest.raises(StreamClosed, match="middle of a frame"):
        await stream.receive()


async def test_a_missed_deadline_leaves_the_stream_usable():
    ours, theirs = PipeSet().open_pipe()
    stream = framed(ours)
    with pytest.raises(PeerTimeout):
        await stream.receive(timeout=0.05)
    # Half a frame arrives, the deadline passes, then the rest: nothing is lost.
    wire = encode_frame(b"late but whole")
    await theirs.send_all(wire[:5])
    with pytest.raises(PeerTimeout):
        await stream.receive(timeout=0.05)
    await theirs.send_all(wire[5:])
    with trio.fail_after(5):
        assert await stream.receive() == b"late but whole"


async def test_a_reset_pipe_closes_both_ends():
    ours, theirs = PipeSet().open_pipe()
    await framed(theirs).reset()
    with pytest.raises(StreamClosed):
        await framed(ours).receive()
    with pytest.raises(StreamClosed):
        await framed(ours).send(b"anyone?")


async def test_close_is_idempotent_and_ends_use():
    byte_stream = ScriptedBytes([])
    stream = framed(byte_stream)
    await stream.close()
    await stream.close()
    assert byte_stream.closed
    with pytest.raises(StreamClosed):
        await stream.send(b"after close")


async def test_leaving_the_block_with_an_error_resets_the_stream():
    byte_stream = ScriptedBytes([])
    with pytest.raises(RuntimeError):
        async with framed(byte_stream):
            raise RuntimeError("handler bug")
    assert byte_stream.was_reset and not byte_stream.closed
