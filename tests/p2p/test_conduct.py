"""Penalty points, their decay, bans and their expiry: pure, with explicit time."""

from __future__ import annotations

import pytest

from p2p.conduct import ConductLedger
from p2p.config import ConductPolicy
from p2p.identity import peer_id_from_seed
from p2p.pacing import PublishPacer
from tests.p2p.conftest import device_seed

PEER = peer_id_from_seed(device_seed("peer"))
POLICY = ConductPolicy(ban_threshold=10, ban_duration=600, penalty_half_life=100)


def test_points_add_up_to_a_ban_that_expires():
    ledger = ConductLedger(POLICY)
    assert not ledger.penalise(PEER, 6, now=0)
    assert not ledger.is_banned(PEER, now=0)
    assert ledger.penalise(PEER, 6, now=0)  # crossed the threshold: banned now
    assert ledger.is_banned(PEER, now=599.9)
    assert not ledger.is_banned(PEER, now=600)
    assert ledger.score(PEER, now=600) == 0  # the slate is clean after a ban


def test_points_halve_every_half_life():
    ledger = ConductLedger(POLICY)
    ledger.penalise(PEER, 8, now=0)
    assert ledger.score(PEER, now=100) == 4
    assert not ledger.penalise(PEER, 5, now=100)  # 4 + 5 < 10
    assert ledger.penalise(PEER, 1, now=100)


def test_a_longer_ban_is_never_shortened_and_unban_clears_all():
    ledger = ConductLedger(POLICY)
    ledger.ban(PEER, until=1000)
    ledger.ban(PEER, until=10)
    assert ledger.banned_until(PEER) == 1000
    ledger.penalise(PEER, 3, now=0)
    ledger.unban(PEER)
    assert not ledger.is_banned(PEER, now=0) and ledger.score(PEER, now=0) == 0


def test_the_publish_pacer_allows_a_burst_then_the_rate():
    pacer = PublishPacer(rate=100, burst=3, now=0)
    assert [pacer.delay_for_next(now=0) for _ in range(3)] == [0, 0, 0]
    assert pacer.delay_for_next(now=0) == 0.01
    assert pacer.delay_for_next(now=0) == 0.02
    assert pacer.delay_for_next(now=10) == 0  # refilled, capped at the burst


def test_a_device_that_erred_once_is_served_again_while_a_peer_that_keeps_at_it_stays_banned():
    """Bans decay: each lasts 10 min × 2^strikes (at most a week); strikes halve daily."""
    ledger = ConductLedger(ConductPolicy())  # the defaults the app runs with
    member, rogue = PEER, peer_id_from_seed(device_seed("rogue"))
    assert ledger.banish(member, now=0) == 600  # one forged op relayed by a buggy device
    assert ledger.banish(rogue, now=0) == 600
    assert ledger.is_banned(member, now=599) and not ledger.is_banned(member, now=600)
    # The rogue sends garbage again the moment each ban ends: refused twice as long each time.
    lengths = [600.0]
    for _ in range(12):
        returned = ledger.banned_until(rogue)
        assert returned is not None and not ledger.is_banned(rogue, now=returned)
        lengths.append(ledger.banish(rogue, now=returned))
    assert lengths[:8] == [600 * 2**n for n in range(8)]
    assert lengths[-1] == 7 * 86_400  # capped at a week: it stays out
    banned_for = ledger.banned_until(rogue)
    assert banned_for is not None and banned_for > 14 * 86_400
    # The member's one strike wears off: a day later it counts half, a week later not at all.
    assert ledger.ban_length(member, now=600 + 86_400) == pytest.approx(600 * 2**0.5)
    assert ledger.ban_length(member, now=600 + 7 * 86_400) == 600
