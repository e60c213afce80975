"""The sync service's record of every peer's session, driven through `p2p.session`.

Owns: `PeerSessions`, one live `PeerSession` per peer (a new one after each close) plus
what the service needs to drive it — how many reconciliation sessions are running with
that peer, whether one was accepted (the membership handshake), the addresses the peer
can be dialed at, and the redial backoff. Every method feeds one event to the pure state
machine and returns the actions the caller must perform; events that cannot apply in
the current state (echoes and races between the peer-event channel and streams) are
filtered here, so an `IllegalTransition` still means a bug.

No I/O; runs on the sync service's trio task.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from p2p.dialable import dialable
from p2p.identity import PeerId
from p2p.session import PeerSession, SessionAction, SessionEvent, SessionState

Actions = tuple[SessionAction, ...]
FIRST_REDIAL_DELAY = 1.0
MAX_REDIAL_DELAY = 60.0
_CONNECTED_STATES = (SessionState.HANDSHAKE, SessionState.SYNCING, SessionState.IDLE)


@dataclass(slots=True)
class Link:
    """One session with a peer and the bookkeeping around it."""

    session: PeerSession = field(default_factory=PeerSession)
    running: int = 0  # reconciliation sessions in flight with the peer
    failed: bool = False  # one of them ended on a network error

    @property
    def state(self) -> SessionState:
        return self.session.state


class PeerSessions:
    def __init__(self) -> None:
        self._links: dict[PeerId, Link] = {}
        self.addresses: dict[PeerId, list[str]] = {}
        self._redial_delay: dict[PeerId, float] = {}

    # -- reading -----------------------------------------------------------------------
    def states(self) -> dict[PeerId, SessionState]:
        """Each known peer's current (or last) session state."""
        return {peer: link.state for peer, link in self._links.items()}

    def link(self, peer: PeerId) -> Link | None:
        return self._links.get(peer)

    def _live(self, peer: PeerId) -> Link:
        """The peer's session, a new one if it has none or the last one closed."""
        link = self._links.get(peer)
        if link is None or link.session.closed:
            link = self._links[peer] = Link()
        return link

    def _feed(self, link: Link, event: SessionEvent) -> Actions:
        return link.session.handle(event)

    # -- discovery and dialing ---------------------------------------------------------
    def discovered(self, peer: PeerId, addresses: tuple[str, ...] | list[str]) -> None:
        """Remember where `peer` can be dialed, the latest news first: a peer that
        restarted listens on a new port, and its old one is refused from then on.
        Loopback addresses go last (mDNS announces them too; they reach a peer on
        this machine only). Unspecified addresses (0.0.0.0, ::) are not kept: nobody can
        be dialed there (`p2p.dialable`)."""
        fresh = sorted(dict.fromkeys(dialable(addresses)), key=_is_loopback)
        known = self.addresses.setdefault(peer, [])
        known[:] = fresh + [address for address in known if address not in fresh]
        self._live(peer)

    def dialing(self, peer: PeerId, address: str) -> Actions:
        """We decided to dial `peer`; returns () if a session is already past dialing."""
        self.discovered(peer, [address])
        link = self._live(peer)
        if link.state is not SessionState.DISCOVERED:
            return ()
        return self._feed(link, SessionEvent.DIAL)

    def dial_failed(self, peer: PeerId) -> Actions:
        link = self._links.get(peer)
        if link is None or link.state is not SessionState.DIALING:
            return ()  # the peer dialed us meanwhile, or the session was closed
        return self._feed(link, SessionEvent.DIAL_FAILED)

    def next_redial_delay(self, peer: PeerId) -> float:
        delay = self._redial_delay.get(peer, FIRST_REDIAL_DELAY)
        self._redial_delay[peer] = min(MAX_REDIAL_DELAY, delay * 2)
        return delay

    # -- connection and handshake ------------------------------------------------------
    def connected(self, peer: PeerId) -> Actions:
        """A connection to `peer` is up; () if its session already knew."""
        link = self._live(peer)
        if link.state in _CONNECTED_STATES:
            return ()
        return self._feed(link, SessionEvent.CONNECTED)

    def handshake_timed_out(self, peer: PeerId, session: PeerSession) -> Actions:
        """No reconciliation was accepted either way since `session` connected."""
        link = self._links.get(peer)
        if link is None or link.session is not session or link.state is not SessionState.HANDSHAKE:
            return ()
        return self._feed(link, SessionEvent.HANDSHAKE_FAILED)

    def disconnected(self, peer: PeerId) -> Actions:
        link = self._links.get(peer)
        if link is None or link.session.closed:
            return ()
        if link.state in (SessionState.DISCOVERED, SessionState.DIALING):
            return ()  # an older connection's echo; this session is still finding the peer
        return self._feed(link, SessionEvent.DISCONNECTED)

    def misbehaved(self, peer: PeerId) -> Actions:
        link = self._links.get(peer)
        if link is None or link.state not in _CONNECTED_STATES:
            return ()
        return self._feed(link, SessionEvent.MISBEHAVED)

    # -- reconciliation ----------------------------------------------------------------
    def reconcile_started(self, peer: PeerId) -> tuple[Link, Actions]:
        """A reconciliation with `peer` begins (ours or theirs): it is behind or catching up."""
        link = self._live(peer)
        actions = self.connected(peer)  # a stream proves the connection, whatever the channel says
        link = self._live(peer)
        link.running += 1
        if link.state is SessionState.IDLE:
            actions += self._feed(link, SessionEvent.BEHIND)
        return link, actions

    def reconcile_accepted(self, link: Link) -> Actions:
        """The hello was accepted (by us or by the peer): membership is proven."""
        if link.state is not SessionState.HANDSHAKE:
            return ()
        return self._feed(link, SessionEvent.HANDSHAKE_OK)

    def reconcile_ended(self, peer: PeerId, link: Link, *, failed: bool = False) -> Actions:
        """A reconciliation ended; the last one to end settles the session."""
        link.running -= 1
        link.failed |= failed
        if link.running or link.session is not self._live_or_none(peer):
            return ()
        failed, link.failed = link.failed, False
        if link.state is not SessionState.SYNCING:
            return ()  # refused, or failed before any was accepted: the handshake timer decides
        if failed:
            return self._feed(link, SessionEvent.SYNC_FAILED)
        self._redial_delay.pop(peer, None)
        return self._feed(link, SessionEvent.SYNC_DONE)

    def _live_or_none(self, peer: PeerId) -> PeerSession | None:
        link = self._links.get(peer)
        return None if link is None else link.session

    # -- shutdown ----------------------------------------------------------------------
    def close_all(self) -> None:
        """The service stops: every session ends (its actions are moot by then)."""
        for link in self._links.values():
            if not link.session.closed:
                self._feed(link, SessionEvent.CLOSE)


def _is_loopback(address: str) -> bool:
    return address.startswith(("/ip4/127.", "/ip6/::1/"))
