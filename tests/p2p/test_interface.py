"""The PeerHost interface, run against real py-libp2p on 127.0.0.1 and the in-memory network."""

from __future__ import annotations

import pytest
import trio

from p2p.errors import (
    DialFailed,
    FrameTooLarge,
    MessageTooLarge,
    PeerTimeout,
    StreamClosed,
    StreamOpenFailed,
)
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.identity import PeerId
from p2p.inbound import serve_requests
from p2p.interface import GossipVerdict, PeerHost
from tests.p2p.conftest import DEADLINE, OpenHost, connected_pair, loopback_config, next_event

ECHO = "/studycircle/test-echo/1.0.0"
UPPER = "/studycircle/test-upper/1.0.0"


async def test_connect_reports_peer_ids_addresses_and_connected_peers(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        assert isinstance(a, PeerHost)
        assert all(address.endswith(f"/p2p/{b.peer_id}") for address in b.listen_addrs())
        assert a.connected_peers() == {b.peer_id}
        assert b.connected_peers() == {a.peer_id}


async def test_framed_messages_flow_both_ways(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):

        async def reverse_each_frame(peer_id: PeerId, stream: FramedStream) -> None:
            assert peer_id == a.peer_id
            while True:
                try:
                    frame = await stream.receive()
                except StreamClosed:
                    return
                await stream.send(frame[::-1])

        b.set_stream_handler(ECHO, reverse_each_frame)
        payloads = [b"hello", b"", bytes(range(256)) * 4096, b"last"]
        with trio.fail_after(DEADLINE):
            async with await a.open_stream(b.peer_id, ECHO) as stream:
                assert (stream.peer_id, stream.protocol_id) == (b.peer_id, ECHO)
                for payload in payloads:
                    await stream.send(payload)
                    assert await stream.receive() == payload[::-1]


async def test_request_gets_one_frame_back(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):

        async def upper(peer_id: PeerId, request: bytes) -> bytes:
            return peer_id.encode() + b":" + request.upper()

        b.set_stream_handler(UPPER, serve_requests(upper))
        with trio.fail_after(DEADLINE):
            answer = await a.request(b.peer_id, UPPER, b"frontier please", timeout=DEADLINE)
        assert answer == a.peer_id.encode() + b":FRONTIER PLEASE"


async def test_request_to_a_silent_peer_times_out(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        never = trio.Event()

        async def silent(peer_id: PeerId, request: bytes) -> bytes:
            await never.wait()
            return b""

        b.set_stream_handler(UPPER, serve_requests(silent))
        with trio.fail_after(DEADLINE), pytest.raises(PeerTimeout):
            await a.request(b.peer_id, UPPER, b"anyone?", timeout=0.3)


async def test_a_protocol_nobody_handles_cannot_be_opened(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        with trio.fail_after(DEADLINE), pytest.raises(StreamOpenFailed):
            await a.open_stream(b.peer_id, "/studycircle/unknown/1.0.0")


async def test_gossip_reaches_a_subscriber(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        received: list[tuple[PeerId, bytes]] = []
        arrived = trio.Event()

        async def on_message(origin: PeerId, data: bytes) -> None:
            received.append((origin, data))
            arrived.set()

        await b.subscribe("space-1", on_message)
        # Gossip is lossy until a learns of b's subscription: resend until one arrives.
        with trio.fail_after(DEADLINE):
            while not arrived.is_set():
                await a.publish("space-1", b"new op")
                with trio.move_on_after(0.2):
                    await arrived.wait()
        assert received[0] == (a.peer_id, b"new op")


async def test_gossip_validator_drops_malformed_messages_and_flags_the_sender(
    open_host: OpenHost,
):
    async with connected_pair(open_host) as (a, b):
        events = b.peer_events()
        received: list[bytes] = []
        good_arrived = trio.Event()

        async def on_message(origin: PeerId, data: bytes) -> None:
            received.append(data)
            good_arrived.set()

        def validator(origin: PeerId, data: bytes) -> GossipVerdict:
            return GossipVerdict.ACCEPT if data.startswith(b"op:") else GossipVerdict.REJECT

        await b.subscribe("space-1", on_message, validator=validator)
        with trio.fail_after(DEADLINE):
            while not good_arrived.is_set():
                await a.publish("space-1", b"garbage")
                await a.publish("space-1", b"op:1")
                with trio.move_on_after(0.2):
                    await good_arrived.wait()
            event = await next_event(events, PeerEventKind.MISBEHAVED, a.peer_id)
        assert "invalid gossip" in event.reason
        assert b.misbehaviour(a.peer_id) > 0
        assert all(data == b"op:1" for data in received)


async def test_an_ignored_gossip_message_is_dropped_without_blaming_anyone(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        received: list[bytes] = []
        judged: list[tuple[PeerId, bytes]] = []
        good_arrived = trio.Event()

        async def on_message(origin: PeerId, data: bytes) -> None:
            received.append(data)
            good_arrived.set()

        def validator(origin: PeerId, data: bytes) -> GossipVerdict:
            judged.append((origin, data))
            return GossipVerdict.ACCEPT if data.startswith(b"op:") else GossipVerdict.IGNORE

        await b.subscribe("space-1", on_message, validator=validator)
        with trio.fail_after(DEADLINE):
            while not (good_arrived.is_set() and (a.peer_id, b"from a stranger") in judged):
                await a.publish("space-1", b"from a stranger")
                await a.publish("space-1", b"op:1")
                with trio.move_on_after(0.2):
                    await good_arrived.wait()
        assert b.misbehaviour(a.peer_id) == 0
        assert all(data == b"op:1" for data in received)


async def test_publishing_more_than_the_gossip_limit_is_refused(open_host: OpenHost):
    config = loopback_config()
    async with open_host("a", config) as a:
        too_big = b"x" * (config.gossip.max_message_size + 1)
        with pytest.raises(MessageTooLarge):
            await a.publish("space-1", too_big)


async def test_an_oversized_frame_closes_the_stream_and_flags_the_peer(open_host: OpenHost):
    # b accepts 1 KiB frames; a (misconfigured, or hostile) sends 2 KiB.
    config_b = loopback_config(max_frame_size=1024)
    async with connected_pair(open_host, config_b=config_b) as (a, b):
        events = b.peer_events()
        refused: list[FrameTooLarge] = []

        async def receiver(peer_id: PeerId, stream: FramedStream) -> None:
            try:
                await stream.receive()
            except FrameTooLarge as error:
                refused.append(error)
                raise

        b.set_stream_handler(ECHO, receiver)
        with trio.fail_after(DEADLINE):
            stream = await a.open_stream(b.peer_id, ECHO)
            await stream.send(b"x" * 2048)
            with pytest.raises(StreamClosed):
                await stream.receive()
            event = await next_event(events, PeerEventKind.MISBEHAVED, a.peer_id)
        assert refused and refused[0].size == 2048 and refused[0].limit == 1024
        assert "2.0 KiB frame" in event.reason
        assert b.misbehaviour(a.peer_id) >= config_b.conduct.oversized_frame_points * 0.99


async def test_a_stalled_sender_hits_the_read_timeout(open_host: OpenHost):
    async with connected_pair(open_host, config_b=loopback_config(read_timeout=0.2)) as (a, b):
        outcome: list[BaseException] = []
        handled = trio.Event()

        async def receiver(peer_id: PeerId, stream: FramedStream) -> None:
            try:
                await stream.receive()
            except PeerTimeout as error:
                outcome.append(error)
            finally:
                handled.set()

        b.set_stream_handler(ECHO, receiver)
        with trio.fail_after(DEADLINE):
            async with await a.open_stream(b.peer_id, ECHO):
                await handled.wait()
        assert len(outcome) == 1 and isinstance(outcome[0], PeerTimeout)


async def test_inbound_streams_per_peer_are_limited(open_host: OpenHost):
    async with connected_pair(
        open_host, config_b=loopback_config(max_inbound_streams_per_peer=2)
    ) as (a, b):
        release = trio.Event()
        started = 0
        both_started = trio.Event()

        async def hold(peer_id: PeerId, stream: FramedStream) -> None:
            nonlocal started
            await stream.receive()
            started += 1
            if started == 2:
                both_started.set()
            await release.wait()
            await stream.send(b"served")

        b.set_stream_handler(ECHO, hold)
        with trio.fail_after(DEADLINE):
            first = await a.open_stream(b.peer_id, ECHO)
            second = await a.open_stream(b.peer_id, ECHO)
            await first.send(b"1")
            await second.send(b"2")
            await both_started.wait()
            # The refusal is a reset right after negotiation: it may reach the opener
            # while it is still opening, or at its first read.
            with pytest.raises((StreamOpenFailed, StreamClosed)):
                third = await a.open_stream(b.peer_id, ECHO)
                await third.send(b"3")
                await third.receive()
            release.set()
            assert await first.receive() == b"served"
            assert await second.receive() == b"served"
            for stream in (first, second):
                await stream.close()


async def test_disconnect_is_seen_on_both_sides(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        events_a, events_b = a.peer_events(), b.peer_events()
        await a.disconnect(b.peer_id)
        with trio.fail_after(DEADLINE):
            await next_event(events_a, PeerEventKind.DISCONNECTED, b.peer_id)
            await next_event(events_b, PeerEventKind.DISCONNECTED, a.peer_id)
        assert b.peer_id not in a.connected_peers()


async def test_a_banned_peer_is_dropped_and_cannot_reconnect(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        events_a, events_b = a.peer_events(), b.peer_events()
        b.set_stream_handler(UPPER, serve_requests(_echo))
        await b.ban(a.peer_id, "sent forged ops")
        assert b.is_banned(a.peer_id)
        with trio.fail_after(DEADLINE):
            await next_event(events_b, PeerEventKind.DISCONNECTED, a.peer_id)
            await next_event(events_a, PeerEventKind.DISCONNECTED, b.peer_id)
            with pytest.raises(DialFailed):
                await a.connect(b.listen_addrs()[0])
            with pytest.raises(DialFailed):
                await a.request(b.peer_id, UPPER, b"let me in", timeout=DEADLINE)
        assert a.peer_id not in b.connected_peers()
        assert not any(
            e.kind is PeerEventKind.CONNECTED for e in _drain(events_b) if e.peer_id == a.peer_id
        )


async def test_enough_penalties_ban_a_peer(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        events_b = b.peer_events()
        threshold = loopback_config().conduct.ban_threshold
        b.penalise(a.peer_id, "malformed sync message", points=threshold * 0.6)
        assert not b.is_banned(a.peer_id)
        b.penalise(a.peer_id, "malformed sync message", points=threshold * 0.6)
        assert b.is_banned(a.peer_id)
        with trio.fail_after(DEADLINE):
            banned = await next_event(events_b, PeerEventKind.BANNED, a.peer_id)
            await next_event(events_b, PeerEventKind.DISCONNECTED, a.peer_id)
        assert banned.reason == "malformed sync message"
        b.unban(a.peer_id)
        assert not b.is_banned(a.peer_id) and b.misbehaviour(a.peer_id) == 0


async def test_peer_events_end_when_the_host_closes(open_host: OpenHost):
    async with open_host("a") as a:
        events = a.peer_events()
    with trio.fail_after(DEADLINE):
        assert [event async for event in events] == []


async def _echo(peer_id: PeerId, request: bytes) -> bytes:
    return request


def _drain(channel: trio.MemoryReceiveChannel) -> list:
    events = []
    while True:
        try:
            events.append(channel.receive_nowait())
        except (trio.WouldBlock, trio.EndOfChannel):
            return events


async def test_a_lost_connection_ends_open_streams(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        ended: list[StreamClosed] = []
        first_frame = trio.Event()
        handler_done = trio.Event()

        async def read_until_the_end(peer_id: PeerId, stream: FramedStream) -> None:
            try:
                await stream.receive()
                first_frame.set()
                await stream.receive()  # nothing more is sent: only the lost connection ends this
            except StreamClosed as error:
                ended.append(error)
            finally:
                handler_done.set()

        b.set_stream_handler(ECHO, read_until_the_end)
        with trio.fail_after(DEADLINE):
            stream = await a.open_stream(b.peer_id, ECHO)
            await stream.send(b"hello")
            await first_frame.wait()
            await a.disconnect(b.peer_id)
            await handler_done.wait()
            with pytest.raises(StreamClosed):
                await stream.receive()
        assert len(ended) == 1


async def test_a_known_peer_is_redialed_when_a_stream_is_needed(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        events = a.peer_events()
        b.set_stream_handler(UPPER, serve_requests(_echo))
        await a.disconnect(b.peer_id)
        with trio.fail_after(DEADLINE):
            await next_event(events, PeerEventKind.DISCONNECTED, b.peer_id)
            assert await a.request(b.peer_id, UPPER, b"again", timeout=DEADLINE) == b"again"
        assert b.peer_id in a.connected_peers()


async def test_an_error_inside_the_host_block_comes_out_as_itself(open_host: OpenHost):
    # Regression: cancelling the host's nursery before its services had stopped turned the
    # block's own exception into a swallowed Cancelled (libp2p), or an ExceptionGroup.
    with pytest.raises(LookupError, match="the caller's own error"):
        async with open_host("a"):
            raise LookupError("the caller's own error")


async def test_subscribing_again_replaces_the_handler(open_host: OpenHost):
    async with connected_pair(open_host) as (a, b):
        first: list[bytes] = []
        second = trio.Event()

        async def old_handler(origin: PeerId, data: bytes) -> None:
            first.append(data)

        async def new_handler(origin: PeerId, data: bytes) -> None:
            second.set()

        await b.subscribe("space-1", old_handler)
        await b.subscribe("space-1", new_handler)
        with trio.fail_after(DEADLINE):
            while not second.is_set():
                await a.publish("space-1", b"op")
                with trio.move_on_after(0.2):
                    await second.wait()
        assert first == []
