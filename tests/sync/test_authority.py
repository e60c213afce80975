"""Authority at the op level: each permission allowed for its role and refused below it,
strong removal, invites' uses and expiry, owners unremovable.

Refused ops are still signed and still travel (written with allow_invalid, as a hostile
client would); the point is that every replica refuses them the same way.
"""

from __future__ import annotations

import pytest

from sync import state, writer
from sync.errors import Reason, Rejected
from sync.ids import OpId
from sync.policy import Level
from sync.replica import Replica
from tests.sync.helpers import Circle, Clock, device, hash_of, new_replica, reconcile, seed


def status(replica: Replica, op_id: bytes) -> tuple[int, str | None]:
    return replica.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (op_id,)).fetchone()


def attempt(circle: Circle, actor: Replica, kind: str, fields: dict[str, object]) -> OpId:
    """Sign the op whatever the actor's role, deliver it to the owner, return its id."""
    op, _ = writer.write(actor, circle.space, kind, fields, now_ms=circle.clock(), allow_invalid=True)
    reconcile(actor, circle.owner, circle.space)
    return op.op_id


@pytest.fixture
def circle() -> Circle:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Mo", Level.MENTOR)
    circle.add("Sam")
    circle.add("Sue")
    circle.sync_all()
    return circle


def level_of(circle: Circle, name: str) -> int:
    target = device(circle.members[name])
    return next(m.level for m in state.members(circle.owner.db, circle.space) if m.device == target)


# -- moderation ------------------------------------------------------------------------
@pytest.mark.parametrize(("actor", "allowed"), [("Tess", True), ("Mo", False), ("Sam", False)])
def test_hide_needs_a_teacher(circle: Circle, actor: str, allowed: bool) -> None:
    post = circle.post(circle.members["Sue"], "A question")
    circle.sync_all()
    hide = attempt(circle, circle.members[actor], "mod.hide", {"item": post})
    hidden = {item.item_id for item in state.items(circle.owner.db, circle.space) if item.hidden}
    assert (post in hidden) is allowed
    assert status(circle.owner, hide) == ((0, None) if allowed else (2, Reason.NOT_PERMITTED.value))


def test_concurrent_hide_and_unhide_hide_wins(circle: Circle) -> None:
    tess = circle.members["Tess"]
    post = circle.post(circle.members["Sue"], "Heated")
    circle.sync_all()
    writer.write(circle.owner, circle.space, "mod.hide", {"item": post}, now_ms=circle.clock())
    reconcile(circle.owner, tess, circle.space)
    # Tess unhides what she saw hidden, while the owner hides it again concurrently.
    writer.write(tess, circle.space, "mod.unhide", {"item": post}, now_ms=circle.clock())
    writer.write(circle.owner, circle.space, "mod.hide", {"item": post}, now_ms=circle.clock())
    reconcile(circle.owner, tess, circle.space)
    for replica in (circle.owner, tess):
        assert post in {i.item_id for i in state.items(replica.db, circle.space) if i.hidden}
    # An unhide that has seen every hide wins.
    writer.write(tess, circle.space, "mod.unhide", {"item": post}, now_ms=circle.clock())
    reconcile(circle.owner, tess, circle.space)
    assert post not in {i.item_id for i in state.items(circle.owner.db, circle.space) if i.hidden}


# -- roles -----------------------------------------------------------------------------
@pytest.mark.parametrize(("actor", "allowed"), [("Tess", True), ("Mo", False), ("Sam", False)])
def test_appointing_a_mentor_needs_a_teacher(circle: Circle, actor: str, allowed: bool) -> None:
    grant = attempt(
        circle, circle.members[actor], "member.role", {"member": device(circle.members["Sue"]), "level": 2}
    )
    assert (level_of(circle, "Sue") == Level.MENTOR) is allowed
    assert (status(circle.owner, grant)[0] == 0) is allowed


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("Tess", False)])
def test_granting_teacher_needs_the_owner(circle: Circle, actor: str, allowed: bool) -> None:
    replica = circle.owner if actor == "owner" else circle.members[actor]
    attempt(circle, replica, "member.role", {"member": device(circle.members["Sam"]), "level": 3})
    assert (level_of(circle, "Sam") == Level.TEACHER) is allowed


@pytest.mark.parametrize(("actor", "allowed"), [("Tess", True), ("Mo", False), ("Sam", False)])
def test_removing_a_member_needs_a_teacher(circle: Circle, actor: str, allowed: bool) -> None:
    target = device(circle.members["Sue"])
    attempt(circle, circle.members[actor], "member.remove", {"member": target, "epoch": 1, "keys": []})
    members = {m.device for m in state.members(circle.owner.db, circle.space)}
    assert (target not in members) is allowed


def test_owner_cannot_be_removed_or_demoted(circle: Circle) -> None:
    tess = circle.members["Tess"]
    owner = device(circle.owner)
    attempt(circle, tess, "member.remove", {"member": owner, "epoch": 1, "keys": []})
    attempt(circle, tess, "member.role", {"member": owner, "level": 1})
    levels = {m.device: m.level for m in state.members(circle.owner.db, circle.space)}
    assert levels[owner] == Level.OWNER


def test_members_cannot_act_on_peers_of_equal_rank(circle: Circle) -> None:
    circle.add("Tara", Level.TEACHER)
    circle.sync_all()
    attempt(
        circle, circle.members["Tess"], "member.role", {"member": device(circle.members["Tara"]), "level": 1}
    )
    assert level_of(circle, "Tara") == Level.TEACHER


# -- invites ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inviter", "role", "allowed"),
    [
        ("Sam", Level.MEMBER, True),
        ("Mo", Level.MENTOR, False),
        ("Tess", Level.MENTOR, True),
        ("Tess", Level.TEACHER, False),
        ("owner", Level.TEACHER, True),
    ],
)
def test_invite_roles_follow_the_policy(circle: Circle, inviter: str, role: Level, allowed: bool) -> None:
    replica = circle.owner if inviter == "owner" else circle.members[inviter]
    if not allowed:
        with pytest.raises(Rejected) as error:
            circle.invite(replica, role)
        assert error.value.reason is Reason.NOT_PERMITTED
        return
    newcomer = new_replica("newcomer")
    invite = circle.invite(replica, role)
    writer.accept_invite(newcomer, invite)
    reconcile(replica, newcomer, circle.space)
    writer.join(newcomer, invite, member_name="New", now_ms=circle.clock())
    reconcile(newcomer, circle.owner, circle.space)
    levels = {m.device: m.level for m in state.members(circle.owner.db, circle.space)}
    assert levels[device(newcomer)] == role


def test_a_forged_invite_to_a_higher_role_is_refused(circle: Circle) -> None:
    """A student signs an invite to 'teacher' by hand; the join must not take effect."""
    from sync.invite import InviteToken, make_invite

    sam = circle.members["Sam"]
    head = sam.context(circle.space).heads[sam.context(circle.space).authors[device(sam)]]
    at, at_hlc = sam.db.execute(
        "SELECT op_id, hlc FROM ops WHERE space = ? AND seq = ? AND author = ?",
        (circle.space, head, sam.context(circle.space).authors[device(sam)]),
    ).fetchone()
    token = InviteToken(
        circle.space,
        device(sam),
        at,
        head,
        at_hlc,
        Level.TEACHER,
        1,
        circle.clock.now + 10**7,
        seed("f")[:16],
        (),
    )
    invite = make_invite(sam.key, token, sorted(sam.context(circle.space).keyring.items()))
    mallory = new_replica("mallory")
    writer.accept_invite(mallory, invite)
    reconcile(sam, mallory, circle.space)
    with pytest.raises(Rejected) as error:
        writer.join(mallory, invite, member_name="Mallory", now_ms=circle.clock())
    assert error.value.reason is Reason.NOT_PERMITTED
    assert device(mallory) not in {m.device for m in state.members(circle.owner.db, circle.space)}


def test_invite_uses_are_counted_and_expiry_enforced() -> None:
    clock = Clock()
    circle = Circle.create(clock)
    invite = writer.invite(
        circle.owner,
        circle.space,
        role=Level.MEMBER,
        uses=1,
        expires_ms=clock.now + 1000,
        nonce=seed("n")[:16],
    )
    first, second, late = new_replica("a"), new_replica("b"), new_replica("c")
    for replica in (first, second):
        writer.accept_invite(replica, invite)
        reconcile(circle.owner, replica, circle.space)
    writer.join(first, invite, member_name="A", now_ms=clock())
    reconcile(first, circle.owner, circle.space)
    reconcile(circle.owner, second, circle.space)
    with pytest.raises(Rejected) as error:
        writer.join(second, invite, member_name="B", now_ms=clock())
    assert error.value.reason is Reason.BAD_INVITE
    fresh = writer.invite(
        circle.owner,
        circle.space,
        role=Level.MEMBER,
        uses=5,
        expires_ms=clock.now + 1000,
        nonce=seed("m")[:16],
    )
    writer.accept_invite(late, fresh)
    reconcile(circle.owner, late, circle.space)
    clock.now += 5000
    with pytest.raises(Rejected) as error:
        writer.join(late, fresh, member_name="C", now_ms=clock())
    assert error.value.reason is Reason.BAD_INVITE


# -- strong removal --------------------------------------------------------------------
def test_ops_concurrent_with_the_authors_removal_are_refused(circle: Circle) -> None:
    sue = circle.members["Sue"]
    before = circle.post(sue, "Written before removal, seen by the owner")
    reconcile(sue, circle.owner, circle.space)
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    # Sue never hears of it and keeps writing (backdating: her deps omit the removal).
    concurrent = [circle.post(sue, f"Offline {n}") for n in range(3)]
    reconcile(sue, circle.owner, circle.space)
    assert status(circle.owner, before) == (0, None)
    for op_id in concurrent:
        assert status(circle.owner, op_id) == (2, Reason.NOT_PERMITTED.value)
    titles = {item.title for item in state.items(circle.owner.db, circle.space)}
    assert "Written before removal, seen by the owner" in titles
    assert not any(title.startswith("Offline") for title in titles)


def test_teacher_demoted_concurrently_loses_moderation_done_meanwhile(circle: Circle) -> None:
    tess = circle.members["Tess"]
    post = circle.post(circle.members["Sam"], "Fine post")
    circle.sync_all()
    writer.write(
        circle.owner, circle.space, "member.role", {"member": device(tess), "level": 1}, now_ms=circle.clock()
    )
    hide = attempt(circle, tess, "mod.hide", {"item": post})
    assert status(circle.owner, hide)[0] == 2
    assert post not in {i.item_id for i in state.items(circle.owner.db, circle.space) if i.hidden}


def test_ops_after_leaving_are_refused(circle: Circle) -> None:
    sam = circle.members["Sam"]
    writer.write(sam, circle.space, "member.leave", {}, now_ms=circle.clock())
    late = attempt(circle, sam, "item.put", {"title": "after leaving", "text": ""})
    assert status(circle.owner, late)[0] == 2
    assert device(sam) not in {m.device for m in state.members(circle.owner.db, circle.space)}


def test_replicas_agree_whatever_the_delivery_order(circle: Circle) -> None:
    sue = circle.members["Sue"]
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    circle.post(sue, "concurrent")
    reconcile(sue, circle.members["Sam"], circle.space)  # Sam hears Sue first
    circle.sync_all()
    hashes = {hash_of(replica, circle.space) for name, replica in circle.members.items() if name != "Sue"}
    assert hashes == {hash_of(circle.owner, circle.space)}
