"""One assignment from creation to grades on real replicas: enrol, submit, a review round
over pseudonyms, revision, a second round that keeps its reviewers, assessment."""

from __future__ import annotations

import pytest

from sync import pseudonym, writer
from sync.errors import Rejected
from sync.reducers.assess import allocation_at, phase_at, versions_at
from tests.sync.assessing import (
    build_class,
    create,
    current_opener,
    enrol,
    my_allocations,
    open_phase,
    review,
    submit,
    work_of,
)
from tests.sync.helpers import hash_of


def test_a_full_round_is_accepted_everywhere_and_agrees() -> None:
    circle = build_class(4)
    assignment = create(circle)
    circle.sync_all()
    students = list(circle.members.values())
    for number, student in enumerate(students):
        enrol(circle, student, assignment)
        submit(circle, student, assignment, f"essay {number}")
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)
    circle.sync_all()
    opener = current_opener(circle.owner, circle.space, assignment)
    allocation = allocation_at(circle.owner.db, circle.space, opener, None)
    assert set(allocation) == {work_of(s, assignment) for s in students}
    assert all(len(reviewers) == 2 for reviewers in allocation.values())
    for student in students:
        mine = my_allocations(circle, student, assignment)
        assert len(mine) == 2 and work_of(student, assignment) not in mine
        for submission in mine:
            review(circle, student, assignment, submission)
    circle.sync_all()
    hashes = {hash_of(r, circle.space) for r in circle.replicas()}
    assert len(hashes) == 1
    for replica in circle.replicas():
        statuses = replica.db.execute(
            "SELECT status FROM ops WHERE space = ? AND kind = 'assign.review'", (circle.space,)
        ).fetchall()
        assert statuses == [(0,)] * 8

    # A submission after the round opened is refused with a sentence.
    with pytest.raises(Rejected, match="Submissions to 'Essay' are closed"):
        submit(circle, students[0], assignment, "too late")

    # While the round is open nobody compares; once it ends, each reviewer sees the others' scores.
    from sync.assignments import calibration

    me = pseudonym.pseudonym_key(students[0].key, circle.space, assignment).device_id
    assert calibration(students[0].db, circle.space, assignment, me) == []
    open_phase(circle, assignment, "revision", 1)
    circle.sync_all()
    compared = calibration(students[0].db, circle.space, assignment, me)
    assert sorted(c.submission for c in compared) == my_allocations_in(allocation, me)
    assert all(c.mine == {"clarity": 3, "method": 2} and len(c.others) == 1 for c in compared)
    submit(circle, students[0], assignment, "essay 0, revised")
    circle.sync_all()
    assert versions_at(circle.owner.db, circle.space, assignment, None)[work_of(students[0], assignment)] == 2
    open_phase(circle, assignment, "review", 2)
    circle.sync_all()
    second = allocation_at(
        circle.owner.db, circle.space, current_opener(circle.owner, circle.space, assignment), None
    )
    assert second == allocation  # the same reviewers where they can
    open_phase(circle, assignment, "assessment")
    circle.sync_all()
    submission = work_of(students[0], assignment)
    readers = [students[0].key.device_id, circle.owner.key.device_id]
    fields = pseudonym.grade_fields(
        circle.owner.key, assignment, submission, 87, "well argued", readers, nonce=b"n" * 16
    )
    writer.write(circle.owner, circle.space, "assign.assess", fields, now_ms=circle.clock())
    circle.sync_all()
    assert phase_at(students[1].db, circle.space, assignment, None).phase == "assessment"
    assert len({hash_of(r, circle.space) for r in circle.replicas()}) == 1


def test_the_gradebook_is_everyone_for_teachers_and_ones_own_row_for_a_student() -> None:
    from sync.assignments import gradebook, reviews

    circle = build_class(4)
    assignment = create(circle, rounds=1)
    circle.sync_all()
    students = list(circle.members.values())
    for number, student in enumerate(students):
        enrol(circle, student, assignment)
        submit(circle, student, assignment, f"essay {number}")
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)
    circle.sync_all()
    for number, student in enumerate(students):
        for submission in my_allocations(circle, student, assignment):
            review(circle, student, assignment, submission, {"clarity": 2 + number % 3, "method": 1})
    circle.sync_all()
    assert len(reviews(circle.owner.db, circle.space, assignment)) == 8
    open_phase(circle, assignment, "assessment")
    circle.sync_all()
    work = work_of(students[0], assignment)
    readers = [students[0].key.device_id, circle.owner.key.device_id]
    fields = pseudonym.grade_fields(circle.owner.key, assignment, work, 91, "bravo", readers, nonce=b"n" * 16)
    writer.write(circle.owner, circle.space, "assign.assess", fields, now_ms=circle.clock())
    circle.sync_all()
    book = gradebook(circle.owner.db, circle.space, assignment, circle.owner.key)
    assert len(book) == 4
    assert all(row.peer is not None and row.reviewing is not None for row in book)
    assert {row.grade for row in book} == {91, None}
    own = gradebook(students[0].db, circle.space, assignment, students[0].key)
    assert [(row.submission, row.grade, row.comment) for row in own] == [(work, 91, "bravo")]
    assert own[0].reviewing == next(r.reviewing for r in book if r.submission == work)
    other = gradebook(students[1].db, circle.space, assignment, students[1].key)
    assert [(row.submission, row.grade) for row in other] == [(work_of(students[1], assignment), None)]


def my_allocations_in(allocation: dict[bytes, set[bytes]], key: bytes) -> list[bytes]:
    return sorted(s for s, reviewers in allocation.items() if key in reviewers)
