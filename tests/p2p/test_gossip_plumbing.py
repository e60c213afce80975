"""The pieces that make py-libp2p's gossip cheap enough for 10 peers on 2 cores: reads
ahead on pubsub streams, merged RPCs, and peer records verified once."""

from __future__ import annotations

from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2

from p2p.libp2p_streams import READ_AHEAD, ReadAhead
from p2p.upstream.peer_records import _VerifiedOnce
from p2p.upstream.pubsub_delivery import _merged


class ScriptedStream:
    """A stream whose reads return the given chunks, recording what was asked for."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.asked: list[int | None] = []
        self.muxed_conn = "the connection"

    async def read(self, n: int | None = None) -> bytes:
        self.asked.append(n)
        return self.chunks.pop(0) if self.chunks else b""


async def test_small_reads_are_served_from_one_read_of_the_stream() -> None:
    stream = ScriptedStream(b"\x05hello\x03abc", b"\x01z")
    reader = ReadAhead(stream)  # type: ignore[arg-type]
    assert [await reader.read(1), await reader.read(5), await reader.read(1)] == [b"\x05", b"hello", b"\x03"]
    assert stream.asked == [READ_AHEAD]  # varint, body, varint: one read of the stream
    assert await reader.read(10) == b"abc"  # what is held, without waiting for more
    assert await reader.read(-1) == b"\x01z"
    assert await reader.read(1) == b""  # end of stream
    assert reader.muxed_conn == "the connection"  # everything else is the stream's


def test_merged_rpcs_carry_both_and_leave_the_originals_alone() -> None:
    first = rpc_pb2.RPC(publish=[rpc_pb2.Message(data=b"one")])
    second = rpc_pb2.RPC(
        publish=[rpc_pb2.Message(data=b"two")],
        control=rpc_pb2.ControlMessage(graft=[rpc_pb2.ControlGraft(topicID="t")]),
    )
    merged = _merged(first, second)
    assert [message.data for message in merged.publish] == [b"one", b"two"]
    assert [graft.topicID for graft in merged.control.graft] == ["t"]
    assert len(first.publish) == 1 and not first.HasField("control")


def test_a_peer_record_is_verified_once_per_peer_and_refusals_are_not_remembered() -> None:
    calls: list[bytes] = []
    verdicts = {b"good": True, b"forged": False}

    def consume(rpc: rpc_pb2.RPC, host: object, peer_id: ID) -> bool:
        calls.append(rpc.senderRecord)
        return verdicts[rpc.senderRecord]

    verify = _VerifiedOnce(consume)  # type: ignore[arg-type]
    ana, ben = ID(b"ana"), ID(b"ben")
    good, forged = rpc_pb2.RPC(senderRecord=b"good"), rpc_pb2.RPC(senderRecord=b"forged")
    assert verify(good, None, ana) and verify(good, None, ana)  # type: ignore[arg-type]
    assert calls == [b"good"]
    assert verify(good, None, ben)  # type: ignore[arg-type]  # another peer: checked again
    assert not verify(forged, None, ana) and not verify(forged, None, ana)  # type: ignore[arg-type]
    assert calls == [b"good", b"good", b"forged", b"forged"]
    assert verify(rpc_pb2.RPC(), None, ana)  # type: ignore[arg-type]  # no record: nothing to check
