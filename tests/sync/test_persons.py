"""One person, several devices: linking, unlinking, and who may do which.

Real replicas, real signatures and keys: a member's existing device links a new device
of theirs (`member.link`, carrying the new device's signed consent), which then writes
as the same person; a device of the person (or a teacher) unlinks it, rotating the key.
"""

from __future__ import annotations

import pytest

from sync import state, writer
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.link import DeviceStatement, sign_statement
from sync.policy import Level
from sync.replica import Replica
from tests.sync.helpers import Circle, Clock, device, new_replica, reconcile, seed


def link(circle: Circle, existing: Replica, label: str) -> Replica:
    """`existing` links a fresh device `label` to its person; the new device takes the keys
    and the history."""
    new = new_replica(label)
    statement = sign_statement(new.key, space=circle.space, linker=device(existing))
    writer.link_device(existing, circle.space, statement, now_ms=circle.clock())
    writer.take_space_keys(
        new, circle.space, writer.space_keys(existing, circle.space, for_device=device(new))
    )
    reconcile(existing, new, circle.space)
    return new


def status_of(replica: Replica, op_id: bytes) -> tuple[int, str | None]:
    row = replica.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (op_id,)).fetchone()
    assert row is not None
    return row[0], row[1]


def titles(replica: Replica, circle: Circle) -> set[str]:
    return {item.title for item in state.items(replica.db, circle.space)}


@pytest.fixture
def circle() -> Circle:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Ben")
    circle.add("Sue")
    circle.sync_all()
    return circle


def test_a_linked_device_is_the_same_person_with_the_same_level(circle: Circle) -> None:
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    circle.post(lab, "from the lab")
    circle.post(ben, "from the laptop")
    reconcile(lab, circle.owner, circle.space)
    reconcile(ben, circle.owner, circle.space)
    db = circle.owner.db
    assert {"from the lab", "from the laptop"} <= titles(circle.owner, circle)
    by_device = {row.device: row for row in state.members(db, circle.space)}
    assert by_device[device(lab)].name == "Ben"
    assert by_device[device(lab)].level == Level.MEMBER
    assert by_device[device(lab)].person == device(ben)
    bens = [p for p in state.persons(db, circle.space) if p.name == "Ben"]
    assert len(bens) == 1
    assert bens[0].person == device(ben)
    assert bens[0].devices == (device(ben), device(lab))
    assert state.device_persons(db, circle.space)[device(lab)] == device(ben)
    context = circle.owner.context(circle.space)
    assert context.person_of(device(lab)) == device(ben)
    assert context.devices_of(device(ben)) == [device(ben), device(lab)]


def test_a_chain_of_links_stays_one_person(circle: Circle) -> None:
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    phone = link(circle, lab, "ben-phone")
    circle.post(phone, "from the phone")
    reconcile(phone, circle.owner, circle.space)
    reconcile(lab, circle.owner, circle.space)
    rows = {row.device: row for row in state.members(circle.owner.db, circle.space)}
    assert rows[device(phone)].person == device(ben)
    assert "from the phone" in titles(circle.owner, circle)


def test_a_role_belongs_to_the_person_so_every_device_holds_it(circle: Circle) -> None:
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    reconcile(lab, circle.owner, circle.space)
    # The role op names the lab device; the person (and so the laptop) becomes a mentor.
    writer.change_role(circle.owner, circle.space, device(lab), role=Level.MENTOR, now_ms=circle.clock())
    reconcile(circle.owner, ben, circle.space)
    levels = {row.device: row.level for row in state.members(circle.owner.db, circle.space)}
    assert levels[device(ben)] == levels[device(lab)] == Level.MENTOR
    assert writer.my_level(ben, circle.space) == Level.MENTOR


def test_a_forged_statement_is_refused(circle: Circle) -> None:
    ben = circle.members["Ben"]
    stranger = new_replica("stranger")
    good = sign_statement(stranger.key, space=circle.space, linker=device(ben))
    forged = DeviceStatement(good.space, good.linker, good.device, bytes(64))
    with pytest.raises(Rejected, match="damaged"):
        writer.link_device(ben, circle.space, forged, now_ms=circle.clock())
    # Written anyway (a hostile client), every replica refuses it.
    fields = {"device": forged.device, "device_sig": forged.signature}
    op, _ = writer.write(ben, circle.space, "member.link", fields, now_ms=circle.clock(), allow_invalid=True)
    assert status_of(ben, op.op_id) == (2, Reason.BAD_CONTENT.value)
    reconcile(ben, circle.owner, circle.space)
    assert status_of(circle.owner, op.op_id) == (2, Reason.BAD_CONTENT.value)


def test_a_statement_for_another_space_or_another_linker_is_refused(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    new = new_replica("ben-lab")
    other_space = Circle.create(circle.clock, owner=new_replica("other-owner"), name="Other")
    elsewhere = sign_statement(new.key, space=other_space.space, linker=device(ben))
    with pytest.raises(Rejected, match="another circle"):
        writer.link_device(ben, circle.space, elsewhere, now_ms=circle.clock())
    # Sue replays the statement Ben's new device made for Ben: bound to Ben, refused.
    for_ben = sign_statement(new.key, space=circle.space, linker=device(ben))
    with pytest.raises(Rejected, match="another device"):
        writer.link_device(sue, circle.space, for_ben, now_ms=circle.clock())
    for statement, writer_replica in ((elsewhere, ben), (for_ben, sue)):
        fields = {"device": statement.device, "device_sig": statement.signature}
        op, _ = writer.write(
            writer_replica, circle.space, "member.link", fields, now_ms=circle.clock(), allow_invalid=True
        )
        reconcile(writer_replica, circle.owner, circle.space)
        assert status_of(circle.owner, op.op_id) == (2, Reason.BAD_CONTENT.value)
    assert device(new) not in {row.device for row in state.members(circle.owner.db, circle.space)}


def test_linking_an_existing_member_or_the_owner_is_refused(circle: Circle) -> None:
    """Linking cannot merge persons: a student cannot take over the owner's or a teacher's
    device as theirs (to gain its level, or to unlink it)."""
    ben = circle.members["Ben"]
    for victim in (circle.owner, circle.members["Tess"], circle.members["Sue"]):
        # The victim's consent would be needed; even with it (a colluding device), refused.
        statement = sign_statement(victim.key, space=circle.space, linker=device(ben))
        with pytest.raises(Rejected):
            writer.link_device(ben, circle.space, statement, now_ms=circle.clock())
        fields = {"device": statement.device, "device_sig": statement.signature}
        op, _ = writer.write(
            ben, circle.space, "member.link", fields, now_ms=circle.clock(), allow_invalid=True
        )
        assert status_of(ben, op.op_id) == (2, Reason.NOT_PERMITTED.value)
    reconcile(ben, circle.owner, circle.space)
    levels = {row.device: row.level for row in state.members(circle.owner.db, circle.space)}
    assert levels[device(circle.owner)] == Level.OWNER
    assert levels[device(circle.members["Tess"])] == Level.TEACHER


def test_a_linked_device_never_holds_more_than_its_person(circle: Circle) -> None:
    """A student's new device is a student: it cannot hide, remove or grant."""
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    lab = link(circle, ben, "ben-lab")
    item = circle.post(sue, "Sue's post")
    reconcile(sue, lab, circle.space)
    with pytest.raises(Rejected):
        writer.write(lab, circle.space, "mod.hide", {"item": item}, now_ms=circle.clock())
    with pytest.raises(Rejected):
        writer.change_role(lab, circle.space, device(ben), role=Level.MENTOR, now_ms=circle.clock())
    op, _ = writer.write(
        lab,
        circle.space,
        "member.role",
        {"member": device(ben), "level": 2},
        now_ms=circle.clock(),
        allow_invalid=True,
    )
    assert status_of(lab, op.op_id)[0] == 2


def test_a_removed_persons_devices_are_all_removed_and_cannot_read_after(circle: Circle) -> None:
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    reconcile(lab, circle.owner, circle.space)
    writer.remove_member(circle.owner, circle.space, device(ben), new_key=seed("e1"), now_ms=circle.clock())
    circle.post(circle.owner, "after removal")
    members = {row.device for row in state.members(circle.owner.db, circle.space)}
    assert device(ben) not in members and device(lab) not in members
    for gone in (ben, lab):
        gone.ingest(circle.space, all_envelopes(circle.owner, circle.space))
        assert "after removal" not in titles(gone, circle)
        with pytest.raises(Rejected):
            circle.post(gone, "still here?")
    # The lab device cannot link yet another device after the removal.
    newer = new_replica("ben-phone")
    statement = sign_statement(newer.key, space=circle.space, linker=device(lab))
    with pytest.raises(Rejected):
        writer.link_device(lab, circle.space, statement, now_ms=circle.clock())


def test_an_unlinked_device_is_refused_and_reads_nothing_after(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    lab = link(circle, ben, "ben-lab")
    circle.post(lab, "before unlink")
    reconcile(lab, ben, circle.space)
    writer.unlink_device(ben, circle.space, device(lab), new_key=seed("u1"), now_ms=circle.clock())
    secret = circle.post(ben, "after unlink")
    # The stolen lab device keeps writing, as if it had not heard.
    stolen = circle.post(lab, "written by the thief")
    for replica in (circle.owner, sue):
        reconcile(ben, replica, circle.space)
        reconcile(lab, replica, circle.space)
        assert status_of(replica, stolen) == (2, Reason.NOT_PERMITTED.value)
        assert {"before unlink", "after unlink"} <= titles(replica, circle)
        rows = {row.device for row in state.members(replica.db, circle.space)}
        assert device(lab) not in rows and device(ben) in rows
    lab.ingest(circle.space, all_envelopes(circle.owner, circle.space))
    assert "after unlink" not in titles(lab, circle)
    assert status_of(lab, secret) == (3, Reason.UNDECRYPTABLE.value)
    # What the lab device wrote before stays, attributed to Ben.
    assert state.device_persons(circle.owner.db, circle.space)[device(lab)] == device(ben)
    # Unlinking is final: it cannot be linked back with its old (or a new) statement.
    again = sign_statement(lab.key, space=circle.space, linker=device(ben))
    with pytest.raises(Rejected):
        writer.link_device(ben, circle.space, again, now_ms=circle.clock())


def test_who_may_unlink(circle: Circle) -> None:
    ben, sue, tess = circle.members["Ben"], circle.members["Sue"], circle.members["Tess"]
    lab = link(circle, ben, "ben-lab")
    for replica in (circle.owner, sue, tess):
        reconcile(lab, replica, circle.space)
    with pytest.raises(Rejected, match="only unlink your own"):
        writer.unlink_device(sue, circle.space, device(lab), new_key=seed("x"), now_ms=circle.clock())
    with pytest.raises(Rejected, match="cannot unlink itself"):
        writer.unlink_device(lab, circle.space, device(lab), new_key=seed("x"), now_ms=circle.clock())
    # Ben's lab device may not unlink the owner's device or Sue's.
    with pytest.raises(Rejected):
        writer.unlink_device(
            lab, circle.space, device(circle.owner), new_key=seed("x"), now_ms=circle.clock()
        )
    # A teacher may unlink a student's device (a removal of that device only).
    writer.unlink_device(tess, circle.space, device(lab), new_key=seed("t"), now_ms=circle.clock())
    levels = {row.device: row.level for row in state.members(tess.db, circle.space)}
    assert device(lab) not in levels and levels[device(ben)] == Level.MEMBER


def test_the_new_device_may_unlink_the_old_one(circle: Circle) -> None:
    """A lost laptop (the person's first device) unlinked from the lab PC."""
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    writer.unlink_device(lab, circle.space, device(ben), new_key=seed("lost"), now_ms=circle.clock())
    circle.post(lab, "still Ben")
    reconcile(lab, circle.owner, circle.space)
    rows = {row.device: row for row in state.members(circle.owner.db, circle.space)}
    assert device(ben) not in rows
    assert rows[device(lab)].name == "Ben" and rows[device(lab)].person == device(ben)
    assert "still Ben" in titles(circle.owner, circle)


# -- concurrency: every replica resolves the same way (strong removal) ----------------------
def test_a_link_concurrent_with_the_linkers_removal_is_refused_everywhere(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    # Ben, offline, links a lab device and writes from it; meanwhile the owner removes Ben.
    lab = link(circle, ben, "ben-lab")
    written = circle.post(lab, "from the lab, offline")
    writer.remove_member(circle.owner, circle.space, device(ben), new_key=seed("r"), now_ms=circle.clock())
    reconcile(circle.owner, sue, circle.space)
    # They meet, in both orders on two replicas.
    reconcile(lab, sue, circle.space)
    reconcile(ben, circle.owner, circle.space)
    reconcile(lab, circle.owner, circle.space)
    reconcile(circle.owner, sue, circle.space)
    link_op = circle.owner.db.execute("SELECT op_id FROM ops WHERE kind = 'member.link'").fetchone()[0]
    for replica in (circle.owner, sue):
        assert status_of(replica, link_op) == (2, Reason.NOT_PERMITTED.value)
        assert status_of(replica, written)[0] == 2
        rows = {row.device for row in state.members(replica.db, circle.space)}
        assert device(ben) not in rows and device(lab) not in rows
    assert state.state_hash(sue.db, circle.space) == state.state_hash(circle.owner.db, circle.space)


def test_a_link_after_the_linker_was_unlinked_concurrently_is_refused(circle: Circle) -> None:
    """The thief holding Ben's stolen laptop links a phone while Ben, from the lab device,
    unlinks the laptop without having heard of the link."""
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    writer.unlink_device(lab, circle.space, device(ben), new_key=seed("lost"), now_ms=circle.clock())
    phone = link(circle, ben, "thief-phone")
    sneaky = circle.post(phone, "the thief's phone")
    for replica in (lab, ben, phone):
        reconcile(replica, circle.owner, circle.space)
    reconcile(circle.owner, lab, circle.space)
    link_op = circle.owner.db.execute(
        "SELECT op_id FROM ops WHERE kind = 'member.link' ORDER BY rowid DESC LIMIT 1"
    ).fetchone()[0]
    for replica in (circle.owner, lab):
        assert status_of(replica, link_op) == (2, Reason.NOT_PERMITTED.value)
        assert status_of(replica, sneaky)[0] == 2
        rows = {row.device for row in state.members(replica.db, circle.space)}
        assert rows.isdisjoint({device(ben), device(phone)}) and device(lab) in rows
    # The phone cannot read what the lab device writes next.
    secret = circle.post(lab, "after the laptop was unlinked")
    phone.ingest(circle.space, all_envelopes(lab, circle.space))
    assert status_of(phone, secret) == (3, Reason.UNDECRYPTABLE.value)


def test_a_join_and_a_link_of_the_same_device_resolve_the_same_everywhere(circle: Circle) -> None:
    """A device cannot be both its own person and another's: whichever the resolution order
    takes first stands, on every replica."""
    ben = circle.members["Ben"]
    lab = new_replica("ben-lab")
    invite = circle.invite(circle.owner)
    writer.accept_invite(lab, invite)
    reconcile(circle.owner, lab, circle.space)
    statement = sign_statement(lab.key, space=circle.space, linker=device(ben))
    writer.link_device(ben, circle.space, statement, now_ms=circle.clock())
    writer.join(lab, invite, member_name="Lab", now_ms=circle.clock())
    reconcile(lab, circle.owner, circle.space)
    reconcile(ben, circle.owner, circle.space)
    reconcile(ben, lab, circle.space)
    for replica in (lab, ben):
        reconcile(replica, circle.owner, circle.space)
    found = {
        (row.device, row.person)
        for replica in (circle.owner, ben, lab)
        for row in state.members(replica.db, circle.space)
        if row.device == device(lab)
    }
    assert len(found) == 1
    hashes = {state.state_hash(r.db, circle.space) for r in (circle.owner, ben, lab)}
    assert len(hashes) == 1


def test_a_role_naming_a_device_before_its_link_arrived_is_judged_alike_in_any_order(circle: Circle) -> None:
    """Tess appoints Ben's lab PC mentor without having heard of its link (a hostile or
    stale writer: the writer's own check is bypassed). A replica that received the role
    before the link once judged it with no target (refused) and never again; one that
    received the link first judged it like any role. Found by the persons property."""
    ben, tess = circle.members["Ben"], circle.members["Tess"]
    lab = link(circle, ben, "ben-lab")
    role, _ = writer.write(
        tess,
        circle.space,
        "member.role",
        {"member": device(lab), "level": int(Level.MENTOR)},
        now_ms=circle.clock(),
        allow_invalid=True,
    )
    tess_first, ben_first = new_replica("tess-first"), new_replica("ben-first")
    keys = writer.space_keys(ben, circle.space, for_device=device(lab))
    for observer in (tess_first, ben_first):
        writer.take_space_keys(observer, circle.space, keys)
    tess_first.ingest(circle.space, all_envelopes(tess, circle.space))
    tess_first.ingest(circle.space, all_envelopes(ben, circle.space))
    ben_first.ingest(circle.space, all_envelopes(ben, circle.space))
    ben_first.ingest(circle.space, all_envelopes(tess, circle.space))
    assert status_of(tess_first, role.op_id) == status_of(ben_first, role.op_id)
    assert state.members(tess_first.db, circle.space) == state.members(ben_first.db, circle.space)
    assert state.state_hash(tess_first.db, circle.space) == state.state_hash(ben_first.db, circle.space)


def test_a_link_read_under_a_rotation_later_cut_counts_nowhere(circle: Circle) -> None:
    """Ben unlinks his lab PC (a rotation) while the owner, unaware, unlinks Ben's laptop:
    Ben's unlink is cut (strong removal), so no rotation happened and Sue's link, written
    under Ben's new key, has the wrong epoch everywhere. A replica that had read Sue's link
    before the owner's unlink arrived kept it as a membership event, and listed Sue's new
    device as a member; one that got the owner's unlink first did not. Found by the
    persons sync property."""
    ben, sue, owner = circle.members["Ben"], circle.members["Sue"], circle.owner
    lab = link(circle, ben, "ben-lab")
    reconcile(ben, owner, circle.space)
    writer.unlink_device(ben, circle.space, device(lab), new_key=seed("ben's"), now_ms=circle.clock())
    writer.unlink_device(owner, circle.space, device(ben), new_key=seed("owner's"), now_ms=circle.clock())
    reconcile(ben, sue, circle.space)  # Sue hears of Ben's unlink only, and links a device
    sue_lab = new_replica("sue-lab")
    statement = sign_statement(sue_lab.key, space=circle.space, linker=device(sue))
    writer.link_device(sue, circle.space, statement, now_ms=circle.clock())
    keys = {
        ref: key
        for replica in (owner, ben, sue)
        for ref, key in replica.db.execute("SELECT ref, key FROM keyring WHERE space = ?", (circle.space,))
    }
    read_first, cut_first = new_replica("read-first"), new_replica("cut-first")
    for observer in (read_first, cut_first):
        writer.take_space_keys(observer, circle.space, keys.items())
    read_first.ingest(circle.space, all_envelopes(sue, circle.space))
    assert device(sue_lab) in {m.device for m in state.members(read_first.db, circle.space)}
    read_first.ingest(circle.space, all_envelopes(owner, circle.space))
    cut_first.ingest(circle.space, all_envelopes(owner, circle.space))
    cut_first.ingest(circle.space, all_envelopes(sue, circle.space))
    for observer in (read_first, cut_first):
        assert device(sue_lab) not in {m.device for m in state.members(observer.db, circle.space)}
    assert state.state_hash(read_first.db, circle.space) == state.state_hash(cut_first.db, circle.space)
