"""`PeerSpaces`: one record per (peer, space) — at most one session per pair either way,
one grace wait at a time, and nothing kept for a pair with nothing to remember."""

from __future__ import annotations

from app.network.peer_spaces import PeerSpaces
from p2p.identity import PeerId
from sync.ids import SpaceId

ANA, BEN = PeerId("ana"), PeerId("ben")
PHYSICS, CHEMISTRY = SpaceId(b"p" * 32), SpaceId(b"c" * 32)


def test_one_session_per_pair_either_way() -> None:
    pairs = PeerSpaces()
    assert pairs.claim_session((ANA, PHYSICS))
    assert not pairs.claim_session((ANA, PHYSICS))
    assert pairs.claim_session((ANA, CHEMISTRY))  # another space: its own session
    pairs.serving_started((BEN, PHYSICS), now=5.0)
    assert not pairs.claim_session((BEN, PHYSICS))  # the peer opened one: it carries ops both ways
    pairs.serving_ended((BEN, PHYSICS))
    assert pairs[(BEN, PHYSICS)].served_at == 5.0
    assert pairs.claim_session((BEN, PHYSICS))
    pairs.session_ended((ANA, PHYSICS))
    assert pairs.claim_session((ANA, PHYSICS))


def test_a_hello_being_judged_already_counts_as_the_peers_session() -> None:
    """Our timer must not open a second session while the peer's hello waits for its
    verdict (a database trip): that window let two sessions run, each carrying every
    missing op. A refused hello leaves no trace, and does not count as served."""
    pairs = PeerSpaces()
    pairs.hello_arrived((BEN, PHYSICS))
    assert not pairs.claim_session((BEN, PHYSICS))
    pairs.serving_ended((BEN, PHYSICS))  # refused
    assert pairs[(BEN, PHYSICS)].served_at is None and len(pairs) == 0
    pairs.hello_arrived((BEN, PHYSICS))
    pairs.serving_started((BEN, PHYSICS), now=7.0)  # accepted
    assert not pairs.claim_session((BEN, PHYSICS))
    pairs.serving_ended((BEN, PHYSICS))
    assert pairs[(BEN, PHYSICS)].served_at == 7.0
    assert pairs.claim_session((BEN, PHYSICS))


def test_one_grace_wait_at_a_time_and_none_during_our_session() -> None:
    pairs = PeerSpaces()
    assert pairs.start_grace((ANA, PHYSICS))
    assert not pairs.start_grace((ANA, PHYSICS))
    pairs.grace_ended((ANA, PHYSICS))
    pairs.claim_session((ANA, PHYSICS))
    assert not pairs.start_grace((ANA, PHYSICS))


def test_a_pair_with_nothing_to_remember_is_not_kept() -> None:
    pairs = PeerSpaces()
    pairs.claim_session((ANA, PHYSICS))
    pairs.start_grace((BEN, PHYSICS))
    assert len(pairs) == 2
    pairs.session_ended((ANA, PHYSICS))
    pairs.grace_ended((BEN, PHYSICS))
    assert len(pairs) == 0
    assert pairs[(ANA, PHYSICS)].served_at is None  # reading keeps nothing either
    assert len(pairs) == 0


def test_a_peer_that_leaves_is_unheard_but_its_running_session_still_counts() -> None:
    pairs = PeerSpaces()
    pairs.heard((ANA, PHYSICS), now=1.0)
    pairs.heard((ANA, CHEMISTRY), now=2.0)
    pairs.claim_session((ANA, CHEMISTRY))
    pairs.heard((BEN, PHYSICS), now=3.0)
    pairs.forget_heard(ANA)
    assert pairs.silent_since((ANA, PHYSICS), now=10.0) == 10.0  # counted afresh from now
    assert pairs[(ANA, CHEMISTRY)].running
    assert pairs[(BEN, PHYSICS)].heard_at == 3.0
