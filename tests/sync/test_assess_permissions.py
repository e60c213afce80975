"""The assignment rules at the op level, judged by another replica (the owner's) after the
op travelled — a hostile client signs whatever it likes (allow_invalid): every rule allowed
for its role and refused for the role just below, and each attack the issue names (a
student opening a phase, a review of work not allocated to you, scores out of range or for
an unknown criterion, a submission after the phase closed, a removed reviewer's review, a
key no teacher certified)."""

from __future__ import annotations

from typing import Any

import pytest

from sync import pseudonym, writer
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.policy import DEFAULT_POLICY, Level
from sync.reducers.assess import allocation_at
from tests.sync.assessing import (
    RUBRIC,
    create,
    current_opener,
    enrol,
    my_allocations,
    open_phase,
    review,
    submit,
    work_of,
)
from tests.sync.helpers import Circle, Clock, reconcile, seed

VALID = (0, None)
REFUSED = (2, Reason.NOT_PERMITTED.value)
BAD = (2, Reason.BAD_CONTENT.value)
STUDENTS = ("S0", "S1", "S2", "S3")

#: who holds each level (NONE: a member who has left)
HOLDER = {Level.NONE: "Lou", Level.MEMBER: "S0", Level.MENTOR: "Mo", Level.TEACHER: "Tess"}


@pytest.fixture(scope="module")
def base() -> tuple[Circle, bytes]:
    """A class in review round 1: four students enrolled and submitted, a mentor, a
    second teacher, and Lou who left."""
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Mo", Level.MENTOR)
    for name in (*STUDENTS, "Lou"):
        circle.add(name)
    circle.sync_all()
    assignment = create(circle)
    circle.sync_all()
    for number, name in enumerate(STUDENTS):
        enrol(circle, circle.members[name], assignment)
        submit(circle, circle.members[name], assignment, f"essay {number}")
    circle.sync_all()
    writer.write(circle.members["Lou"], circle.space, "member.leave", {}, now_ms=circle.clock())
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)
    circle.sync_all()
    return circle, assignment


@pytest.fixture
def klass(base: tuple[Circle, bytes]) -> tuple[Circle, bytes]:
    from tests.sync.test_properties import clone

    circle, assignment = base
    copy = Circle(circle.clock, clone(circle.owner), circle.space)
    copy.members = {name: clone(replica) for name, replica in circle.members.items()}
    return copy, assignment


def actor(circle: Circle, name: str):
    return circle.owner if name == "owner" else circle.members[name]


def judged(circle: Circle, name: str, op_id: bytes) -> tuple[int, str | None]:
    reconcile(actor(circle, name), circle.owner, circle.space)
    return circle.owner.db.execute("SELECT status, reason FROM ops WHERE op_id = ?", (op_id,)).fetchone()


def verdict(
    circle: Circle, name: str, kind: str, fields: dict[str, Any], extra: tuple[bytes, ...] = ()
) -> tuple[int, str | None]:
    op, _ = writer.write(
        actor(circle, name),
        circle.space,
        kind,
        fields,
        now_ms=circle.clock(),
        allow_invalid=True,
        extra_deps=extra,
    )
    return judged(circle, name, op.op_id)


def review_verdict(circle: Circle, name: str, assignment: bytes, submission: bytes, **kwargs: Any):
    op, _ = review(circle, actor(circle, name), assignment, submission, allow_invalid=True, **kwargs)
    return judged(circle, name, op.op_id)


def grade(circle: Circle, assignment: bytes, submission: bytes, key: DeviceKey) -> dict[str, Any]:
    return pseudonym.grade_fields(key, assignment, submission, 70, "ok", [key.device_id], nonce=seed("n"))


# -- each kind: allowed for its role, refused for the role below ----------------------------
def fields_for(circle: Circle, assignment: bytes, kind: str, name: str) -> dict[str, Any]:
    work = work_of(circle.members["S1"], assignment)
    if kind == "assign.create":
        return {"title": "Lab", "criteria": RUBRIC}
    if kind == "assign.edit":
        return {"assignment": assignment, "title": "Essay (new title)", "criteria": RUBRIC, "reviewers": 2}
    if kind == "assign.phase":
        return {"assignment": assignment, "phase": "revision", "round": 1}
    if kind == "assign.reviewer":
        opener = current_opener(circle.owner, circle.space, assignment)
        key = pseudonym.pseudonym_key(circle.members["S2"].key, circle.space, assignment).device_id
        return {"opener": opener, "submission": work, "pseudonym": key, "add": True}
    if kind == "assign.submit":
        return {"assignment": create(circle) if name != "Lou" else assignment, "text": "x"}
    if kind == "assign.enrol":
        return pseudonym.enrolment_fields(
            actor(circle, name).key, circle.space, assignment, [circle.owner.key.device_id]
        )
    raise AssertionError(kind)


MANAGED = ["assign.create", "assign.edit", "assign.phase", "assign.reviewer"]
BY_POLICY = {
    **{k: "assign.manage" for k in MANAGED},
    "assign.submit": "assign.submit",
    "assign.enrol": "assign.submit",
}


def test_every_assignment_action_is_covered() -> None:
    assert {a for a in DEFAULT_POLICY if a.startswith("assign.")} == {*BY_POLICY.values(), "assign.rate"}


@pytest.mark.parametrize("kind", sorted(BY_POLICY))
def test_allowed_for_its_role(klass: tuple[Circle, bytes], kind: str) -> None:
    circle, assignment = klass
    name = HOLDER[Level(DEFAULT_POLICY[BY_POLICY[kind]])]
    if kind == "assign.submit":
        circle.sync_all()
    fields = fields_for(circle, assignment, kind, name)
    circle.sync_all()
    assert verdict(circle, name, kind, fields) == VALID


@pytest.mark.parametrize("kind", sorted(BY_POLICY))
def test_refused_for_the_role_below(klass: tuple[Circle, bytes], kind: str) -> None:
    circle, assignment = klass
    name = HOLDER[Level(DEFAULT_POLICY[BY_POLICY[kind]] - 1)]
    fields = fields_for(circle, assignment, kind, name)
    circle.sync_all()
    assert verdict(circle, name, kind, fields) == REFUSED


def test_grades_are_given_by_teachers_in_the_assessment_phase_only(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    work = work_of(circle.members["S1"], assignment)
    early = grade(circle, assignment, work, circle.members["Tess"].key)
    assert verdict(circle, "Tess", "assign.assess", early) == REFUSED  # still reviewing
    open_phase(circle, assignment, "assessment")
    circle.sync_all()
    assert (
        verdict(circle, "Mo", "assign.assess", grade(circle, assignment, work, circle.members["Mo"].key))
        == REFUSED
    )
    assert verdict(circle, "Tess", "assign.assess", early) == VALID


def test_a_student_cannot_open_a_phase(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    fields = {"assignment": assignment, "phase": "assessment"}
    assert verdict(circle, "S0", "assign.phase", fields) == REFUSED
    with pytest.raises(Rejected, match="role"):
        writer.write(circle.members["S0"], circle.space, "assign.phase", fields, now_ms=circle.clock())


def test_phases_only_move_forward(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    with pytest.raises(Rejected, match="phases only move forward"):
        back = {"assignment": assignment, "phase": "submission"}
        writer.write(circle.owner, circle.space, "assign.phase", back, now_ms=circle.clock())
    with pytest.raises(Rejected, match="opens after review round 2"):
        skip = {"assignment": assignment, "phase": "revision", "round": 2}
        writer.write(circle.owner, circle.space, "assign.phase", skip, now_ms=circle.clock())


# -- reviews ---------------------------------------------------------------------------------
def test_an_allocated_reviewer_may_review_and_edit_and_others_may_not(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    student = circle.members["S0"]
    mine = my_allocations(circle, student, assignment)
    assert review_verdict(circle, "S0", assignment, mine[0]) == VALID
    assert review_verdict(circle, "S0", assignment, mine[0], comment="on second thoughts") == VALID
    others = [
        work_of(circle.members[n], assignment)
        for n in STUDENTS
        if work_of(circle.members[n], assignment) not in mine
    ]
    assert review_verdict(circle, "S0", assignment, others[0]) == REFUSED
    with pytest.raises(Rejected, match="not allocated to you"):
        review(circle, student, assignment, others[0])


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"clarity": 5, "method": 1}, "from 0 to 4, not 5"),
        ({"clarity": -1, "method": 1}, "from 0 to 4, not -1"),
        ({"clarity": 4, "method": 3}, "from 0 to 2, not 3"),
        ({"clarity": 4, "method": 1, "style": 2}, "'style' is not a criterion"),
        ({"clarity": 4}, "missing: method"),
    ],
)
def test_scores_out_of_range_or_for_an_unknown_criterion_are_refused(
    klass: tuple[Circle, bytes], scores: dict[str, int], message: str
) -> None:
    circle, assignment = klass
    target = my_allocations(circle, circle.members["S0"], assignment)[0]
    assert review_verdict(circle, "S0", assignment, target, scores=scores) == BAD
    with pytest.raises(Rejected, match=message):
        review(circle, circle.members["S0"], assignment, target, scores=scores)
    assert review_verdict(circle, "S0", assignment, target, scores={"clarity": 4, "method": 2}) == VALID


def test_a_key_no_teacher_certified_cannot_review(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    target = my_allocations(circle, circle.members["S0"], assignment)[0]
    stranger = DeviceKey(seed("stranger"))
    assert review_verdict(circle, "S0", assignment, target, key=stranger) == REFUSED
    # A member's own device key is no pseudonym either.
    assert review_verdict(circle, "S0", assignment, target, key=circle.members["S0"].key) == REFUSED


def test_a_reviewer_the_teacher_removed_cannot_review_and_one_added_can(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    student = circle.members["S0"]
    target = my_allocations(circle, student, assignment)[0]
    opener = current_opener(circle.owner, circle.space, assignment)
    key = pseudonym.pseudonym_key(student.key, circle.space, assignment).device_id
    change = {"opener": opener, "submission": target, "pseudonym": key, "add": False}
    writer.write(circle.owner, circle.space, "assign.reviewer", change, now_ms=circle.clock())
    circle.sync_all()
    assert review_verdict(circle, "S0", assignment, target) == REFUSED
    writer.write(
        circle.owner, circle.space, "assign.reviewer", {**change, "add": True}, now_ms=circle.clock()
    )
    circle.sync_all()
    assert review_verdict(circle, "S0", assignment, target) == VALID
    assert key in allocation_at(circle.owner.db, circle.space, opener, None)[target]


def test_a_review_after_the_round_ended_and_a_version_after_the_phase_closed_are_refused(
    klass: tuple[Circle, bytes],
) -> None:
    circle, assignment = klass
    student = circle.members["S0"]
    target = my_allocations(circle, student, assignment)[0]
    opener = current_opener(circle.owner, circle.space, assignment)
    open_phase(circle, assignment, "revision", 1)
    circle.sync_all()
    assert review_verdict(circle, "S0", assignment, target, opener=opener) == REFUSED
    with pytest.raises(Rejected, match="Review round 1 has ended"):
        review(circle, student, assignment, target, opener=opener)
    open_phase(circle, assignment, "assessment")
    circle.sync_all()
    op_id = submit(circle, student, assignment, "late", allow_invalid=True)
    assert judged(circle, "S0", op_id) == REFUSED
    with pytest.raises(Rejected, match="Submissions to 'Essay' are closed"):
        submit(circle, student, assignment, "late")


def test_a_version_that_had_not_seen_the_round_open_is_accepted_but_not_allocated(
    base: tuple[Circle, bytes],
) -> None:
    # Judged by its causal past, never a clock (built afresh: the fixture is past that point).
    circle = Circle.create(Clock())
    for name in STUDENTS:
        circle.add(name)
    circle.sync_all()
    assignment = create(circle)
    circle.sync_all()
    for name in STUDENTS[:3]:
        enrol(circle, circle.members[name], assignment)
        submit(circle, circle.members[name], assignment, name)
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)  # S3 has not seen this
    late = submit(circle, circle.members["S3"], assignment, "concurrent")
    circle.sync_all()
    assert judged(circle, "S3", late) == VALID
    allocation = allocation_at(
        circle.owner.db, circle.space, current_opener(circle.owner, circle.space, assignment), None
    )
    assert work_of(circle.members["S3"], assignment) not in allocation


def test_only_the_author_rates_a_review_of_their_work(klass: tuple[Circle, bytes]) -> None:
    circle, assignment = klass
    target = my_allocations(circle, circle.members["S0"], assignment)[0]
    op, _ = review(circle, circle.members["S0"], assignment, target)
    circle.sync_all()
    author = next(n for n in STUDENTS if work_of(circle.members[n], assignment) == target)
    other = next(n for n in STUDENTS if n not in (author, "S0"))
    rating = {"review": op.op_id, "helpful": 2, "comment": "vague", "flag": True}
    past = (op.op_id,)  # devices never depend on a pseudonym's op unless they name it
    assert verdict(circle, other, "assign.rate", rating, past) == REFUSED
    assert verdict(circle, author, "assign.rate", rating, past) == VALID
    assert verdict(circle, "Lou", "assign.rate", rating, past) == REFUSED
    with pytest.raises(Rejected, match="Only the author"):
        writer.write(
            circle.members[other], circle.space, "assign.rate", rating, now_ms=circle.clock(), extra_deps=past
        )
