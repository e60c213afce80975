"""Peer coaching in the sync core (docs/protocol.md, 8b): a pair formed by consent, one
full cycle, and every refusal — a third member writing into the pair, the creator
accepting for the invitee, cycle ops before the invitee accepted or after the pair
ended, an observer grading themselves, goals agreed and un-agreed by a concurrent edit;
and a teacher who is not in the pair holds nothing of it."""

from __future__ import annotations

import pytest

from sync import coaching_views as cv
from sync import offers, writer
from sync.errors import Reason, Rejected
from sync.frontier import all_envelopes
from sync.state import items, state_hash
from tests.sync.coaching_helpers import accept, coaching_circle, formed_pair, propose
from tests.sync.helpers import reconcile


def _refused(reason: Reason, call: object, *args: object, **kw: object) -> Rejected:
    with pytest.raises(Rejected) as caught:
        call(*args, **kw)  # type: ignore[operator]
    assert caught.value.reason is reason, caught.value
    return caught.value


def test_a_full_cycle_each_way_reads_the_same_on_both_sides() -> None:
    pair = formed_pair()
    ana, ben = pair.proposer, pair.invitee
    status = cv.pair(ana.db, pair.space)
    assert status.formed and not status.ended
    assert status.participants == (ana.key.device_id, ben.key.device_id)
    for observer, observed in ((ana, ben), (ben, ana)):
        cycle = pair.write(
            observer, "cycle.open", {"observed": observed.key.device_id, "title": "questioning"}
        )
        pair.sync()
        goal = pair.write(
            observed, "cycle.goal", {"cycle": cycle, "goal": "wait 3 s", "success": "more hands"}
        )
        pair.sync()
        for person in (ana, ben):
            pair.write(person, "cycle.agree", {"goal_id": goal, "version": goal})
        obs = pair.write(
            observer, "cycle.observe",
            {"cycle": cycle, "focus": "wait time", "evidence": "waited 1 s twice", "questions": "why?"},
        )  # fmt: skip
        pair.sync()
        fb = pair.write(observed, "cycle.feedback", {"parent": obs, "text": "I felt rushed"})
        pair.sync()
        pair.write(observer, "cycle.feedback", {"parent": fb, "text": "what would help?"})
        pair.write(observed, "cycle.reflect", {"cycle": cycle, "text": "slow down"})
        pair.sync()
        pair.write(observed, "cycle.close", {"cycle": cycle, "met": [goal], "next": ["wait 5 s"]})
        pair.sync()
    assert state_hash(ana.db, pair.space) == state_hash(ben.db, pair.space)
    cycles = cv.cycles(ben.db, pair.space)
    assert len(cycles) == 2
    for cycle in cycles:
        assert cycle.closed is not None and cycle.closed.next == ("wait 5 s",)
        assert [g.agreed for g in cycle.goals] == [True]
        assert cycle.closed.met == (cycle.goals[0].item.item_id,)
        assert len(cv.feedback_under(ben.db, pair.space, cycle.observations[0].item_id)) == 2
    # A closed cycle takes no more goals or observations.
    _refused(
        Reason.NOT_PERMITTED, pair.write, ana, "cycle.goal", {"cycle": cycles[0].item.item_id, "goal": "x"}
    )


def test_nobody_is_paired_without_their_own_accept() -> None:
    circle = coaching_circle()
    ana, ben = circle.members["Ana"], circle.members["Ben"]
    space, offer = propose(circle, ana, ben)
    # Ana alone: nothing of a cycle can be written, and she cannot accept for Ben.
    _refused(Reason.NOT_PERMITTED, writer.write, ana, space, "pair.accept", {}, now_ms=circle.clock())
    fields = {"observed": ana.key.device_id, "title": "alone"}
    _refused(Reason.NOT_PERMITTED, writer.write, ana, space, "cycle.open", fields, now_ms=circle.clock())
    assert not cv.pair(ana.db, space).formed
    # A hostile build that signs them anyway: kept invalid on every replica.
    writer.write(ana, space, "cycle.open", fields, now_ms=circle.clock(), allow_invalid=True)
    accept(circle, ana, ben, offer)
    assert cv.pair(ben.db, space).formed
    assert [r for r in items(ben.db, space) if r.type == "cycle"] == []
    assert state_hash(ana.db, space) == state_hash(ben.db, space)


def test_the_offer_opens_only_for_the_invitee() -> None:
    circle = coaching_circle()
    ana, ben, cal = (circle.members[n] for n in ("Ana", "Ben", "Cal"))
    _, offer = propose(circle, ana, ben)
    circle.sync_all()
    for replica in (circle.owner, cal, ana):
        row = next(r for r in items(replica.db, circle.space) if r.item_id == offer)
        assert offers.open_box(replica.key, row.extra) is None
        # Not even by re-deriving the box's ephemeral key from the public start of a code.
        assert b"pair-key" not in repr(row.extra).encode()
    assert offers.open_box(ben.key, next(r for r in items(ben.db, circle.space) if r.item_id == offer).extra)
    _refused(Reason.NOT_PERMITTED, writer.write, cal, circle.space, "coach.decline", {"offer": offer},
             now_ms=circle.clock())  # fmt: skip
    writer.write(ben, circle.space, "coach.decline", {"offer": offer}, now_ms=circle.clock())
    assert cv.offers_to(ben.db, circle.space, {ben.key.device_id}) == []


def test_a_third_member_cannot_write_into_a_pair_and_a_teacher_holds_nothing_of_it() -> None:
    pair = formed_pair()
    circle, ana = pair.circle, pair.proposer
    cycle = pair.write(ana, "cycle.open", {"observed": pair.invitee.key.device_id, "title": "secret topic"})
    pair.write(ana, "cycle.goal", {"cycle": cycle, "goal": "very private goal", "success": "s"})
    pair.sync()
    cal, teacher = circle.members["Cal"], circle.owner
    # Cal has no key: he cannot write into the pair space at all.
    _refused(Reason.UNDECRYPTABLE, writer.write, cal, pair.space, "cycle.goal", {"cycle": cycle, "goal": "x"},
             now_ms=circle.clock())  # fmt: skip
    # Even given every ciphertext of the pair, the teacher's and Cal's replicas read nothing.
    envelopes = all_envelopes(ana, pair.space)
    for replica in (teacher, cal):
        with replica.store.transaction():
            replica.db.execute("INSERT OR IGNORE INTO spaces (space) VALUES (?)", (pair.space,))
        replica.forget(pair.space)
        replica.ingest(pair.space, envelopes)
        assert items(replica.db, pair.space) == []
        dump = "\n".join(replica.store.connection.iterdump())
        assert "very private goal" not in dump and "secret topic" not in dump
        reconcile(ana, replica, circle.space)


def test_an_observer_does_not_observe_themselves_and_an_ended_pair_takes_nothing() -> None:
    pair = formed_pair()
    ana, ben = pair.proposer, pair.invitee
    cycle = pair.write(ana, "cycle.open", {"observed": ben.key.device_id, "title": "t"})
    pair.sync()
    fields = {"cycle": cycle, "focus": "f", "evidence": "e", "questions": ""}
    _refused(Reason.NOT_PERMITTED, pair.write, ben, "cycle.observe", fields)
    pair.write(ana, "cycle.observe", fields)
    pair.write(ben, "pair.end", {"text": "thanks, that was useful"})
    pair.sync()
    _refused(Reason.NOT_PERMITTED, pair.write, ana, "cycle.observe", fields)
    _refused(Reason.NOT_PERMITTED, pair.write, ana, "pair.end", {})
    status = cv.pair(ana.db, pair.space)
    assert status.ended and status.ended_by == ben.key.device_id
    # Both keep what was written before the end.
    assert (
        len(cv.cycles(ana.db, pair.space)[0].observations)
        == 1
        == len(cv.cycles(ben.db, pair.space)[0].observations)
    )


def test_a_concurrent_goal_edit_undoes_an_agreement_the_same_way_everywhere() -> None:
    pair = formed_pair()
    ana, ben = pair.proposer, pair.invitee
    cycle = pair.write(ana, "cycle.open", {"observed": ben.key.device_id, "title": "t"})
    goal = pair.write(ana, "cycle.goal", {"cycle": cycle, "goal": "g1", "success": ""})
    pair.sync()
    pair.write(ana, "cycle.agree", {"goal_id": goal, "version": goal})
    pair.write(ben, "cycle.agree", {"goal_id": goal, "version": goal})
    edit = pair.write(ben, "cycle.goal.edit", {"goal_id": goal, "goal": "g2", "success": "clearer"})
    pair.sync()
    for replica in (ana, ben):
        (state,) = cv.cycles(replica.db, pair.space)[0].goals
        assert state.item.title == "g2" and not state.agreed and state.agreed_by == ()
    # Agreeing to a version that does not exist is refused; to the edit, accepted.
    _refused(Reason.BAD_CONTENT, pair.write, ana, "cycle.agree", {"goal_id": goal, "version": cycle})
    pair.write(ana, "cycle.agree", {"goal_id": goal, "version": edit})
    pair.write(ben, "cycle.agree", {"goal_id": goal, "version": edit})
    pair.sync()
    assert cv.cycles(ana.db, pair.space)[0].goals[0].agreed
    assert state_hash(ana.db, pair.space) == state_hash(ben.db, pair.space)


def _survey(circle, replica, anonymous: bool) -> bytes:  # type: ignore[no-untyped-def]
    fields = {
        "title": "How do you feel about feedback?",
        "anonymous": anonymous,
        "questions": [
            ["choice", "Useful?", ["yes", "no"]],
            ["scale", "How much", [1, 5]],
            ["text", "Why", []],
        ],
    }
    op, _ = writer.write(replica, circle.space, "survey.open", fields, now_ms=circle.clock())
    return op.op_id


def test_a_named_survey_counts_one_answer_each_and_refuses_late_and_second_answers() -> None:
    # Anonymous surveys are answered by pseudonyms: tests/sync/test_survey_anonymity.py.
    anonymous = False
    circle = coaching_circle()
    teacher = circle.owner
    survey = _survey(circle, teacher, anonymous)
    circle.sync_all()
    now = circle.clock
    answers = {"Ana": [0, 5, "clear"], "Ben": [1, 2, ""], "Cal": [0, 4, "kind"]}
    for name, given in answers.items():
        fields = {"survey": survey, "answers": given}
        writer.write(circle.members[name], circle.space, "survey.answer", fields, now_ms=now())
    ana = circle.members["Ana"]
    again = {"survey": survey, "answers": [1, 1, "changed my mind"]}
    _refused(Reason.NOT_PERMITTED, writer.write, ana, circle.space, "survey.answer", again, now_ms=now())
    for bad in ([2, 1, ""], [0, 6, ""], [0, 1], ["x", 1, ""]):
        _refused(Reason.BAD_CONTENT, writer.write, teacher, circle.space, "survey.answer",
                 {"survey": survey, "answers": bad}, now_ms=now())  # fmt: skip
    _refused(
        Reason.NOT_PERMITTED,
        writer.write,
        ana,
        circle.space,
        "survey.close",
        {"survey": survey},
        now_ms=now(),
    )
    circle.sync_all()
    writer.write(teacher, circle.space, "survey.close", {"survey": survey}, now_ms=now())
    circle.sync_all()
    late = {"survey": survey, "answers": [0, 1, ""]}
    _refused(Reason.NOT_PERMITTED, writer.write, teacher, circle.space, "survey.answer", late, now_ms=now())
    row = next(r for r in items(ana.db, circle.space) if r.item_id == survey)
    results = cv.survey_results(ana.db, circle.space, row)
    assert results.closed and results.respondents == 3 and results.anonymous is anonymous
    assert [q.counts for q in results.questions[:2]] == [(2, 1), (0, 1, 0, 1, 1)]
    assert results.questions[2].texts == ("clear", "kind")
    assert len({state_hash(r.db, circle.space) for r in circle.replicas()}) == 1
    stored = {row[0] for row in ana.db.execute("SELECT respondent FROM survey_answers")}
    if anonymous:
        assert results.named == () and stored == {None}
    else:
        assert set(results.named) == {circle.members[n].key.device_id for n in answers}


def test_only_teachers_suggest_pairs_and_a_suggestion_forms_nothing() -> None:
    circle = coaching_circle()
    ana, ben = circle.members["Ana"], circle.members["Ben"]
    fields = {"first": ana.key.device_id, "second": ben.key.device_id, "text": "you both teach year 7"}
    _refused(
        Reason.NOT_PERMITTED, writer.write, ana, circle.space, "coach.suggest", fields, now_ms=circle.clock()
    )
    writer.write(circle.owner, circle.space, "coach.suggest", fields, now_ms=circle.clock())
    assert [r.type for r in items(circle.owner.db, circle.space) if r.type == "suggestion"] == ["suggestion"]
    assert (
        circle.owner.db.execute("SELECT COUNT(*) FROM coaching_steps WHERE step = 'accept'").fetchone()[0]
        == 0
    )


def test_profiles_are_one_register_per_member() -> None:
    circle = coaching_circle()
    ana = circle.members["Ana"]
    for text in ("first", "second"):
        writer.write(ana, circle.space, "coach.profile",
                     {"can_help": ["Questioning"], "can_help_text": text, "wants": ["feedback"]},
                     now_ms=circle.clock())  # fmt: skip
    circle.sync_all()
    for replica in circle.replicas():
        (profile,) = cv.profiles(replica.db, circle.space)
        assert profile.can_help == ("questioning",) and profile.can_help_text == "second"


def test_a_second_device_of_the_same_person_cannot_answer_again() -> None:
    from tests.sync.test_persons import link

    circle = coaching_circle()
    ana = circle.members["Ana"]
    laptop = link(circle, ana, "ana-laptop")
    survey = _survey(circle, circle.owner, False)  # anonymous: test_survey_anonymity.py
    circle.sync_all([circle.owner, ana])
    reconcile(ana, laptop, circle.space)
    fields = {"survey": survey, "answers": [0, 3, "x"]}
    writer.write(ana, circle.space, "survey.answer", fields, now_ms=circle.clock())
    reconcile(ana, laptop, circle.space)
    _refused(
        Reason.NOT_PERMITTED,
        writer.write,
        laptop,
        circle.space,
        "survey.answer",
        fields,
        now_ms=circle.clock(),
    )


def test_the_partner_comments_on_a_shared_reflection_and_only_there() -> None:
    # A journal entry shared into the pair is a `cycle.reflect`; comments are `cycle.feedback`
    # under it (app/services/journal.py). A goal takes no comments.
    pair = formed_pair()
    ana, ben = pair.proposer, pair.invitee
    cycle = pair.write(ana, "cycle.open", {"observed": ben.key.device_id, "title": "wait time"})
    goal = pair.write(ana, "cycle.goal", {"cycle": cycle, "goal": "wait 3 s", "success": ""})
    pair.sync()
    reflection = pair.write(ben, "cycle.reflect", {"cycle": cycle, "text": "**Week 2**\n\nI waited 3 s."})
    pair.sync()
    comment = pair.write(ana, "cycle.feedback", {"parent": reflection, "text": "Did the hands go up?"})
    reply = pair.write(ana, "cycle.feedback", {"parent": comment, "text": "(and who answered?)"})
    _refused(Reason.BAD_CONTENT, writer.write, ana, pair.space, "cycle.feedback",
             {"parent": goal, "text": "no"}, now_ms=pair.circle.clock())  # fmt: skip
    pair.sync()
    for replica in (ana, ben):
        (seen,) = cv.cycles(replica.db, pair.space)[0].reflections
        assert seen.item_id == reflection
        thread = cv.feedback_under(replica.db, pair.space, reflection)
        assert [(row.item_id, row.text) for row in thread] == [
            (comment, "Did the hands go up?"),
            (reply, "(and who answered?)"),
        ]
    assert state_hash(ana.db, pair.space) == state_hash(ben.db, pair.space)
