"""A member device that missed a rotation's key gets it from any member at the next sync.

Real replicas, keys and sessions (`tests.sync.helpers.reconcile` runs `sync.reconcile`):
Tess links a second device while the owner removes Ben; the owner's rotation is sealed
to the devices the owner knew, so not to the new one, and Tess's first device — the only
one that holds the key — is then unlinked (lost). Found by the persons property
(`test_persons_properties.py`, the sync convergence), where that device stayed a member
everyone agreed on yet could open nothing written after the removal, ever.
"""

from __future__ import annotations

import pytest

from sync import missed_keys, state, writer
from sync.errors import Rejected
from sync.identity import seal
from sync.policy import Level
from sync.replica import LOCKED, VALID, Replica
from sync.wire.reconcile import KeysMessage, WantKeysMessage, decode, encode
from tests.sync.helpers import Circle, Clock, device, reconcile, seed
from tests.sync.test_persons import link, status_of, titles


class Lost:
    """Tess's second device misses the owner's removal of Ben; her first one is unlinked."""

    def __init__(self) -> None:
        self.circle = circle = Circle.create(Clock())
        self.tess = circle.add("Tess", Level.TEACHER)
        self.ben = circle.add("Ben")
        circle.sync_all()
        self.lab = link(circle, self.tess, "tess-lab")  # the owner has not heard of it
        owner, space = circle.owner, circle.space
        writer.remove_member(owner, space, device(self.ben), new_key=seed("r"), now_ms=circle.clock())
        self.removal = circle.owner.context(circle.space).auth.rotations[-1].op_id
        reconcile(circle.owner, self.tess, circle.space)  # the removal's key reaches the laptop only
        # The lab PC unlinks the lost laptop before it hears of the removal.
        writer.unlink_device(self.lab, space, device(self.tess), new_key=seed("u"), now_ms=circle.clock())
        self.after = circle.post(circle.owner, "after the removal")


@pytest.fixture
def lost() -> Lost:
    return Lost()


def test_a_device_that_missed_a_rotation_gets_its_key_from_another_member_at_sync(lost: Lost) -> None:
    circle = lost.circle
    reconcile(circle.owner, lost.lab, circle.space)
    # Every side agrees the lab PC is Tess's one current device ...
    members = {m.device for m in state.members(circle.owner.db, circle.space)}
    assert device(lost.lab) in members and device(lost.tess) not in members
    # ... and it now opens what was written after the rotation it was not sealed to.
    assert lost.removal in lost.lab.context(circle.space).keyring
    assert status_of(lost.lab, lost.after) == (VALID, None)
    assert "after the removal" in titles(lost.lab, circle)
    assert state.state_hash(lost.lab.db, circle.space) == state.state_hash(circle.owner.db, circle.space)
    # Later rotations (sealed inside bodies under that key) open too: the owner removes no one
    # new, but a post written after a second sync still reads.
    later = circle.post(circle.owner, "later")
    reconcile(circle.owner, lost.lab, circle.space)
    assert status_of(lost.lab, later) == (VALID, None)


def test_before_the_sync_the_device_holds_the_op_locked_and_asks_for_that_key(lost: Lost) -> None:
    circle = lost.circle
    lost.lab.ingest(circle.space, [row[0] for row in _envelopes(circle.owner, circle)])
    assert status_of(lost.lab, lost.after)[0] == LOCKED
    assert missed_keys.wanted(lost.lab, circle.space) == [lost.removal]
    # Its own person cannot help: the laptop that held the key knows it is unlinked.
    reconcile(lost.lab, lost.tess, circle.space)
    with pytest.raises(Rejected, match="not one of your devices"):
        writer.space_keys(lost.tess, circle.space, for_device=device(lost.lab))


def test_only_a_current_member_is_handed_keys(lost: Lost) -> None:
    circle = lost.circle
    owner = circle.owner
    reconcile(owner, lost.lab, circle.space)
    assert missed_keys.offer(owner, circle.space, device(lost.lab), [lost.removal])  # a member: yes
    assert missed_keys.offer(owner, circle.space, device(lost.ben), [lost.removal]) == []  # removed
    assert missed_keys.offer(owner, circle.space, device(lost.tess), [lost.removal]) == []  # unlinked
    stranger = seed("stranger")
    assert missed_keys.offer(owner, circle.space, stranger, [lost.removal]) == []
    # Only keys of accepted rotations: not the space's own op ids, not a made-up ref.
    assert missed_keys.offer(owner, circle.space, device(lost.lab), [lost.after, b"\x01" * 32]) == []


def test_a_wrong_key_offered_is_not_kept_and_changes_nothing(lost: Lost) -> None:
    circle = lost.circle
    lost.lab.ingest(circle.space, [row[0] for row in _envelopes(circle.owner, circle)])
    before = state.state_hash(lost.lab.db, circle.space)
    forged = [(lost.removal, seal(device(lost.lab), seed("not the key")))]
    assert missed_keys.take(lost.lab, circle.space, forged) == 0
    right_key = circle.owner.context(circle.space).keyring[lost.removal]
    not_mine = [(lost.removal, seal(device(lost.ben), right_key))]
    assert missed_keys.take(lost.lab, circle.space, not_mine) == 0
    assert lost.removal not in lost.lab.context(circle.space).keyring
    assert status_of(lost.lab, lost.after)[0] == LOCKED
    assert state.state_hash(lost.lab.db, circle.space) == before


def test_the_removed_member_gets_no_key_by_asking(lost: Lost) -> None:
    circle = lost.circle
    reconcile(circle.owner, lost.ben, circle.space)
    assert "after the removal" not in titles(lost.ben, circle)
    assert lost.removal not in lost.ben.context(circle.space).keyring


def test_keys_messages_round_trip_and_refuse_garbage() -> None:
    space = seed("space")
    want = WantKeysMessage(space, tuple(sorted((seed("a"), seed("b")))))  # type: ignore[arg-type]
    assert decode(encode(want)) == want
    keys = KeysMessage(space, ((seed("a"), bytes(80)),))  # type: ignore[arg-type]
    assert decode(encode(keys)) == keys
    with pytest.raises(Rejected, match="sealed key"):
        decode(encode(KeysMessage(space, ((seed("a"), bytes(79)),))))  # type: ignore[arg-type]


def _envelopes(replica: Replica, circle: Circle) -> list[tuple[bytes]]:
    from sync.frontier import all_envelopes

    return [(envelope,) for envelope in all_envelopes(replica, circle.space)]
