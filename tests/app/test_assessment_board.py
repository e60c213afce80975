"""A teacher's progress board (app.services.assessment_board) and the sentence that
says what opening the next phase will do; per-criterion comments on a review."""

from __future__ import annotations

import pytest

from app.errors import CommandError
from app.services import assessment_board, assignments
from tests.app.conftest import People
from tests.app.test_desk import joined, synced


async def test_the_board_counts_submissions_and_reviews_and_says_what_opening_does(people: People) -> None:
    tess, sam, kim, lea = people("tess"), people("sam"), people("kim"), people("lea")
    space = await tess.create_circle("Algebra")
    for student in (sam, kim, lea):
        await joined(tess, student, space)
    essay = await assignments.create(
        tess, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=2
    )
    found = assignments.FoundAssignment(space, essay)
    for student in (sam, kim):
        synced(tess, student, space)
        await assignments.submit(student, found, "My case.", "")
        synced(tess, student, space)

    before = await assessment_board.board(tess, found)
    assert (before.students, before.submitted, before.next_phase) == (3, 2, "review")
    assert assessment_board.consequence(before).startswith("2 of 3 submitted; 1 will not be reviewed.")
    assert [(r.name, r.version) for r in before.rows] == [("Kim", 1), ("Lea", 0), ("Sam", 1)]

    await assignments.open_phase(tess, found, "review")
    synced(tess, kim, space)
    (task,) = await assignments.review_tasks(kim, found)
    await assignments.write_review(kim, task.submission_id, ["clarity=3"], "Good.", {"clarity": "Sharp."})
    synced(tess, kim, space)
    synced(tess, sam, space)

    board = await assessment_board.board(tess, found)
    assert (board.allocated, board.done, board.next_phase) == (2, 1, "revision")
    by_name = {r.name: r for r in board.rows}
    assert (by_name["Kim"].given, by_name["Kim"].owed) == (1, 1)
    assert (by_name["Sam"].received, by_name["Sam"].expected, by_name["Sam"].given) == (1, 1, 0)
    assert assessment_board.consequence(board).startswith("1 of 2 reviews written; 1 will not count.")
    (got,) = await assignments.received(sam, found)
    assert got.notes == {"clarity": "Sharp."} and got.scores == {"clarity": 3}
    seen_by_student = await assessment_board.board(sam, found)  # names no reviewer
    assert all(r.given == r.owed == 0 for r in seen_by_student.rows)


async def test_teachers_see_writers_and_reallocate_by_hand_others_are_refused(people: People) -> None:
    tess, sam, kim, lea = people("tess"), people("sam"), people("kim"), people("lea")
    space = await tess.create_circle("Algebra")
    for student in (sam, kim, lea):
        await joined(tess, student, space)
    essay = await assignments.create(
        tess, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=1
    )
    found = assignments.FoundAssignment(space, essay)
    with pytest.raises(CommandError, match="only while a review round is open"):
        await assessment_board.reallocate(tess, found, "00", "00", add=True)
    works = {}
    for name, student in (("sam", sam), ("kim", kim)):
        synced(tess, student, space)
        works[name], _ = await assignments.submit(student, found, "My case.", "")
        synced(tess, student, space)
    await assignments.open_phase(tess, found, "review")
    synced(tess, kim, space)
    (task,) = await assignments.review_tasks(kim, found)
    assert task.submission_id == works["sam"]
    await assignments.write_review(kim, task.submission_id, ["clarity=3"], "Good.")
    synced(tess, kim, space)

    (written,) = await assessment_board.written_reviews(tess, found)
    assert (written.author, written.writer, written.scores) == ("Sam", "Kim", {"clarity": 3})
    synced(tess, sam, space)
    with pytest.raises(CommandError, match="Only teachers"):
        await assessment_board.written_reviews(sam, found)

    persons = {r.name: r.person for r in (await assessment_board.board(tess, found)).rows}
    with pytest.raises(CommandError, match="have not submitted"):
        await assessment_board.reallocate(tess, found, works["sam"], persons["Lea"], add=True)
    with pytest.raises(CommandError, match="own work"):
        await assessment_board.reallocate(tess, found, works["sam"], persons["Sam"], add=True)
    with pytest.raises(CommandError, match="Only teachers"):
        await assessment_board.reallocate(sam, found, works["kim"], persons["Sam"], add=False)
    await assessment_board.reallocate(tess, found, works["sam"], persons["Kim"], add=False)
    board = await assessment_board.board(tess, found)
    assert (board.allocated, board.done) == (1, 0)  # Kim's review of Sam's work no longer counts
    assert await assessment_board.written_reviews(tess, found) == ()


def test_the_phases_follow_in_order() -> None:
    steps = [
        ("submission", 0),
        ("review", 1),
        ("revision", 1),
        ("review", 2),
        ("assessment", 2),
        ("closed", 2),
    ]
    assert [assessment_board.next_phase(p, r, 2) for p, r in steps] == [
        "review", "revision", "review", "assessment", "closed", None,
    ]  # fmt: skip
