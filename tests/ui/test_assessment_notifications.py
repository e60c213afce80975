"""Assignment notifications, decided without a tray: reviews assigned when a round
opens, a phase opened, feedback on my work, my grade given — to the students concerned
only; never to the teacher for their own switches, never of one's own review, never of
the history a late joiner receives."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services import assignments
from tests.ui.circles import circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_notifications import notifier, said


def test_students_hear_of_reviews_to_do_feedback_phases_and_grades(qtbot: QtBot, desk: Desk) -> None:
    tess, sam, kim, lea = (named(desk, n, n.capitalize()) for n in ("tess", "sam", "kim", "lea"))
    watch = {name: notifier(qtbot, s) for name, s in (("tess", tess), ("sam", sam), ("kim", kim))}
    space = circle_of(desk, tess, [sam, kim], name="Algebra")
    essay = desk.call(
        lambda: assignments.create(
            tess.commands, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=1
        )
    )
    found = assignments.FoundAssignment(space, essay)
    works = {}
    for name, student in (("sam", sam), ("kim", kim)):
        qtbot.waitUntil(lambda student=student: student.commands.replica.has_space(space), timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda student=student: bool(desk.call(lambda: assignments.listing(student.commands, space))),
            timeout=WAIT_MS,
        )
        works[name], _ = desk.call(
            lambda student=student: assignments.submit(student.commands, found, "Case.", "")
        )

    opened = desk.call(lambda: assignments.open_phase(tess.commands, found, "review"))
    assert opened == ("review", 1)
    for name in ("sam", "kim"):
        qtbot.waitUntil(lambda name=name: len(watch[name].shown) == 1, timeout=WAIT_MS)
        assert said(watch[name]) == [
            "Reviews to do: Algebra: review round 1 of “Essay” is open; 1 submission to review."
        ]
    (task,) = desk.call(lambda: assignments.review_tasks(kim.commands, found))
    desk.call(lambda: assignments.write_review(kim.commands, task.submission_id, ["clarity=3"], "Good."))
    qtbot.waitUntil(lambda: len(watch["sam"].shown) == 2, timeout=WAIT_MS)
    assert said(watch["sam"])[-1] == "Feedback received: Algebra: a new review of your work on “Essay”."

    desk.call(lambda: assignments.open_phase(tess.commands, found, "assessment"))
    qtbot.waitUntil(lambda: len(watch["kim"].shown) == 2, timeout=WAIT_MS)
    assert said(watch["kim"])[-1] == "Assignment moved on: Algebra: “Essay” is now in its assessment phase."
    desk.call(lambda: assignments.assess(tess.commands, works["sam"], 80, "Good."))
    qtbot.waitUntil(lambda: len(watch["sam"].shown) == 4, timeout=WAIT_MS)
    assert said(watch["sam"])[-1] == "Grade released: Algebra: your grade for “Essay” is in."
    assert watch["sam"].shown[-1].assignment == essay.hex()

    # Lea joins now: the assignment's history is not news to her; and nothing was news to
    # the teacher (her own switches), nor to Kim of her own review or Sam's grade.
    late = notifier(qtbot, lea)
    code = desk.call(lambda: tess.core.invite(space, role="member"))
    desk.call(lambda: lea.core.join(code))
    qtbot.waitUntil(
        lambda: bool(desk.call(lambda: assignments.listing(lea.commands, space))), timeout=WAIT_MS
    )
    desk.call(lambda: assignments.open_phase(tess.commands, found, "closed"))
    qtbot.waitUntil(lambda: len(late.shown) == 1, timeout=WAIT_MS)  # only what happened after she came
    assert said(late) == ["Assignment moved on: Algebra: “Essay” is now in its closed phase."]
    for name, told in (("kim", 3), ("sam", 5)):  # Kim: not of her own review, nor Sam's grade
        qtbot.waitUntil(lambda name=name, told=told: len(watch[name].shown) == told, timeout=WAIT_MS)
        assert said(watch[name])[-1].endswith("is now in its closed phase.")
    assert watch["tess"].shown == []
