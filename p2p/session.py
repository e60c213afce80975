"""The life of a session with one peer, as one transition table.

Owns: `SessionState`, `SessionEvent`, `SessionAction`, the `TRANSITIONS` table and the
pure `step(state, event)`; `PeerSession` keeps a session's last `HISTORY_LIMIT` steps for
logs and tests (a session idling for days steps on every gossip hint).
No I/O, no clock: the owner (the app's sync service) feeds events and performs the
actions. A closed session is finished; a later attempt is a new session. Diagram and
meaning of each edge: docs/network.md, "Peer sessions".
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class SessionState(enum.Enum):
    DISCOVERED = "discovered"  # we know an address (mDNS, invite, remembered, typed in)
    DIALING = "dialing"  # connecting
    HANDSHAKE = "handshake"  # connected; proving membership both ways
    SYNCING = "syncing"  # reconciling frontiers
    IDLE = "idle"  # in sync; waiting for gossip hints, a timer or new ops
    CLOSED = "closed"  # finished (terminal)


class SessionEvent(enum.Enum):
    DIAL = "dial"  # the owner decided to connect
    CONNECTED = "connected"  # a connection is up (our dial, or the peer's)
    DIAL_FAILED = "dial_failed"
    HANDSHAKE_OK = "handshake_ok"  # the peer proved current membership
    HANDSHAKE_FAILED = "handshake_failed"  # not a member, bad proof, or no answer in time
    SYNC_DONE = "sync_done"  # frontiers match
    SYNC_FAILED = "sync_failed"  # malformed or invalid sync messages
    BEHIND = "behind"  # a hint that one side is behind: gossip, a missing dep, a timer
    DISCONNECTED = "disconnected"  # the connection dropped
    MISBEHAVED = "misbehaved"  # the peer broke the protocol badly enough to ban it
    CLOSE = "close"  # the owner ends the session (shutdown, peer removed)


class SessionAction(enum.Enum):
    DIAL = "dial"
    CANCEL_DIAL = "cancel_dial"
    START_HANDSHAKE = "start_handshake"
    START_SYNC = "start_sync"
    MARK_IN_SYNC = "mark_in_sync"
    DISCONNECT = "disconnect"
    BAN = "ban"
    SCHEDULE_REDIAL = "schedule_redial"  # later, with backoff, as a new session


S, E, A = SessionState, SessionEvent, SessionAction

Transition = tuple[SessionState, tuple[SessionAction, ...]]

TRANSITIONS: Mapping[tuple[SessionState, SessionEvent], Transition] = MappingProxyType(
    {
        (S.DISCOVERED, E.DIAL): (S.DIALING, (A.DIAL,)),
        (S.DISCOVERED, E.CONNECTED): (S.HANDSHAKE, (A.START_HANDSHAKE,)),  # the peer dialed us
        (S.DISCOVERED, E.CLOSE): (S.CLOSED, ()),
        (S.DIALING, E.CONNECTED): (S.HANDSHAKE, (A.START_HANDSHAKE,)),
        (S.DIALING, E.DIAL_FAILED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
        (S.DIALING, E.CLOSE): (S.CLOSED, (A.CANCEL_DIAL,)),
        (S.DIALING, E.BEHIND): (S.DIALING, ()),  # the sync after the handshake covers it
        (S.HANDSHAKE, E.HANDSHAKE_OK): (S.SYNCING, (A.START_SYNC,)),
        (S.HANDSHAKE, E.HANDSHAKE_FAILED): (S.CLOSED, (A.DISCONNECT,)),
        (S.HANDSHAKE, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
        (S.HANDSHAKE, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
        (S.HANDSHAKE, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
        (S.HANDSHAKE, E.BEHIND): (S.HANDSHAKE, ()),
        (S.SYNCING, E.SYNC_DONE): (S.IDLE, (A.MARK_IN_SYNC,)),
        (S.SYNCING, E.BEHIND): (S.SYNCING, ()),  # the running round will catch up
        (S.SYNCING, E.SYNC_FAILED): (S.CLOSED, (A.DISCONNECT, A.SCHEDULE_REDIAL)),
        (S.SYNCING, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
        (S.SYNCING, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
        (S.SYNCING, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
        (S.IDLE, E.BEHIND): (S.SYNCING, (A.START_SYNC,)),
        (S.IDLE, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
        (S.IDLE, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
        (S.IDLE, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
        # Our own DISCONNECT action comes back as a DISCONNECTED event; closing twice is fine.
        (S.CLOSED, E.DISCONNECTED): (S.CLOSED, ()),
        (S.CLOSED, E.CLOSE): (S.CLOSED, ()),
        (S.CLOSED, E.BEHIND): (S.CLOSED, ()),
    }
)


class IllegalTransition(ValueError):
    """An event that cannot happen in this state: a bug in the session's owner."""


def step(state: SessionState, event: SessionEvent) -> Transition:
    """The next state and the actions the owner must perform."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(
            f"A peer session cannot handle {event.value!r} while {state.value!r}."
        ) from None


@dataclass(frozen=True, slots=True)
class Step:
    before: SessionState
    event: SessionEvent
    after: SessionState
    actions: tuple[SessionAction, ...]


HISTORY_LIMIT = 64
"""Steps a `PeerSession` keeps: a whole session from discovery to idle several times over."""


def _empty_history() -> deque[Step]:
    return deque(maxlen=HISTORY_LIMIT)


@dataclass(slots=True)
class PeerSession:
    """One session's current state and its last `HISTORY_LIMIT` steps, oldest first."""

    state: SessionState = SessionState.DISCOVERED
    history: deque[Step] = field(default_factory=_empty_history)

    def handle(self, event: SessionEvent) -> tuple[SessionAction, ...]:
        after, actions = step(self.state, event)
        self.history.append(Step(self.state, event, after, actions))
        self.state = after
        return actions

    @property
    def closed(self) -> bool:
        return self.state is SessionState.CLOSED
