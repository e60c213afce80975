"""Room codes on the network: answering them (member) and using one (joiner).

Protocol `/studycircle/room-code/1.0.0`, one exchange per stream (`sync.room_code`,
`sync.wire.room_code`): the joiner asks with the code's channel and its SPAKE2 message;
a device with no open offer on that channel refuses ("no device here has that room code
open") without spending anything; the one that has it answers, and from then on the
exchange counts as a failed try until the joiner's confirmation proves it knew the
words; then the long invite code goes back sealed under the exchange's key.

The joiner asks every peer it is connected to (on the LAN, mDNS connects them), again
as new peers connect, until one has the code or the time is up.

Only the process holding the device's serving lock (`app.room_offers`)
answers; offers and their counters live in the data directory, so `circle invite
--short` from another process adds codes this one answers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import trio

from app.clock import Clock
from app.errors import CommandError
from app.room_offers import edit_offers, serving
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.interface import PeerHost
from sync.errors import Reason, Rejected
from sync.room_code import MAX_FAILURES, NO_SUCH_CODE, JoinerExchange, MemberExchange, RoomCode
from sync.wire.room_code import MAX_MESSAGE, Answer, Ask, Confirm, Refusal, Sealed, decode, encode

logger = logging.getLogger(__name__)

T = TypeVar("T")
ROOM_CODE_PROTOCOL = "/studycircle/room-code/1.0.0"
STEP_TIMEOUT = 10.0  # seconds for the other side's next message
MISBEHAVING_POINTS = 5.0


async def ask_each_peer(
    host: PeerHost, ask: Callable[[PeerId], Awaitable[T | None]], *, timeout: float
) -> T | None:
    """Ask every connected peer once, and each that connects meanwhile (mDNS on a LAN),
    until one answers (not None) or `timeout` seconds pass (None)."""
    asked: set[PeerId] = set()
    with trio.move_on_after(timeout):
        while True:
            for peer in sorted(host.connected_peers() - asked):
                asked.add(peer)
                answer = await ask(peer)
                if answer is not None:
                    return answer
            await trio.sleep(0.2)  # wait for mDNS to bring the next peer
    return None


class RoomCodeService:
    def __init__(self, *, home: Path, host: PeerHost, clock: Clock) -> None:
        self.home = home
        self.host = host
        self.clock = clock
        self.answering = False
        self._lock = trio.Lock()  # one exchange's read-modify-write of the offers at a time

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        with serving(self.home) as held:
            self.answering = held
            if held:
                self.host.set_stream_handler(ROOM_CODE_PROTOCOL, self._serve)
            task_status.started()
            await trio.sleep_forever()

    # -- member --------------------------------------------------------------------
    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        try:
            async with stream:
                ask = decode(await stream.receive(timeout=STEP_TIMEOUT))
                if not isinstance(ask, Ask):
                    raise Rejected(Reason.MALFORMED, "a room-code exchange starts with an ask")
                async with self._lock:
                    answer, exchange = await trio.to_thread.run_sync(self._answer, ask)
                await stream.send(encode(answer))
                if exchange is None:
                    return
                confirm = decode(await stream.receive(timeout=STEP_TIMEOUT))
                if not isinstance(confirm, Confirm):
                    raise Rejected(Reason.MALFORMED, "a room-code answer is followed by a confirmation")
                async with self._lock:
                    last = await trio.to_thread.run_sync(self._finish, exchange, confirm)
                await stream.send(encode(last))
                if isinstance(last, Sealed):
                    logger.info("Room code used by %s", short(peer))
        except Rejected as error:
            logger.warning("Room-code exchange with %s refused: %s", short(peer), error)
            self.host.penalise(peer, f"room code: {error}", points=MISBEHAVING_POINTS)
        except (P2PError, trio.TooSlowError):
            pass  # the joiner went away: its try was spent when we answered

    def _answer(self, ask: Ask) -> tuple[Answer | Refusal, MemberExchange | None]:
        now_ms = self.clock.now_ms()
        with edit_offers(self.home, now_ms=now_ms) as offers:
            offer = offers.get(ask.channel)
            if offer is None:
                return Refusal(NO_SUCH_CODE), None
            exchange = MemberExchange(offer, os.urandom)
            answer = exchange.answer(ask, now_ms=now_ms)  # spends a try, written back on exit
        return answer, exchange if isinstance(answer, Answer) else None

    def _finish(self, exchange: MemberExchange, confirm: Confirm) -> Sealed | Refusal:
        now_ms = self.clock.now_ms()
        with edit_offers(self.home, now_ms=now_ms) as offers:
            offer = offers.get(exchange.offer.code.channel)
            if offer is None or offer.code != exchange.offer.code:
                return Refusal(NO_SUCH_CODE)  # expired, used up or locked meanwhile
            exchange.offer = offer  # the counters as they are now, not as when we answered
            return exchange.finish(confirm, now_ms=now_ms)

    # -- joiner --------------------------------------------------------------------
    async def fetch_invite(self, code: RoomCode, *, timeout: float) -> str:
        """The long invite code behind `code`, from whichever connected peer has it."""
        invite = await ask_each_peer(self.host, lambda peer: self._ask(peer, code), timeout=timeout)
        if invite is not None:
            return invite
        raise CommandError(
            f"No device on this network answered room code {code.text()} within {timeout:g} s;"
            " check that the device that made it is running and on the same network, or use"
            " the long invite code."
        )

    async def _ask(self, peer: PeerId, code: RoomCode) -> str | None:
        exchange = JoinerExchange(code, os.urandom)
        try:
            with trio.fail_after(STEP_TIMEOUT * 2):
                async with await self.host.open_stream(peer, ROOM_CODE_PROTOCOL) as stream:
                    payload = await open_exchange(stream, exchange, no_such=NO_SUCH_CODE)
                    return None if payload is None else payload.decode("ascii")
        except (P2PError, trio.TooSlowError, Rejected, UnicodeDecodeError):
            return None  # this peer does not speak it, or misbehaved: ask the next


async def open_exchange(
    stream: FramedStream, exchange: JoinerExchange, *, no_such: str, max_bytes: int = MAX_MESSAGE
) -> bytes | None:
    """The joiner's side up to the member's first sealed payload, opened: ask, check the
    answer, confirm. None if this peer has no such code open (`no_such`) or answers out
    of order; a refusal, or words that do not match, is a `CommandError` to show."""
    noun = exchange.roles.noun
    await stream.send(encode(await trio.to_thread.run_sync(exchange.ask)))
    reply = decode(await stream.receive(timeout=STEP_TIMEOUT))
    if isinstance(reply, Refusal):
        if reply.sentence == no_such:
            return None
        raise CommandError(f"The {noun} was refused: {reply.sentence}.")
    if not isinstance(reply, Answer):
        return None
    try:
        confirm = await trio.to_thread.run_sync(exchange.confirm, reply)
    except Rejected as wrong:
        raise CommandError(
            f"Wrong {noun} ({wrong.detail}). Each wrong try counts; after {MAX_FAILURES} the code"
            " stops working."
        ) from None
    await stream.send(encode(confirm))
    last = decode(await stream.receive(timeout=STEP_TIMEOUT), max_bytes=max_bytes)
    if isinstance(last, Refusal):
        raise CommandError(f"The {noun} was refused: {last.sentence}.")
    if not isinstance(last, Sealed):
        return None
    return exchange.open_bytes(last.box)
