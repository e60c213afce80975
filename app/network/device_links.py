"""Link codes on the network: the existing device waits for its new one (linker), and
the new device finds it and is linked (`sync.device_link`).

Protocol `/studycircle/device-link/1.0.0`, one exchange per stream, in the room-code
exchange's messages (`sync.wire.room_code`): ask, answer, confirm, then sealed frames
carrying `sync.wire.device_link` messages — the offer (spaces), the new device's signed
consents, the keys, and `done` once the new device has fetched the history (over
ordinary sync sessions with the linker, which serve it now that it is a member device).

The linker answers only while `open` holds a `PendingLink` (the `device link` command,
or the desktop client's "Link a device…", waiting). A peer with no link open, or one on
another channel, refuses without spending a try; an answered exchange counts as a
failed try until confirmed, and three lock the code. The new device asks every peer it
is connected to (on the LAN, mDNS connects them) until one has the code.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import trio

from app.clock import Clock
from app.errors import CommandError
from app.network.gossip_inbox import device_of
from app.network.room_codes import ask_each_peer, open_exchange
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.interface import PeerHost
from sync import device_link as pure
from sync.device_link import LINK, NO_SUCH_LINK, PendingLink
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import DeviceId
from sync.room_code import JoinerExchange, MemberExchange, OfferState, RoomCode
from sync.wire import device_link as wire
from sync.wire.room_code import Answer, Ask, Confirm, Refusal, Sealed, decode, encode

logger = logging.getLogger(__name__)

DEVICE_LINK_PROTOCOL = "/studycircle/device-link/1.0.0"
STEP_TIMEOUT = 10.0  # seconds for the other side's next message
KEYS_TIMEOUT = 60.0  # the linker signs one link per space
HISTORY_TIMEOUT = 300.0  # the new device fetches every space's history
MISBEHAVING_POINTS = 5.0

#: The linker's work once the new device consented: write the links, gather the keys.
LinkStatements = Callable[[wire.LinkOffer, wire.Statements], Awaitable[wire.Keys]]
#: The new device's work once it has the keys: take them, fetch the history from `peer`.
TakeKeys = Callable[[PeerId, wire.LinkOffer, wire.Keys], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Linked:
    """A finished link, as either side saw it."""

    device: DeviceId  # the other device
    name: str  # its name, as it said
    spaces: int  # how many spaces were linked
    refused: tuple[str, ...]  # why any offered space was not
    resumed: bool = False  # the new device was linked already: it only finished syncing


class DeviceLinkService:
    def __init__(self, *, host: PeerHost, clock: Clock, link_statements: LinkStatements) -> None:
        self.host = host
        self.clock = clock
        self._link_statements = link_statements
        self._pending: PendingLink | None = None
        self._offer: wire.LinkOffer | None = None
        self._result: Linked | None = None
        self._failure: str | None = None  # why a confirmed link did not finish
        self._changed = trio.Event()
        self._lock = trio.Lock()  # one exchange's step at a time on the pending link

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        self.host.set_stream_handler(DEVICE_LINK_PROTOCOL, self._serve)
        task_status.started()
        await trio.sleep_forever()

    # -- linker ------------------------------------------------------------------------
    def open(self, pending: PendingLink, offer: wire.LinkOffer) -> None:
        """Answer `pending` (replacing any earlier link code) until it is used or expires."""
        self._pending, self._offer, self._result, self._failure = pending, offer, None, None
        self._wake()

    def close(self) -> None:
        self._pending = self._offer = None
        self._wake()

    @property
    def pending(self) -> PendingLink | None:
        return self._pending

    def _wake(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def wait(self) -> Linked:
        """Until the open link code is used (the new device linked and holding the history),
        or a sentence says why it never will be (expired, locked)."""
        pending = self._pending
        if pending is None:
            raise CommandError("No link code is open on this device.")
        try:
            while True:
                if self._result is not None:
                    return self._result
                if self._failure is not None:
                    raise CommandError(self._failure)
                if self._pending is not pending:
                    raise CommandError("The link code was replaced or closed.")
                state = pending.state(self.clock.now_ms())
                if state is OfferState.LOCKED or (state is OfferState.EXPIRED and pending.joined == 0):
                    raise CommandError(f"No device was linked: {LINK.refusals[state]}.")
                left = max(0.05, (pending.expires_ms - self.clock.now_ms()) / 1000)
                with trio.move_on_after(left if pending.joined == 0 else HISTORY_TIMEOUT):
                    await self._changed.wait()
        finally:
            if self._pending is pending:
                self._pending = self._offer = None

    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        try:
            async with stream:
                await self._exchange(peer, stream)
        except Rejected as error:
            logger.warning("Device-link exchange with %s refused: %s", short(peer), error)
            self.host.penalise(peer, f"device link: {error}", points=MISBEHAVING_POINTS)
        except (P2PError, trio.TooSlowError):
            pass  # the new device went away: its try was spent when we answered
        finally:
            self._wake()  # a waiting `wait` looks again (a try spent may have locked the code)

    async def _exchange(self, peer: PeerId, stream: FramedStream) -> None:
        ask = decode(await stream.receive(timeout=STEP_TIMEOUT))
        if not isinstance(ask, Ask):
            raise Rejected(Reason.MALFORMED, "a device-link exchange starts with an ask")
        async with self._lock:
            pending, offer = self._pending, self._offer
            if pending is None or offer is None or pending.code.channel != ask.channel:
                await stream.send(encode(Refusal(NO_SUCH_LINK)))
                return
            exchange = MemberExchange(pending, os.urandom, LINK)
            answer = await trio.to_thread.run_sync(lambda: exchange.answer(ask, now_ms=self.clock.now_ms()))
        await stream.send(encode(answer))
        if not isinstance(answer, Answer):
            return
        confirm = decode(await stream.receive(timeout=STEP_TIMEOUT))
        if not isinstance(confirm, Confirm):
            raise Rejected(Reason.MALFORMED, "a device-link answer is followed by a confirmation")
        async with self._lock:
            last = exchange.finish(confirm, now_ms=self.clock.now_ms())
        await stream.send(encode(last))
        if not isinstance(last, Sealed):
            return
        try:
            await self._link(peer, stream, exchange, offer)
        except (P2PError, trio.TooSlowError, Rejected, CommandError) as error:
            self._failure = (
                f"The new device stopped before the link finished ({error}); any circle it was"
                " linked in keeps it linked: make a new code, or `device unlink` it if it is lost."
            )
            if isinstance(error, Rejected | P2PError | trio.TooSlowError):
                raise
            logger.warning("Device link failed: %s", error)

    async def _link(
        self, peer: PeerId, stream: FramedStream, exchange: MemberExchange, offer: wire.LinkOffer
    ) -> None:
        statements = await self._receive(stream, exchange, STEP_TIMEOUT)
        device = device_of(peer)
        if not isinstance(statements, wire.Statements) or statements.device != device:
            raise Rejected(Reason.MALFORMED, "the new device's consents are not its own")
        keys = await self._link_statements(offer, statements)
        await stream.send(encode(Sealed(exchange.seal(wire.encode(keys)))))
        done = await self._receive(stream, exchange, HISTORY_TIMEOUT)
        if not isinstance(done, wire.Done):
            raise Rejected(Reason.MALFORMED, "a device link ends with done")
        self._result = Linked(
            device, statements.device_name, len(keys.keys), tuple(w for _, w in keys.refused)
        )
        logger.info("Linked device %s", short(peer))

    @staticmethod
    async def _receive(stream: FramedStream, exchange: MemberExchange, timeout: float) -> wire.Message:
        sealed = decode(await stream.receive(timeout=timeout), max_bytes=wire.MAX_MESSAGE + 100)
        if not isinstance(sealed, Sealed):
            raise Rejected(Reason.MALFORMED, "a device-link message must be sealed")
        return wire.decode(exchange.open(sealed.box))

    # -- new device ----------------------------------------------------------------------
    async def join(
        self, code: RoomCode, *, name: str, key: DeviceKey, take_keys: TakeKeys, timeout: float
    ) -> Linked:
        """Be linked through whichever connected peer has `code` open."""

        async def ask(peer: PeerId) -> Linked | None:
            return await self._ask(peer, code, name=name, key=key, take_keys=take_keys)

        linked = await ask_each_peer(self.host, ask, timeout=timeout)
        if linked is not None:
            return linked
        raise CommandError(
            f"No device on this network answered link code {code.text()} within {timeout:g} s;"
            " check that `device link` is still waiting on your other device, on the same network."
        )

    async def who_offers(self, code: RoomCode, *, skip: set[DeviceId]) -> wire.LinkOffer | None:
        """On a device already linked: the offer of the first connected peer (not one of
        `skip`) that has `code` open, read and then abandoned — no consent is signed, so
        nothing is linked (that linker's `device link` ends, saying the device stopped).
        None if no connected peer has it (peers are not waited for)."""
        for peer in sorted(self.host.connected_peers()):
            if device_of(peer) in skip:
                continue
            try:
                stream = await self.host.open_stream(peer, DEVICE_LINK_PROTOCOL)
            except P2PError:
                continue
            async with stream:
                try:
                    with trio.fail_after(STEP_TIMEOUT * 2):
                        offer = await self._open_exchange(stream, JoinerExchange(code, os.urandom, LINK))
                except (P2PError, trio.TooSlowError, Rejected):
                    continue
            if offer is not None and offer.linker == device_of(peer):
                return offer
        return None

    async def _ask(
        self, peer: PeerId, code: RoomCode, *, name: str, key: DeviceKey, take_keys: TakeKeys
    ) -> Linked | None:
        exchange = JoinerExchange(code, os.urandom, LINK)
        try:
            stream = await self.host.open_stream(peer, DEVICE_LINK_PROTOCOL)
        except P2PError:
            return None
        async with stream:
            try:
                with trio.fail_after(STEP_TIMEOUT * 2):
                    opened = await self._open_exchange(stream, exchange)
            except (P2PError, trio.TooSlowError, Rejected):
                return None  # this peer does not speak it, or misbehaved: ask the next
            if opened is None:
                return None
            offer = opened
            if offer.linker != device_of(peer):
                return None  # an offer not for the device we talk to
            statements = pure.sign_statements(key, offer, name=name)
            try:
                await stream.send(encode(Sealed(exchange.seal(wire.encode(statements)))))
                reply = decode(await stream.receive(timeout=KEYS_TIMEOUT), max_bytes=wire.MAX_MESSAGE + 100)
                if isinstance(reply, Refusal):
                    raise CommandError(f"Your other device refused the link: {reply.sentence}.")
                if not isinstance(reply, Sealed):
                    raise Rejected(Reason.MALFORMED, "the keys must be sealed")
                keys = wire.decode(exchange.open_bytes(reply.box))
                if not isinstance(keys, wire.Keys):
                    raise Rejected(Reason.MALFORMED, "the linker must send the keys")
            except (P2PError, trio.TooSlowError, Rejected) as error:
                raise CommandError(
                    f"The link was interrupted before the keys arrived ({error}); try a new code."
                ) from None
            await take_keys(peer, offer, keys)
            with contextlib.suppress(P2PError):  # linked and holding the history either way
                await stream.send(encode(Sealed(exchange.seal(wire.encode(wire.Done())))))
            return Linked(offer.linker, offer.linker_name, len(keys.keys), tuple(w for _, w in keys.refused))

    @staticmethod
    async def _open_exchange(stream: FramedStream, exchange: JoinerExchange) -> wire.LinkOffer | None:
        """Ask, confirm, open the offer; None if this peer has no such code open."""
        payload = await open_exchange(
            stream, exchange, no_such=NO_SUCH_LINK, max_bytes=wire.MAX_MESSAGE + 100
        )
        offer = None if payload is None else wire.decode(payload)
        return offer if isinstance(offer, wire.LinkOffer) else None


def _refused(sentence: str) -> CommandError:
    return CommandError(f"The link code was refused: {sentence}.")
