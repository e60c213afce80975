"""Author-only rules belong to the person: editing, deleting, resolving, reporting progress
on what a person wrote works from any of its devices linked in the op's causal past, and
from nobody else's (docs/protocol.md, "Persons and devices").

Real replicas, real signatures and keys. The attacks: another person's device, a device
that keeps writing after it was unlinked, a link signed by a non-member; and every
replica reading the same verdicts and state hash whatever order the ops arrive in.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import state, writer
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.link import sign_statement
from sync.policy import Level
from sync.reducers.helpdesk import HelpStatus
from sync.replica import VALID, Replica
from tests.sync.coaching_helpers import formed_pair
from tests.sync.helpers import Circle, Clock, device, hash_of, new_replica, reconcile, seed
from tests.sync.test_persons import link, status_of
from tests.sync.test_properties import observer_with_all_keys, verdicts

NOT_PERMITTED = (2, Reason.NOT_PERMITTED.value)


@pytest.fixture
def circle() -> Circle:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Ben")
    circle.add("Sue")
    circle.sync_all()
    return circle


def write(circle: Circle, replica: Replica, kind: str, fields: dict[str, object], **kwargs: object) -> bytes:
    op, _ = writer.write(replica, circle.space, kind, fields, now_ms=circle.clock(), **kwargs)
    return op.op_id


def everywhere(circle: Circle, *extra: Replica) -> None:
    """Owner-centred sync of everyone (the circle's members and `extra` devices), twice."""
    for _ in range(2):
        for replica in (*circle.members.values(), *extra):
            reconcile(circle.owner, replica, circle.space)


def text_of(replica: Replica, circle: Circle, item: bytes) -> str:
    row = replica.db.execute(
        "SELECT text FROM items WHERE space = ? AND item_id = ?", (circle.space, item)
    ).fetchone()
    return str(row[0])


def test_the_askers_other_device_reports_progress_resolves_reopens_and_edits(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    ask = write(circle, ben, "help.ask", {"title": "Stuck on 3b", "text": "why two roots?"})
    lab = link(circle, ben, "ben-lab")
    everywhere(circle, lab)
    answer = write(circle, sue, "help.answer", {"request": ask, "text": "square both sides"})
    everywhere(circle, lab)
    # From the lab PC: the request Ben asked on his laptop.
    done = [
        write(circle, lab, "help.progress", {"request": ask, "text": "tried it, closer"}),
        write(circle, lab, "item.edit", {"item": ask, "title": "Stuck on 3b (quadratics)", "text": "edited"}),
        write(circle, lab, "help.resolve", {"request": ask, "accept": answer}),
    ]
    everywhere(circle, lab)
    for replica in (circle.owner, ben, sue, lab):
        assert all(status_of(replica, op) == (VALID, None) for op in done)
        status = state.help_status(replica.db, circle.space, ask)
        assert status.status == HelpStatus.RESOLVED and status.accepted == answer
        assert text_of(replica, circle, ask) == "edited"
    # And back: the laptop reopens, then deletes what the lab device wrote.
    note = write(circle, lab, "item.put", {"title": "lab notes", "text": ""})
    everywhere(circle, lab)
    later = [
        write(circle, ben, "help.reopen", {"request": ask}),
        write(circle, ben, "item.delete", {"item": note}),
    ]
    everywhere(circle, lab)
    for replica in (circle.owner, sue, lab):
        assert all(status_of(replica, op) == (VALID, None) for op in later)
        assert state.help_status(replica.db, circle.space, ask).status != HelpStatus.RESOLVED
        assert "lab notes" not in {i.title for i in state.items(replica.db, circle.space) if not i.deleted}
    assert hash_of(lab, circle.space) == hash_of(circle.owner, circle.space) == hash_of(sue, circle.space)


def test_the_askers_other_device_is_still_the_asker_for_not_the_askers_steps(circle: Circle) -> None:
    """Strict both ways: Ben's lab PC cannot answer, claim or thank what Ben's laptop asked."""
    ben = circle.members["Ben"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": ""})
    lab = link(circle, ben, "ben-lab")
    for kind, fields in (
        ("help.answer", {"request": ask, "text": "answering myself"}),
        ("help.claim", {"request": ask}),
        ("help.metoo", {"request": ask}),
        ("react.set", {"item": ask, "reaction": "thanks", "on": True}),
    ):
        with pytest.raises(Rejected):
            write(circle, lab, kind, fields)
        forced = write(circle, lab, kind, fields, allow_invalid=True)
        reconcile(lab, circle.owner, circle.space)
        assert status_of(circle.owner, forced) == NOT_PERMITTED, kind


def test_another_persons_device_never_gains_the_right(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": ""})
    sue_lab = link(circle, sue, "sue-lab")  # Sue's own linked device: Sue's, never Ben's
    everywhere(circle, sue_lab)
    for replica in (sue, sue_lab):
        for kind, fields in (
            ("help.resolve", {"request": ask}),
            ("help.progress", {"request": ask, "text": "x"}),
            ("item.edit", {"item": ask, "title": "mine now", "text": ""}),
            ("item.delete", {"item": ask}),
        ):
            with pytest.raises(Rejected):
                write(circle, replica, kind, fields)
            forced = write(circle, replica, kind, fields, allow_invalid=True)
            reconcile(replica, circle.owner, circle.space)
            assert status_of(circle.owner, forced) == NOT_PERMITTED, kind
    assert state.help_status(circle.owner.db, circle.space, ask).status == HelpStatus.OPEN


def test_a_device_keeps_no_right_after_its_unlink(circle: Circle) -> None:
    """The thief with Ben's lab PC keeps writing after Ben unlinked it, as if it had not
    heard (strong removal: the unlink had not seen those ops). All refused, wherever they
    arrive first."""
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": "original"})
    lab = link(circle, ben, "ben-lab")
    everywhere(circle, lab)
    writer.unlink_device(ben, circle.space, device(lab), new_key=seed("u1"), now_ms=circle.clock())
    stolen = [
        write(circle, lab, "item.edit", {"item": ask, "title": "Q", "text": "defaced"}),
        write(circle, lab, "help.resolve", {"request": ask}),
    ]
    reconcile(ben, circle.owner, circle.space)
    reconcile(lab, sue, circle.space)  # Sue hears of the thief's ops first
    everywhere(circle, lab)
    with pytest.raises(Rejected, match="key"):  # having heard, it cannot even write
        write(circle, lab, "item.delete", {"item": ask}, allow_invalid=True)
    for replica in (circle.owner, sue, ben):
        assert [status_of(replica, op) for op in stolen] == [NOT_PERMITTED] * 2
        assert text_of(replica, circle, ask) == "original"
        assert state.help_status(replica.db, circle.space, ask).status == HelpStatus.OPEN
    assert hash_of(sue, circle.space) == hash_of(circle.owner, circle.space)


def test_what_an_unlinked_device_wrote_stays_its_persons(circle: Circle) -> None:
    """A lost laptop unlinked: the lab PC still resolves what the laptop asked."""
    ben = circle.members["Ben"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": ""})
    lab = link(circle, ben, "ben-lab")
    writer.unlink_device(lab, circle.space, device(ben), new_key=seed("lost"), now_ms=circle.clock())
    resolved = write(circle, lab, "help.resolve", {"request": ask})
    reconcile(lab, circle.owner, circle.space)
    assert status_of(circle.owner, resolved) == (VALID, None)
    assert state.help_status(circle.owner.db, circle.space, ask).status == HelpStatus.RESOLVED


def test_a_link_signed_by_a_non_member_grants_nothing(circle: Circle) -> None:
    """A stranger who got hold of the space's history and key signs a link of a device it
    controls, then resolves and edits Ben's request from that device."""
    ben = circle.members["Ben"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": "original"})
    reconcile(ben, circle.owner, circle.space)
    stranger, thief = new_replica("stranger"), new_replica("thief")
    for replica in (stranger, thief):  # a leaked key: every epoch key the owner holds
        with replica.store.transaction():
            replica.db.execute("INSERT INTO spaces (space) VALUES (?)", (circle.space,))
            replica.db.executemany(
                "INSERT INTO keyring (space, ref, key) VALUES (?, ?, ?)",
                circle.owner.db.execute("SELECT space, ref, key FROM keyring").fetchall(),
            )
        replica.ingest(circle.space, all_envelopes(circle.owner, circle.space))
    statement = sign_statement(thief.key, space=circle.space, linker=device(stranger))
    fields = {"device": statement.device, "device_sig": statement.signature}
    forged_link = write(circle, stranger, "member.link", fields, allow_invalid=True)
    reconcile(stranger, thief, circle.space)
    attempts = [
        write(circle, thief, "help.resolve", {"request": ask}, allow_invalid=True),
        write(circle, thief, "item.edit", {"item": ask, "title": "Q", "text": "defaced"}, allow_invalid=True),
    ]
    reconcile(thief, circle.owner, circle.space)
    assert status_of(circle.owner, forged_link) == NOT_PERMITTED
    assert [status_of(circle.owner, op) for op in attempts] == [NOT_PERMITTED] * 2
    assert text_of(circle.owner, circle, ask) == "original"
    context = circle.owner.context(circle.space)
    assert context.person_of(device(thief)) == device(thief)


def test_a_key_that_is_no_persons_device_is_only_itself(circle: Circle) -> None:
    """The core's judgement directly: a pseudonym (any key never joined or linked) is
    never the same person as a device, nor two such keys one person."""
    ben = circle.members["Ben"]
    lab = link(circle, ben, "ben-lab")
    everywhere(circle, lab)
    context = circle.owner.context(circle.space)
    index = {d: i for i, d in context.devices.items()}
    b, l_ = index[device(ben)], index[device(lab)]
    clock = {i: 10**6 for i in context.devices}
    unknown = max(context.devices) + 1  # as a pseudonym's author index would be
    auth = context.auth
    assert auth.same_person_at(b, l_, clock) and auth.same_person_at(l_, b, clock)
    assert not auth.same_person_at(unknown, b, {**clock, unknown: 1})
    assert not auth.same_person_at(b, unknown, {**clock, unknown: 1})
    # Without the link in the causal past, the lab device is nobody's yet.
    (link_seq,) = {change.seq for change in auth.presence[l_] if change.author == b}
    assert auth.same_person_at(b, l_, {**clock, b: link_seq})
    assert not auth.same_person_at(b, l_, {**clock, b: link_seq - 1})
    assert not auth.same_person_at(l_, b, {**clock, b: link_seq - 1})
    assert not auth.same_person_at(b, index[device(circle.members["Sue"])], clock)


def _scenario(circle: Circle) -> list[Replica]:
    """Ben asks, links a lab PC, resolves from it, unlinks it; the stolen lab PC keeps
    editing; Sue answers; Ben's laptop reopens. Returns every device."""
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    ask = write(circle, ben, "help.ask", {"title": "Q", "text": "original"})
    lab = link(circle, ben, "ben-lab")
    everywhere(circle, lab)
    answer = write(circle, sue, "help.answer", {"request": ask, "text": "a"})
    everywhere(circle, lab)
    write(circle, lab, "help.resolve", {"request": ask, "accept": answer})
    write(circle, lab, "item.edit", {"item": ask, "title": "Q", "text": "by the lab"})
    reconcile(lab, ben, circle.space)
    writer.unlink_device(ben, circle.space, device(lab), new_key=seed("u"), now_ms=circle.clock())
    write(circle, lab, "item.edit", {"item": ask, "title": "Q", "text": "defaced"})
    write(circle, lab, "help.reopen", {"request": ask})
    write(circle, sue, "item.edit", {"item": ask, "title": "Q", "text": "sue's"}, allow_invalid=True)
    write(circle, ben, "help.reopen", {"request": ask})
    everywhere(circle, lab)
    return [*circle.replicas(), lab]


@settings(max_examples=12, deadline=None)
@given(order=st.randoms(use_true_random=False), chunk=st.integers(1, 12))
def test_any_arrival_order_gives_the_same_verdicts_and_state(order: random.Random, chunk: int) -> None:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Ben")
    circle.add("Sue")
    circle.sync_all()
    replicas = _scenario(circle)
    named = {str(i): replica for i, replica in enumerate(replicas)}
    envelopes = list(dict.fromkeys(e for r in replicas for e in all_envelopes(r, circle.space)))
    reference = observer_with_all_keys(circle, named, "reference")
    reference.ingest(circle.space, envelopes)
    shuffled = envelopes[:]
    order.shuffle(shuffled)
    other = observer_with_all_keys(circle, named, "shuffled")
    for start in range(0, len(shuffled), chunk):
        other.ingest(circle.space, shuffled[start : start + chunk])
    assert verdicts(other) == verdicts(reference)
    assert (
        hash_of(other, circle.space)
        == hash_of(reference, circle.space)
        == hash_of(circle.owner, circle.space)
    )
    ask = reference.db.execute("SELECT item_id FROM items WHERE type = 'help'").fetchone()[0]
    assert text_of(reference, circle, ask) == "by the lab"
    assert state.help_status(reference.db, circle.space, ask).status != HelpStatus.RESOLVED


def _link_into(space: bytes, existing: Replica, label: str, now_ms: int) -> Replica:
    new = new_replica(label)
    statement = sign_statement(new.key, space=space, linker=device(existing))
    writer.link_device(existing, space, statement, now_ms=now_ms)
    writer.take_space_keys(new, space, writer.space_keys(existing, space, for_device=device(new)))
    reconcile(existing, new, space)
    return new


def test_a_pair_participants_other_device_acts_in_the_pair_and_cannot_accept_twice() -> None:
    pair = formed_pair()
    ana, ben = pair.proposer, pair.invitee
    lab = _link_into(pair.space, ben, "ben-lab", pair.circle.clock())
    ana_phone = _link_into(pair.space, ana, "ana-phone", pair.circle.clock())
    reconcile(lab, ana, pair.space)
    reconcile(ana_phone, ana, pair.space)
    cycle = pair.write(lab, "cycle.open", {"observed": device(ana), "title": "questioning"})
    goal = pair.write(lab, "cycle.goal", {"cycle": cycle, "goal": "wait 3 s", "success": "more hands"})
    reconcile(lab, ana, pair.space)
    assert [status_of(ana, op) for op in (cycle, goal)] == [(VALID, None)] * 2
    # Ben accepted already (from the laptop); Ana made the pair (from the laptop).
    for replica in (lab, ana_phone):
        with pytest.raises(Rejected):
            pair.write(replica, "pair.accept", {})
        forced = pair.write(replica, "pair.accept", {}, allow_invalid=True)
        reconcile(replica, ana, pair.space)
        assert status_of(ana, forced) == NOT_PERMITTED


def test_a_survey_is_closed_from_its_authors_other_device_not_from_anothers(circle: Circle) -> None:
    ben, sue = circle.members["Ben"], circle.members["Sue"]
    fields = {"title": "Pace?", "anonymous": False, "questions": [["choice", "Too fast?", ["yes", "no"]]]}
    survey = write(circle, ben, "survey.open", fields)
    lab = link(circle, ben, "ben-lab")
    everywhere(circle, lab)
    forced = write(circle, sue, "survey.close", {"survey": survey}, allow_invalid=True)
    closed = write(circle, lab, "survey.close", {"survey": survey})
    everywhere(circle, lab)
    assert status_of(circle.owner, forced) == NOT_PERMITTED
    assert status_of(circle.owner, closed) == (VALID, None)
