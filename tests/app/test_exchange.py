"""A reconciliation session's errors: a stream that breaks mid-session surfaces as itself.

The session runs each send beside the next read from the store, in a nursery; a broken
stream must still come out as the `StreamClosed` its callers handle, not as an
exception group they would log as a crash.
"""

from __future__ import annotations

import pytest
import trio

from app.network import exchange
from p2p.config import StreamLimits
from p2p.errors import StreamClosed
from p2p.framing import FramedStream
from p2p.identity import PeerId
from p2p.memory_pipes import PipeSet
from sync.wire.gossip import Answer, Hello, decode_hello, encode_answer
from tests.app.conftest import People

LIMITS = StreamLimits(read_timeout=10.0, write_timeout=10.0)


def framed(end: object, peer: str) -> FramedStream:
    return FramedStream(end, peer_id=PeerId(peer), protocol_id="/test/reconcile", limits=LIMITS)  # type: ignore[arg-type]


async def test_a_connection_lost_after_the_hello_raises_stream_closed(people: People) -> None:
    owner = people("owner")
    space = await owner.create_circle("Physics")
    await owner.post(space, "a thread to offer")
    connection = PipeSet()
    ours, theirs = connection.open_pipe()
    initiator, responder = framed(ours, "12D3KooWPeer"), framed(theirs, "12D3KooWOwner")

    async def accept() -> None:
        assert decode_hello(await responder.receive()).space == space
        await responder.send(encode_answer(Answer(True)))

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(accept)
            with pytest.raises(StreamClosed):  # the connection drops as our first turn starts
                await exchange.initiate(owner.database, initiator, Hello(space), on_accepted=connection.sever)
