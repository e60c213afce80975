"""The peer-session transition table: every legal edge, and the illegal ones refused."""

from __future__ import annotations

import itertools

import pytest

from p2p.session import (
    HISTORY_LIMIT,
    TRANSITIONS,
    IllegalTransition,
    PeerSession,
    SessionAction,
    SessionEvent,
    SessionState,
    Step,
    step,
)

S, E, A = SessionState, SessionEvent, SessionAction

# The table written out once more, as the reviewer would read it from the diagram.
EXPECTED = {
    (S.DISCOVERED, E.DIAL): (S.DIALING, (A.DIAL,)),
    (S.DISCOVERED, E.CONNECTED): (S.HANDSHAKE, (A.START_HANDSHAKE,)),
    (S.DISCOVERED, E.CLOSE): (S.CLOSED, ()),
    (S.DIALING, E.CONNECTED): (S.HANDSHAKE, (A.START_HANDSHAKE,)),
    (S.DIALING, E.DIAL_FAILED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
    (S.DIALING, E.CLOSE): (S.CLOSED, (A.CANCEL_DIAL,)),
    (S.DIALING, E.BEHIND): (S.DIALING, ()),
    (S.HANDSHAKE, E.HANDSHAKE_OK): (S.SYNCING, (A.START_SYNC,)),
    (S.HANDSHAKE, E.HANDSHAKE_FAILED): (S.CLOSED, (A.DISCONNECT,)),
    (S.HANDSHAKE, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
    (S.HANDSHAKE, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
    (S.HANDSHAKE, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
    (S.HANDSHAKE, E.BEHIND): (S.HANDSHAKE, ()),
    (S.SYNCING, E.SYNC_DONE): (S.IDLE, (A.MARK_IN_SYNC,)),
    (S.SYNCING, E.BEHIND): (S.SYNCING, ()),
    (S.SYNCING, E.SYNC_FAILED): (S.CLOSED, (A.DISCONNECT, A.SCHEDULE_REDIAL)),
    (S.SYNCING, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
    (S.SYNCING, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
    (S.SYNCING, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
    (S.IDLE, E.BEHIND): (S.SYNCING, (A.START_SYNC,)),
    (S.IDLE, E.DISCONNECTED): (S.CLOSED, (A.SCHEDULE_REDIAL,)),
    (S.IDLE, E.MISBEHAVED): (S.CLOSED, (A.BAN, A.DISCONNECT)),
    (S.IDLE, E.CLOSE): (S.CLOSED, (A.DISCONNECT,)),
    (S.CLOSED, E.DISCONNECTED): (S.CLOSED, ()),
    (S.CLOSED, E.CLOSE): (S.CLOSED, ()),
    (S.CLOSED, E.BEHIND): (S.CLOSED, ()),
}


def test_the_table_is_exactly_the_documented_one():
    assert dict(TRANSITIONS) == EXPECTED


@pytest.mark.parametrize(("state", "event"), sorted(EXPECTED, key=str))
def test_every_legal_edge(state: SessionState, event: SessionEvent):
    assert step(state, event) == EXPECTED[(state, event)]


ILLEGAL = sorted(
    set(itertools.product(SessionState, SessionEvent)) - set(EXPECTED), key=str
)


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_every_other_pair_is_refused(state: SessionState, event: SessionEvent):
    with pytest.raises(IllegalTransition, match=state.value):
        step(state, event)


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (S.DISCOVERED, E.HANDSHAKE_OK),  # no handshake without a connection
        (S.DIALING, E.SYNC_DONE),
        (S.IDLE, E.SYNC_DONE),  # nothing was syncing
        (S.CLOSED, E.CONNECTED),  # a closed session is finished; a new one starts
        (S.CLOSED, E.DIAL),
    ],
)
def test_some_illegal_edges_by_name(state: SessionState, event: SessionEvent):
    assert (state, event) in ILLEGAL


def test_every_state_but_closed_can_reach_closed_and_closed_is_terminal():
    for state in SessionState:
        assert (state, E.CLOSE) in TRANSITIONS
    assert {after for (before, _), (after, _) in TRANSITIONS.items() if before is S.CLOSED} == {
        S.CLOSED
    }


def record(events: list[SessionEvent]) -> list[tuple[str, str, tuple[str, ...]]]:
    session = PeerSession()
    for event in events:
        session.handle(event)
    return [
        (recorded.event.value, recorded.after.value, tuple(a.value for a in recorded.actions))
        for recorded in session.history
    ]


def test_a_session_from_discovery_to_a_lost_connection():
    assert record(
        [E.DIAL, E.CONNECTED, E.HANDSHAKE_OK, E.SYNC_DONE, E.BEHIND, E.SYNC_DONE, E.DISCONNECTED]
    ) == [
        ("dial", "dialing", ("dial",)),
        ("connected", "handshake", ("start_handshake",)),
        ("handshake_ok", "syncing", ("start_sync",)),
        ("sync_done", "idle", ("mark_in_sync",)),
        ("behind", "syncing", ("start_sync",)),
        ("sync_done", "idle", ("mark_in_sync",)),
        ("disconnected", "closed", ("schedule_redial",)),
    ]


def test_a_non_member_is_dropped_and_the_echo_of_our_disconnect_is_absorbed():
    assert record([E.CONNECTED, E.HANDSHAKE_FAILED, E.DISCONNECTED]) == [
        ("connected", "handshake", ("start_handshake",)),
        ("handshake_failed", "closed", ("disconnect",)),
        ("disconnected", "closed", ()),
    ]


def test_a_misbehaving_peer_is_banned_mid_sync():
    session = PeerSession()
    for event in (E.CONNECTED, E.HANDSHAKE_OK):
        session.handle(event)
    assert session.handle(E.MISBEHAVED) == (A.BAN, A.DISCONNECT)
    assert session.closed
    with pytest.raises(IllegalTransition):
        session.handle(E.HANDSHAKE_OK)
    assert len(session.history) == 3  # the refused event left no trace


def test_the_history_keeps_only_the_last_steps_and_the_state_stays_right():
    session = PeerSession()
    for event in (E.CONNECTED, E.HANDSHAKE_OK, E.SYNC_DONE):
        session.handle(event)
    rounds = 1000  # a long-lived session: every gossip hint is a BEHIND, then a SYNC_DONE
    for _ in range(rounds):
        session.handle(E.BEHIND)
        session.handle(E.SYNC_DONE)
    assert len(session.history) == HISTORY_LIMIT
    assert session.state is S.IDLE
    assert session.history[-1] == Step(S.SYNCING, E.SYNC_DONE, S.IDLE, (A.MARK_IN_SYNC,))
    assert all(recorded.event in (E.BEHIND, E.SYNC_DONE) for recorded in session.history)
    session.handle(E.DISCONNECTED)
    assert session.closed
    assert len(session.history) == HISTORY_LIMIT
    assert session.history[-1] == Step(S.IDLE, E.DISCONNECTED, S.CLOSED, (A.SCHEDULE_REDIAL,))
    assert session.history[0] == Step(S.SYNCING, E.SYNC_DONE, S.IDLE, (A.MARK_IN_SYNC,))
