"""Done-when 1 of issue 16 over the network: a teacher and a student, each in a main
window of their own (their own core and SQLite file), connected by real py-libp2p on
127.0.0.1, go through a whole assessment in the client.

The student joins in his window with the teacher's invite (dialled at her loopback
address); the teacher sets an essay with a rubric in the dialog and opens each phase
after the confirmation; the student submits, reviews with the rubric form, reads his
anonymous feedback, revises with a note, reviews again seeing the diff; the teacher
sees every review with its writer, overrides the suggested grade with a comment; the
student's window shows the grade. Kim, the second student the peer review needs, is a
core without a window, driven through the services (the UI is not the subject there).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.services import assignments
from p2p.host import Libp2pNetwork
from sync.ids import SpaceId
from tests.ui.circles import named
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_assignments_view import open_next, review
from ui.assignment_dialogs import AssessDialog, AssignmentDialog
from ui.assignments_view import QtAssignments
from ui.main_window import MainWindow
from ui.runtime import Runtime
from ui.session import Session


@pytest.fixture
def lan(qtbot: QtBot, runtime: Runtime, tmp_path: Path) -> Desk:
    """People's sessions on real py-libp2p hosts listening on 127.0.0.1 (no mDNS)."""
    return Desk(qtbot, runtime, tmp_path, network=Libp2pNetwork())


def window_of(qtbot: QtBot, session: Session, tmp_path: Path) -> MainWindow:
    window = MainWindow(
        session, QSettings(str(tmp_path / f"{session.my_name}.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    return window


def assignments_tab(qtbot: QtBot, window: MainWindow, space: SpaceId, members: int) -> QtAssignments:
    """The circle's Assignments tab in `window`, once the circle is listed and its members known."""
    qtbot.waitUntil(lambda: any(known == space for known, _ in window.circle_names), timeout=WAIT_MS)
    page = window.circle(space)
    page.tabs.setCurrentWidget(page.assignments)
    qtbot.waitUntil(lambda: len(page.context.members) == members, timeout=WAIT_MS)
    return page.assignments


def test_a_teacher_and_a_student_on_two_clients_over_libp2p_go_through_an_assessment(
    qtbot: QtBot, lan: Desk, tmp_path: Path
) -> None:
    tess, sam, kim = named(lan, "tess", "Tess"), named(lan, "sam", "Sam"), named(lan, "kim", "Kim")
    for session in (tess, sam, kim):  # real hosts, on loopback only
        qtbot.waitUntil(lambda session=session: session.network_status is not None, timeout=WAIT_MS)
        status = session.network_status
        assert status is not None and status.addresses
        assert all(address.startswith("/ip4/127.0.0.1/tcp/") for address in status.addresses)
    space: SpaceId = lan.call(lambda: tess.core.create_circle("Essay workshop"))  # type: ignore[union-attr]
    teacher_window, student_window = window_of(qtbot, tess, tmp_path), window_of(qtbot, sam, tmp_path)

    # Sam joins in his window with Tess's invite: his host dials hers over TCP.
    code = lan.call(lambda: tess.core.invite(space, role="member"))  # type: ignore[union-attr]
    student_window.join_circle()
    join = student_window.join_dialog
    assert join is not None
    qtbot.waitUntil(join.isVisible, timeout=WAIT_MS)
    join.line.setText(code)
    qtbot.mouseClick(join.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: student_window.sidebar.circles() == [space], timeout=WAIT_MS)
    tess_peer = tess.core.host.peer_id  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: sam.network_status is not None and tess_peer in sam.network_status.connected, timeout=WAIT_MS
    )
    code = lan.call(lambda: tess.core.invite(space, role="member"))  # type: ignore[union-attr]
    lan.call(lambda: kim.core.join(code))  # type: ignore[union-attr]

    teacher = assignments_tab(qtbot, teacher_window, space, 3)
    student = assignments_tab(qtbot, student_window, space, 3)
    assert teacher.new_button.isVisibleTo(teacher) and not student.new_button.isVisibleTo(student)

    # Tess sets the essay in the dialog: a rubric of two criteria, two review rounds.
    qtbot.mouseClick(teacher.new_button, Qt.MouseButton.LeftButton)
    dialog = teacher.dialog
    assert isinstance(dialog, AssignmentDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.title.setText("Essay")
    dialog.brief.setPlainText("Argue a case in a few lines.")
    dialog.rubric.item(0, 0).setText("clarity")
    dialog.rubric.item(0, 2).setText("Is it clear?")
    dialog.add_criterion("evidence", 3, "Are claims supported?")
    dialog.reviewers.setValue(1)
    assert dialog.rounds.value() == 2
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: teacher.list.count() == 1 and teacher.shown is not None, timeout=WAIT_MS)

    # It reaches Sam's window over the network: the brief with the rubric, My work open.
    qtbot.waitUntil(lambda: student.list.count() == 1 and student.shown is not None, timeout=WAIT_MS)
    assert "Essay — submission" in student.list.item(0).text()
    assert "Is it clear?" in student.brief.toPlainText() and "evidence" in student.brief.toPlainText()
    found = assignments.FoundAssignment(space, teacher.found.assignment)
    student.sections.setCurrentIndex(1)
    assert not student.note.isVisibleTo(student)  # no "what I changed" before a revision phase
    student.work.setPlainText("Cats are better.\nThey purr.\n")
    qtbot.mouseClick(student.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "version 1" in student.versions.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(lan.call(lambda: assignments.listing(kim.commands, space))), timeout=WAIT_MS)
    lan.call(lambda: assignments.submit(kim.commands, found, "Dogs are loyal.\n", ""))

    teacher.sections.setCurrentIndex(4)  # Progress
    qtbot.waitUntil(lambda: teacher.shown.board.submitted == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "review").startswith("2 of 2 submitted; 0 will not be reviewed.")

    # Round 1: Sam reviews Kim's work with the form; Kim reviews Sam's through the service.
    student.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: student.tasks.count() == 1, timeout=WAIT_MS)
    assert student.tasks.item(0).text() == "Submission 1 (version 1) — to do"  # words, not "todo"
    review(qtbot, student, 1, 2, "Too short")
    assert "Dogs are loyal." in student.task_text.toPlainText()
    qtbot.waitUntil(
        lambda: bool(lan.call(lambda: assignments.review_tasks(kim.commands, found))), timeout=WAIT_MS
    )
    (task,) = lan.call(lambda: assignments.review_tasks(kim.commands, found))
    lan.call(
        lambda: assignments.write_review(
            kim.commands,
            task.submission_id,
            ["clarity=3", "evidence=1"],
            "Name a cat.",
            {"clarity": "Clear claim"},
        )
    )
    qtbot.waitUntil(
        lambda: bool(lan.call(lambda: assignments.received(kim.commands, found))), timeout=WAIT_MS
    )
    (mine,) = lan.call(lambda: assignments.received(kim.commands, found))  # Sam's form, as Kim's core has it
    assert (mine.scores, mine.notes["clarity"]) == ({"clarity": 2, "evidence": 2}, "Too short")
    qtbot.waitUntil(lambda: teacher.shown.board.done == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "revision").startswith("2 of 2 reviews written; 0 will not count.")

    # Sam reads his feedback (the reviewer anonymous) and revises with a note.
    student.sections.setCurrentIndex(3)
    qtbot.waitUntil(lambda: "Reviewer 1, round 1" in student.feedback.toPlainText(), timeout=WAIT_MS)
    feedback = student.feedback.toPlainText()
    assert "clarity: 3/4 — Clear claim" in feedback and "Name a cat." in feedback and "Kim" not in feedback
    calibration = "Round 1, work 1: you gave clarity 2, evidence 2; no one else reviewed it"
    qtbot.waitUntil(
        lambda: calibration in student.feedback.toPlainText(), timeout=WAIT_MS
    )  # once the round ended
    student.sections.setCurrentIndex(1)
    qtbot.waitUntil(lambda: student.note.isVisibleTo(student), timeout=WAIT_MS)
    student.work.setPlainText("Cats are better.\nThey purr.\nMy cat Tom sleeps all day.\n")
    student.note.setText("Named a cat")
    qtbot.mouseClick(student.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "version 2" in student.versions.text(), timeout=WAIT_MS)
    qtbot.waitUntil(  # Kim's core has the revision phase too (over the network, in its own time)
        lambda: lan.call(lambda: assignments.detail(kim.commands, found)).phase == "revision",
        timeout=WAIT_MS,
    )
    lan.call(
        lambda: assignments.submit(
            kim.commands, found, "Dogs are loyal.\nThey guard the house.\n", "A reason"
        )
    )
    qtbot.waitUntil(lambda: teacher.shown.board.revised == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "review").startswith("2 of 2 revised")

    # Round 2: Sam sees what Kim changed as a diff, with her note, and reviews again.
    student.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: "Changed since version 1" in student.task_text.toPlainText(), timeout=WAIT_MS)
    shown = student.task_text.toPlainText()
    assert "+They guard the house." in shown and "A reason" in shown
    document = student.task_text.document()  # the diff's lines wrap in a narrow pane
    blocks = [document.findBlockByNumber(n) for n in range(document.blockCount())]
    assert any(b.text().startswith("+They") for b in blocks)
    assert not any(b.blockFormat().nonBreakableLines() for b in blocks)
    review(qtbot, student, 2, 4, "Better")
    qtbot.waitUntil(
        lambda: [t.version for t in lan.call(lambda: assignments.review_tasks(kim.commands, found))] == [2],
        timeout=WAIT_MS,
    )
    (task,) = lan.call(lambda: assignments.review_tasks(kim.commands, found))
    assert "+My cat Tom sleeps all day." in task.diff and task.note == "Named a cat"  # Sam's, as Kim sees it
    lan.call(
        lambda: assignments.write_review(
            kim.commands, task.submission_id, ["clarity=4", "evidence=3"], "Good."
        )
    )
    qtbot.waitUntil(lambda: teacher.shown.board.done == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    open_next(qtbot, teacher, "assessment")

    # Tess assesses Sam's work: every review with its writer, then an override with a comment.
    teacher.sections.setCurrentIndex(5)
    qtbot.waitUntil(lambda: teacher.gradebook.topLevelItemCount() == 2, timeout=WAIT_MS)
    sam_row = next(
        teacher.gradebook.topLevelItem(i)
        for i in range(2)
        if teacher.gradebook.topLevelItem(i).text(0) == "Sam"  # type: ignore[union-attr]
    )
    assert sam_row is not None
    suggested = sam_row.text(4)
    assert suggested != "—" and sam_row.text(5) == "—"
    teacher.gradebook.setCurrentItem(sam_row)
    reviews = teacher.reviews_of.toPlainText()
    assert "Round 1, by Kim" in reviews and "Round 2, by Kim" in reviews and "Clear claim" in reviews
    qtbot.mouseClick(teacher.assess_button, Qt.MouseButton.LeftButton)
    assess = teacher.dialog
    assert isinstance(assess, AssessDialog)
    qtbot.waitUntil(assess.isVisible, timeout=WAIT_MS)
    assert abs(assess.grade.value() - float(suggested)) <= 0.6  # starts at the suggested grade
    assess.grade.setValue(95)
    assess.comment.setPlainText("The example makes it.")
    ok = assess.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[union-attr]
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sam_row_text(teacher, 5) == "95", timeout=WAIT_MS)
    assert sam_row_text(teacher, 6) == "The example makes it." and sam_row_text(teacher, 4) == suggested

    # Sam's window shows the grade and the comment, once it has come over the network.
    student.sections.setCurrentIndex(3)
    qtbot.waitUntil(lambda: "Your grade: 95" in student.feedback.toPlainText(), timeout=WAIT_MS)
    assert "The example makes it." in student.feedback.toPlainText()
    assert not lan.runtime.failures  # type: ignore[attr-defined]


def sam_row_text(view: QtAssignments, column: int) -> str:
    for i in range(view.gradebook.topLevelItemCount()):
        item = view.gradebook.topLevelItem(i)
        if item is not None and item.text(0) == "Sam":
            return item.text(column)
    return ""
