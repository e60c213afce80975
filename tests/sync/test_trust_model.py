"""Attacks on the trust model by a hostile member (issue: liveness and final removal).

Each test reproduces an attack a student could make with the project's own modules:
a clock poisoned far ahead, invalid ops offered as dependencies, a fork of one's own
join after a removal, a fork that would expel one's invitees, and a `leave` slipped into
the past of a removal by a colluding member. Real signing, encryption and SQLite.
"""

from __future__ import annotations

import pytest

from sync import writer
from sync.crypto import decrypt_body
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.hlc import COUNTER_BITS, MAX_CLOCK_AHEAD_MS, MAX_HLC, wall_ms
from sync.identity import DeviceKey
from sync.ids import HASH_LEN, OpId
from sync.op import VerifiedOp, seal_and_sign
from sync.policy import Level
from sync.replica import VALID, Replica
from sync.store import Store
from sync.wire.body import encode_body
from sync.wire.op import Header
from tests.sync.helpers import Circle, Clock, device, reconcile, seed

YEAR_2999_MS = 32_472_144_000_000


def clocked(label: str, clock: Clock) -> Replica:
    """A replica that admits ops by `clock`, as the app's are."""
    return Replica(Store(":memory:"), DeviceKey(seed(label)), now_ms=lambda: clock.now)


@pytest.fixture
def circle() -> Circle:
    clock = Clock()
    circle = Circle.create(clock, owner=clocked("owner", clock))
    for name in ("ann", "ben"):
        circle.add(name, replica=clocked(name, clock))
    return circle


def status_of(replica: Replica, op_id: bytes) -> tuple[int, str | None]:
    return replica.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (op_id,)).fetchone()


def is_member(replica: Replica, space: bytes, who: Replica) -> bool:
    row = replica.db.execute(
        "SELECT level FROM members WHERE space = ? AND device = ?", (space, device(who))
    ).fetchone()
    return row is not None and row[0] > Level.NONE


def sign_by_hand(
    author: Replica,
    circle: Circle,
    *,
    seq: int,
    prev: bytes | None,
    deps: tuple[bytes, ...],
    kind: str,
    fields: dict[str, object],
    hlc: int,
    epoch: int = 0,
    key: bytes | None = None,
) -> VerifiedOp:
    """An op signed outside the writer, as a hostile client would: any seq, deps, clock."""
    draft = Header(
        space=circle.space,
        author=device(author),
        seq=seq,
        prev=OpId(prev) if prev else None,
        deps=tuple(OpId(dep) for dep in deps),
        kind=kind,
        epoch=epoch,
        body_hash=bytes(HASH_LEN),
        body_len=0,
        hlc=hlc,
    )
    return seal_and_sign(author.key, draft, encode_body(fields), key or seed("space-key"))


def fork_of_join(author: Replica, circle: Circle) -> VerifiedOp:
    """A second op at seq 1, a twin of `author`'s join, signed now."""
    return sign_by_hand(
        author,
        circle,
        seq=1,
        prev=None,
        deps=(circle.space,),
        kind="item.put",
        fields={"title": "fork", "text": ""},
        hlc=circle.clock() << COUNTER_BITS,
    )


def own_op(replica: Replica, circle: Circle, seq: int) -> bytes:
    me = replica.context(circle.space).authors[device(replica)]
    return replica.db.execute(
        "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ?", (circle.space, me, seq)
    ).fetchone()[0]


# -- liveness: no op can stop an honest member from writing --------------------------


@pytest.mark.parametrize("poisoned", [MAX_HLC, YEAR_2999_MS << COUNTER_BITS], ids=["2^63-1", "year-2999"])
def test_a_clock_far_ahead_is_held_back_and_the_circle_keeps_working(circle: Circle, poisoned: int) -> None:
    ben = circle.members["ben"]
    seq = ben.context(circle.space).heads[ben.context(circle.space).authors[device(ben)]] + 1
    poisoned_op = sign_by_hand(
        ben,
        circle,
        seq=seq,
        prev=own_op(ben, circle, seq - 1),
        deps=(),
        kind="item.put",
        fields={"title": "x", "text": ""},
        hlc=poisoned,
    )
    ben.ingest(circle.space, [poisoned_op.to_wire()])
    reconcile(ben, circle.owner, circle.space)
    # Before the fix: "bad-clock" here, on this and every later write, by anyone.
    removal, _ = writer.remove_member(
        circle.owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock()
    )
    post = circle.post(circle.owner, "still here")
    assert wall_ms(removal.header.hlc) <= circle.clock.now + 1
    hlc = circle.owner.db.execute("SELECT hlc FROM ops WHERE op_id = ?", (post,)).fetchone()[0]
    assert wall_ms(hlc) <= circle.clock.now + 1
    assert status_of(circle.owner, removal.op_id) == (VALID, None)
    assert status_of(circle.owner, poisoned_op.op_id) is None  # held back, so nothing depends on it


def test_an_op_held_back_is_admitted_once_the_clock_reaches_it(circle: Circle) -> None:
    ben = circle.members["ben"]
    ahead_ms = circle.clock.now + MAX_CLOCK_AHEAD_MS + 60_000
    early, _ = writer.write(ben, circle.space, "item.put", {"title": "early", "text": ""}, now_ms=ahead_ms)
    reconcile(ben, circle.owner, circle.space)
    assert status_of(circle.owner, early.op_id) is None
    circle.clock.now += 2 * 60_000
    reconcile(ben, circle.owner, circle.space)
    assert status_of(circle.owner, early.op_id) == (VALID, None)


def test_a_member_slightly_ahead_is_admitted_at_once(circle: Circle) -> None:
    ben = circle.members["ben"]
    ahead, _ = writer.write(
        ben,
        circle.space,
        "item.put",
        {"title": "a", "text": ""},
        now_ms=circle.clock.now + MAX_CLOCK_AHEAD_MS // 2,
    )
    reconcile(ben, circle.owner, circle.space)
    assert status_of(circle.owner, ahead.op_id) == (VALID, None)


def test_an_invalid_op_is_never_named_as_a_dependency(circle: Circle) -> None:
    """A removed member's op (refused everywhere) must not become every later op's parent."""
    ben = circle.members["ben"]
    writer.remove_member(circle.owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock())
    # Ben has not heard of his removal; his op, a little ahead, is refused by strong removal.
    late, _ = writer.write(
        ben, circle.space, "item.put", {"title": "late", "text": ""}, now_ms=circle.clock.now + 240_000
    )
    reconcile(ben, circle.owner, circle.space)
    assert status_of(circle.owner, late.op_id)[0] != VALID
    op, _ = writer.write(
        circle.owner, circle.space, "item.put", {"title": "t", "text": ""}, now_ms=circle.clock()
    )
    assert late.op_id not in op.header.deps
    assert op.header.hlc < late.header.hlc  # the owner's clock was not dragged to Ben's


def test_a_strangers_op_is_never_named_as_a_dependency(circle: Circle) -> None:
    stranger = clocked("stranger", circle.clock)
    genesis = circle.space
    junk = sign_by_hand(
        stranger,
        circle,
        seq=1,
        prev=None,
        deps=(genesis,),
        kind="item.put",
        fields={"title": "junk", "text": ""},
        hlc=(circle.clock.now + 200_000) << COUNTER_BITS,
    )
    circle.owner.ingest(circle.space, [junk.to_wire()])
    assert status_of(circle.owner, junk.op_id)[1] == "not-permitted"
    op, _ = writer.write(
        circle.owner, circle.space, "item.put", {"title": "t", "text": ""}, now_ms=circle.clock()
    )
    assert junk.op_id not in op.header.deps and op.header.hlc < junk.header.hlc


# -- removal is final ------------------------------------------------------------------


def test_a_removed_member_cannot_fork_its_join_to_undo_the_removal(circle: Circle) -> None:
    owner, ann, ben = circle.owner, circle.members["ann"], circle.members["ben"]
    circle.post(ben, "before")
    circle.sync_all()
    removal, _ = writer.remove_member(
        owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock()
    )
    circle.sync_all([owner, ann])
    secret = circle.post(ann, "after the removal")
    circle.sync_all([owner, ann])
    # Ben signs a second op at seq 1: a fork of his own join.
    fork = fork_of_join(ben, circle)
    for replica in (owner, ann):
        replica.ingest(circle.space, [fork.to_wire()])
        context = replica.context(circle.space)
        assert context.forks[context.authors[device(ben)]] == 1
        assert status_of(replica, removal.op_id) == (VALID, None)
        assert status_of(replica, secret) == (VALID, None)
        assert status_of(replica, fork.op_id)[1] == "quarantined"
        assert not is_member(replica, circle.space, ben)
    # New writes stay in the rotated epoch, which Ben cannot read.
    op, _ = writer.write(ann, circle.space, "item.put", {"title": "later", "text": ""}, now_ms=circle.clock())
    assert op.header.epoch == 1
    ben_keys = [
        key for _, key in ben.db.execute("SELECT ref, key FROM keyring WHERE space = ?", (circle.space,))
    ]
    for key in ben_keys:
        with pytest.raises(Rejected):
            decrypt_body(key, op.associated_data(), op.body or b"")
    # ... and the owner can still remove him again (nothing is stuck).
    assert writer.my_level(owner, circle.space) == Level.OWNER


def test_forking_ones_join_does_not_expel_ones_invitees(circle: Circle) -> None:
    owner, ben = circle.owner, circle.members["ben"]
    invite = writer.invite(
        ben,
        circle.space,
        role=Level.MEMBER,
        uses=1,
        expires_ms=circle.clock.now + 86_400_000,
        nonce=bytes(16),
    )
    cara = clocked("cara", circle.clock)
    writer.accept_invite(cara, invite)
    reconcile(ben, cara, circle.space)
    writer.join(cara, invite, member_name="Cara", now_ms=circle.clock())
    reconcile(cara, ben, circle.space)
    reconcile(ben, owner, circle.space)
    note = circle.post(cara, "my work")
    reconcile(cara, owner, circle.space)
    assert is_member(owner, circle.space, cara)
    fork = fork_of_join(ben, circle)
    owner.ingest(circle.space, [fork.to_wire()])
    assert is_member(owner, circle.space, cara)
    assert status_of(owner, note) == (VALID, None)
    assert status_of(owner, own_op(ben, circle, 1)) == (VALID, None)  # the join others built on


def test_a_leave_slipped_into_the_past_of_a_removal_does_not_undo_it(circle: Circle) -> None:
    """Ben, removed, forks a `leave` at a seq his removal already covers; Ann, colluding,
    names it in an op of hers. The removal and its rotation stand."""
    owner, ann, ben = circle.owner, circle.members["ann"], circle.members["ben"]
    circle.post(ben, "one")
    circle.post(ben, "two")
    circle.sync_all()
    removal, _ = writer.remove_member(
        owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock()
    )
    twin_of = own_op(ben, circle, 2)
    prev = own_op(ben, circle, 1)
    ben_join = owner.context(circle.space).info(owner.db, OpId(prev))
    assert ben_join is not None
    leave = sign_by_hand(
        ben,
        circle,
        seq=2,
        prev=prev,
        deps=(),
        kind="member.leave",
        fields={},
        hlc=status_hlc(owner, twin_of) + 1,
    )
    ann.ingest(circle.space, [leave.to_wire()])
    writer.write(
        ann,
        circle.space,
        "item.put",
        {"title": "I saw it", "text": ""},
        now_ms=circle.clock(),
        extra_deps=[OpId(leave.op_id)],
    )
    circle.sync_all([owner, ann])
    for replica in (owner, ann):
        assert status_of(replica, removal.op_id) == (VALID, None)
        assert not is_member(replica, circle.space, ben)
        op, _ = writer.write(
            replica, circle.space, "item.put", {"title": "z", "text": ""}, now_ms=circle.clock()
        )
        assert op.header.epoch == 1


def status_hlc(replica: Replica, op_id: bytes) -> int:
    return replica.db.execute("SELECT hlc FROM ops WHERE op_id = ?", (op_id,)).fetchone()[0]


def test_the_same_ops_in_any_order_give_the_same_verdicts(circle: Circle) -> None:
    """The fork rule is a function of the op set: a fresh replica fed everything in
    reverse chain order ends where the owner is."""
    owner, ben = circle.owner, circle.members["ben"]
    writer.remove_member(owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock())
    fork = fork_of_join(ben, circle)
    owner.ingest(circle.space, [fork.to_wire()])
    fresh = clocked("fresh", circle.clock)
    writer.accept_invite(fresh, circle.invite(owner))
    envelopes = all_envelopes(owner, circle.space)
    for envelope in [fork.to_wire(), *reversed(envelopes)]:
        fresh.ingest(circle.space, [envelope])
    verdicts = {row[0]: (row[1], row[2]) for row in fresh.db.execute("SELECT op_id, status, reason FROM ops")}
    expected = {row[0]: (row[1], row[2]) for row in owner.db.execute("SELECT op_id, status, reason FROM ops")}
    assert verdicts == expected


def test_a_removed_member_cannot_mint_a_token_to_come_back_as_a_new_device(circle: Circle) -> None:
    """Ben, removed, signs a fresh invite naming an op of his from before the removal and
    joins with a new device that never names the removal (backdating the join)."""
    owner, ben = circle.owner, circle.members["ben"]
    writer.remove_member(owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock())
    # Ben has not synced since: his replica still thinks he may invite.
    token = writer.invite(
        ben, circle.space, role=Level.MEMBER, uses=5, expires_ms=circle.clock.now + 10**9, nonce=bytes(16)
    )
    puppet = clocked("puppet", circle.clock)
    writer.accept_invite(puppet, token)
    reconcile(ben, puppet, circle.space)
    join, _ = writer.join(puppet, token, member_name="Ben again", now_ms=circle.clock())
    reconcile(puppet, owner, circle.space)
    assert status_of(owner, join.op_id) == (2, "not-permitted")
    assert not is_member(owner, circle.space, puppet)


def test_a_second_removal_made_before_hearing_of_the_first_keeps_its_rotation(circle: Circle) -> None:
    """The owner removes Ben; Ben posts; Tess, a teacher who heard Ben's post but not the
    owner's removal, removes him too and writes. Both removals stand, and so does her post
    (found by tests/sync/test_adversary.py)."""
    owner, ben = circle.owner, circle.members["ben"]
    tess = circle.add("tess", Level.TEACHER, replica=clocked("tess", circle.clock))
    circle.sync_all([owner, ben, tess])
    first, _ = writer.remove_member(
        owner, circle.space, device(ben), new_key=seed("k1"), now_ms=circle.clock()
    )
    circle.post(ben, "meanwhile")
    reconcile(ben, tess, circle.space)
    second, _ = writer.remove_member(
        tess, circle.space, device(ben), new_key=seed("k2"), now_ms=circle.clock()
    )
    after = circle.post(tess, "after my removal of Ben")
    circle.sync_all([owner, tess])
    for replica in (owner, tess):
        assert status_of(replica, first.op_id) == (VALID, None)
        assert status_of(replica, second.op_id) == (VALID, None)
        assert status_of(replica, after) == (VALID, None)


def test_two_witnessed_twins_do_not_stall_the_authority(circle: Circle) -> None:
    """Ben signs a second join at seq 1 and Ann names it: both twins count. Each used to wait on
    the other in the authority's causal order, so every later membership event (here
    Dan's join) dropped out of it (found by the adversary property)."""
    owner, ann, ben = circle.owner, circle.members["ann"], circle.members["ben"]
    circle.sync_all()
    circle.post(owner, "welcome")  # names Ben's join
    circle.sync_all()
    token = circle.invite(owner)  # a second join for the twin, naming the owner's op
    twin = sign_by_hand(
        ben,
        circle,
        seq=1,
        prev=None,
        deps=(circle.space, token.token.at),
        kind="member.join",
        fields={"token": token.token_bytes, "token_sig": token.signature, "member_name": "Ben"},
        hlc=circle.clock() << COUNTER_BITS,
    )
    ann.ingest(circle.space, [twin.to_wire()])
    writer.write(
        ann,
        circle.space,
        "item.put",
        {"title": "seen", "text": ""},
        now_ms=circle.clock(),
        extra_deps=[OpId(twin.op_id)],
    )
    circle.sync_all([owner, ann])
    dan = circle.add("dan", replica=clocked("dan", circle.clock))
    circle.sync_all([owner, ann, dan])
    for replica in (owner, ann):
        assert is_member(replica, circle.space, dan)
        assert is_member(replica, circle.space, ben)  # his join is what the others built on
