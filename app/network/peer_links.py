"""Driving each peer's session (`p2p.session`) with the host: dials, redials, handshake
deadlines, disconnects and bans.

Owns: `PeerLinks` — carrying out the actions each session transition asks for
(`perform`), dialing a peer through its session (`connect`: every known address in
turn; redialed with backoff after a failed dial or a dropped connection), the
handshake deadline, cutting off a peer that misbehaved, and `changed`, an event set
(and replaced) at every transition, for status bars. The record of sessions is
`PeerSessions`; what a new connection syncs is the caller's `on_handshake`.

Runs on the sync service's trio tasks (spawned through the caller's `spawn`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

import trio

from app.network.peer_sessions import Link, PeerSessions
from p2p.errors import P2PError
from p2p.identity import PeerId, short
from p2p.interface import PeerHost
from p2p.session import PeerSession, SessionAction, SessionState

logger = logging.getLogger(__name__)


class PeerLinks:
    def __init__(
        self,
        *,
        host: PeerHost,
        sessions: PeerSessions,
        handshake_timeout: float,
        on_handshake: Callable[[PeerId], Awaitable[None]],
        spawn: Callable[..., None],
    ) -> None:
        self.host = host
        self.sessions = sessions
        self._handshake_timeout = handshake_timeout
        self._on_handshake = on_handshake
        self._spawn = spawn
        self.changed = trio.Event()  # set (and replaced) at every session transition

    def states(self) -> dict[PeerId, SessionState]:
        """Every peer this device has met and its session's state, for a status bar."""
        return self.sessions.states()

    def session_of(self, peer: PeerId) -> PeerSession | None:
        link = self.sessions.link(peer)
        return None if link is None else link.session

    def moved(self) -> None:
        self.changed.set()
        self.changed = trio.Event()

    async def connect(self, address: str) -> PeerId:
        """Dial `address` (`/…/p2p/<peer id>`) through the peer's session: it is redialed
        with backoff if the dial fails or the connection later drops. Raises P2PError."""
        return await self._dial(PeerId(address.rsplit("/p2p/", 1)[-1]), [address])

    async def _dial(self, peer: PeerId, addresses: list[str]) -> PeerId:
        """One dial of `peer` by its session: each address in turn until one connects.
        Raises the last address's P2PError once all have failed."""
        self.sessions.dialing(peer, addresses[0])
        self.moved()
        failure: P2PError | None = None
        for address in addresses:
            try:
                connected = await self.host.connect(address)
            except P2PError as error:
                failure = error
                continue
            self.sessions.discovered(connected, [address])  # tried first next time
            await self.perform(connected, self.sessions.connected(connected))
            return connected
        await self.perform(peer, self.sessions.dial_failed(peer))
        assert failure is not None  # `addresses` is never empty
        raise failure

    async def perform(self, peer: PeerId, actions: tuple[SessionAction, ...]) -> None:
        """Carry out what the session's transition asks for (DIAL is done by the dialer)."""
        self.moved()
        for action in actions:
            if action is SessionAction.START_HANDSHAKE:
                link = self.sessions.link(peer)
                if link is not None:
                    self._spawn(self._handshake_deadline, peer, link.session)
                await self._on_handshake(peer)  # the first accepted hello, either way, is the proof
            elif action is SessionAction.BAN and not self.host.is_banned(peer):
                await self.drop(peer)
            elif action is SessionAction.DISCONNECT:
                self._spawn(self._disconnect, peer)
            elif action is SessionAction.SCHEDULE_REDIAL and self.sessions.addresses.get(peer):
                self._spawn(self._redial, peer)
            # START_SYNC: the reconciliation that moved the session is already running;
            # MARK_IN_SYNC: `status` is updated as each reconciliation ends;
            # DIAL / CANCEL_DIAL: dials are made (and cancelled) by whoever started them.

    def accepted(self, link: Link) -> None:
        """A reconciliation's hello was accepted, either way: the membership handshake."""
        # HANDSHAKE_OK asks only for START_SYNC, and this reconciliation is that sync.
        self.sessions.reconcile_accepted(link)
        self.moved()

    async def misbehaved(self, peer: PeerId) -> None:
        """`peer` sent malformed or forged data (already penalised): end its session and
        cut it off."""
        actions = self.sessions.misbehaved(peer)
        await self.perform(peer, actions)
        if SessionAction.BAN not in actions:
            await self.drop(peer)

    async def drop(self, peer: PeerId) -> None:
        """A device that sends malformed or forged sync data is broken or hostile: cut it off."""
        if not self.host.is_banned(peer):
            await self.host.ban(peer, "sent malformed or forged sync data")

    async def _handshake_deadline(self, peer: PeerId, session: PeerSession) -> None:
        await trio.sleep(self._handshake_timeout)
        await self.perform(peer, self.sessions.handshake_timed_out(peer, session))

    async def _disconnect(self, peer: PeerId) -> None:
        with contextlib.suppress(P2PError):
            await self.host.disconnect(peer)

    async def _redial(self, peer: PeerId) -> None:
        await trio.sleep(self.sessions.next_redial_delay(peer))
        if peer in self.host.connected_peers() or self.host.is_banned(peer):
            return
        link = self.sessions.link(peer)
        if link is not None and not link.session.closed:
            return  # a newer session is already at it (the peer dialed us, or a discovery)
        addresses = self.sessions.addresses.get(peer)
        if not addresses:
            return
        try:
            await self._dial(peer, list(addresses))  # a failure schedules the next redial itself
        except P2PError as error:
            logger.info("Redial of %s failed: %s", short(peer), error)
