"""Every peer's session is driven through the state machine of `p2p/session.py`.

Real cores on both networks (py-libp2p on 127.0.0.1 and the in-memory one): a dial goes
discovered → dialing → handshake → syncing → idle on the dialer, and handshake →
syncing → idle on the other side; a later sync trigger takes idle back through syncing;
a dropped connection closes the session and the dialer redials as a new session (also
to a peer found by mDNS); a failed dial is redialed; a peer that never proves
membership is disconnected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AsyncExitStack

import pytest
import trio

from app.core import Core
from app.network.peer_sessions import PeerSessions
from p2p.errors import P2PError
from p2p.host import Libp2pNetwork
from p2p.identity import PeerId
from p2p.interface import Network
from p2p.session import PeerSession, SessionEvent, SessionState
from tests.app.conftest import DEADLINE, FAST, Changed, core_for
from tests.p2p.conftest import unused_port

S, E = SessionState, SessionEvent


async def until(core: Core, predicate: Callable[[], bool], what: str) -> None:
    """Wait (with a deadline) until `predicate` holds after some session transition or peer event."""
    try:
        with trio.fail_after(DEADLINE):
            while True:
                moved = core.sync.sessions_changed  # taken before the check: no wake-up is missed
                if predicate():
                    return
                await moved.wait()
    except trio.TooSlowError:
        raise AssertionError(f"not within {DEADLINE:g} s: {what}") from None


def session(core: Core, peer: PeerId) -> PeerSession:
    found = core.sync.session_of(peer)
    assert found is not None, f"no session with {peer}"
    return found


def path(found: PeerSession) -> list[SessionState]:
    return [found.history[0].before, *(step.after for step in found.history)] if found.history else []


async def joined_pair(network: Network, homes, changed: Changed, stack: AsyncExitStack):
    """An owner (running) and Ana, who joined its circle and went offline again."""
    owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
    space = await owner.create_circle("Sessions")
    code = await owner.invite(space)
    async with core_for(network, homes("ana"), changed) as ana:
        await ana.join(code)
    return owner, space


async def test_a_dial_goes_through_every_state_to_idle_on_both_sides(
    network: Network, homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner, _ = await joined_pair(network, homes, changed, stack)
        ana = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        owner_peer = await ana.sync.connect(owner.host.listen_addrs()[0])
        await until(ana, lambda: ana.sync.peer_states().get(owner_peer) is S.IDLE, "ana idle with owner")
        await until(
            owner, lambda: owner.sync.peer_states().get(ana.host.peer_id) is S.IDLE, "owner idle with ana"
        )
        # (timers may have taken them through syncing again since: compare the beginnings)
        assert path(session(ana, owner_peer))[:5] == [S.DISCOVERED, S.DIALING, S.HANDSHAKE, S.SYNCING, S.IDLE]
        assert path(session(owner, ana.host.peer_id))[:4] == [S.DISCOVERED, S.HANDSHAKE, S.SYNCING, S.IDLE]
        assert [step.event for step in session(ana, owner_peer).history][:4] == [
            E.DIAL,
            E.CONNECTED,
            E.HANDSHAKE_OK,
            E.SYNC_DONE,
        ]


async def test_a_later_sync_takes_an_idle_session_through_syncing_and_back(
    network: Network, homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner, space = await joined_pair(network, homes, changed, stack)
        ana = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        owner_peer = await ana.sync.connect(owner.host.listen_addrs()[0])
        await until(ana, lambda: ana.sync.peer_states().get(owner_peer) is S.IDLE, "first sync")
        ana.sync.schedule(owner_peer, space)  # what a timer, a gap or a differing digest does
        behind = (S.IDLE, E.BEHIND, S.SYNCING)
        await until(
            ana,
            lambda: (
                any((s.before, s.event, s.after) == behind for s in session(ana, owner_peer).history)
                and ana.sync.peer_states()[owner_peer] is S.IDLE
            ),
            "idle -> syncing -> idle",
        )


async def test_a_dropped_connection_closes_the_session_and_the_dialer_redials(
    network: Network, homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner, _ = await joined_pair(network, homes, changed, stack)
        ana = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        owner_peer = await ana.sync.connect(owner.host.listen_addrs()[0])
        await until(ana, lambda: ana.sync.peer_states().get(owner_peer) is S.IDLE, "first sync")
        first = session(ana, owner_peer)
        # Dropped under the session (not a CLOSE by the service); dropped on Ana's side,
        # because py-libp2p does not always tell the other side promptly.
        await ana.host.disconnect(owner_peer)
        await until(ana, lambda: first.closed, "the dropped session closes")
        assert first.history[-1].event is E.DISCONNECTED
        await until(
            ana,
            lambda: session(ana, owner_peer) is not first and ana.sync.peer_states()[owner_peer] is S.IDLE,
            "a redial as a new session, in sync again",
        )
        assert path(session(ana, owner_peer))[:2] == [S.DISCOVERED, S.DIALING]


async def test_a_peer_found_by_mdns_is_redialed_after_its_connection_drops(homes, changed: Changed) -> None:
    network = Libp2pNetwork()  # mDNS is py-libp2p's; its records carry no /p2p part
    async with AsyncExitStack() as stack:
        owner, _ = await joined_pair(network, homes, changed, stack)
        ana = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        owner_peer = owner.host.peer_id
        record = owner.host.listen_addrs()[0].rsplit("/p2p/", 1)[0]
        # First announced by a process of the owner's device that has ended since (a
        # `circle join`), then by the one serving now:
        ana.host.note_discovered(owner_peer, (f"/ip4/127.0.0.1/tcp/{unused_port()}",))
        ana.host.note_discovered(owner_peer, (record,))  # what the mDNS bridge calls
        await until(ana, lambda: ana.sync.peer_states().get(owner_peer) is S.IDLE, "first sync")
        first = session(ana, owner_peer)
        await ana.host.disconnect(owner_peer)
        await until(
            ana,
            lambda: session(ana, owner_peer) is not first and ana.sync.peer_states()[owner_peer] is S.IDLE,
            "a redial from the discovered address, in sync again",
        )


def test_the_latest_addresses_are_dialed_first_and_loopback_ones_last() -> None:
    sessions, peer = PeerSessions(), PeerId("12D3KooWPeer")
    sessions.discovered(peer, ["/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWPeer"])
    restarted = ["/ip4/127.0.0.1/tcp/4002/p2p/12D3KooWPeer", "/ip4/10.0.0.2/tcp/4002/p2p/12D3KooWPeer"]
    sessions.discovered(peer, restarted)
    assert sessions.addresses[peer] == [
        "/ip4/10.0.0.2/tcp/4002/p2p/12D3KooWPeer",
        "/ip4/127.0.0.1/tcp/4002/p2p/12D3KooWPeer",
        "/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWPeer",
    ]


async def test_a_failed_dial_closes_the_session_and_is_retried(
    network: Network, homes, changed: Changed
) -> None:
    async with core_for(network, homes("gone"), changed) as gone:
        address = gone.host.listen_addrs()[0]
        gone_peer = gone.host.peer_id
    if isinstance(network, Libp2pNetwork):
        # A port nobody listens on: py-libp2p can still complete a handshake on a closed
        # host's listening socket for a moment, which would be a (short) connection.
        address = f"/ip4/127.0.0.1/tcp/{unused_port()}/p2p/{gone_peer}"
    async with core_for(network, homes("ana"), changed) as ana:
        with pytest.raises(P2PError):
            await ana.sync.connect(address)
        first = session(ana, gone_peer)
        assert path(first) == [S.DISCOVERED, S.DIALING, S.CLOSED]
        assert first.history[-1].event is E.DIAL_FAILED
        await until(
            ana,
            lambda: session(ana, gone_peer) is not first and session(ana, gone_peer).history,
            "a redial starts a new session",
        )
        assert session(ana, gone_peer).history[0].event is E.DIAL


async def test_a_peer_that_never_proves_membership_is_disconnected(
    network: Network, homes, changed: Changed
) -> None:
    impatient = dataclasses.replace(FAST, handshake_timeout=0.5)
    async with core_for(network, homes("owner"), changed, settings=impatient) as owner:
        await owner.create_circle("Members only")
        async with core_for(network, homes("stranger"), changed) as stranger:
            await stranger.host.connect(owner.host.listen_addrs()[0])
            peer = stranger.host.peer_id
            await until(owner, lambda: owner.sync.peer_states().get(peer) is S.CLOSED, "handshake fails")
            assert path(session(owner, peer)) == [S.DISCOVERED, S.HANDSHAKE, S.CLOSED]
            assert session(owner, peer).history[-1].event is E.HANDSHAKE_FAILED
            await until(owner, lambda: peer not in owner.host.connected_peers(), "disconnected")
