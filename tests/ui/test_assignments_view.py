"""The Assignments tab over real cores (one in-memory network): a teacher sets an essay
with a rubric in the dialog, two students submit, review each other with the rubric
form (a draft kept until sent), one revises with a note, the round-2 reviewer sees the
diff, the teacher opens each phase after a confirmation that says what will happen,
assesses with an override, exports the gradebook; the student sees the grade."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui.circles import Seen, circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.assignment_dialogs import AssessDialog, AssignmentDialog, ReallocateDialog
from ui.assignments_view import QtAssignments


def open_next(qtbot: QtBot, view: QtAssignments, phase: str) -> str:
    """Click *Open the next phase…*, read the confirmation, confirm; the sentence shown."""
    qtbot.waitUntil(lambda: view.next_button.text() == f"Open {phase}…", timeout=WAIT_MS)
    view.next_button.click()
    box = view.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    said = box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.detail.phase == phase, timeout=WAIT_MS)
    return said


def review(qtbot: QtBot, view: QtAssignments, round_: int, clarity: int, note: str) -> None:
    qtbot.waitUntil(
        lambda: view.shown is not None and view.shown.detail.round == round_ and view.tasks.count() == 1,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: view.form is not None and view.send_button.isEnabled(), timeout=WAIT_MS)
    form = view.form
    assert form is not None
    form.set_score("clarity", clarity)
    form.set_score("evidence", 2)
    form.notes["clarity"].setText(note)
    form.notes["clarity"].textEdited.emit(note)
    form.comment.setPlainText("Solid; cite a source.")
    view.send_button.click()
    qtbot.waitUntil(lambda: view.tasks.count() == 1 and "done" in view.tasks.item(0).text(), timeout=WAIT_MS)


def test_a_whole_assessment_through_the_tab(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    tess, sam, kim = named(desk, "tess", "Tess"), named(desk, "sam", "Sam"), named(desk, "kim", "Kim")
    space = circle_of(desk, tess, [sam, kim])
    sam_saw = Seen(sam)
    pages = [page(qtbot, person, space, members=3) for person in (tess, sam, kim)]  # kept alive
    teacher = pages[0].assignments
    students = {"sam": pages[1].assignments, "kim": pages[2].assignments}
    assert teacher.new_button.isVisibleTo(teacher) and not students["sam"].new_button.isVisibleTo(
        students["sam"]
    )
    assert not students["sam"].sections.isTabVisible(4)  # Progress is the teachers'

    # The teacher sets the essay in the dialog: a rubric of two criteria.
    teacher.new_assignment()
    dialog = teacher.dialog
    assert isinstance(dialog, AssignmentDialog)
    dialog.ok.click()  # no title: refused in the dialog, nothing written
    assert dialog.isVisible() and "title" in dialog.error.text()
    dialog.title.setText("Essay")
    dialog.brief.setPlainText("Argue a case.")
    dialog.rubric.item(0, 0).setText("clarity")
    dialog.rubric.item(0, 2).setText("Is it clear?")
    dialog.add_criterion("evidence", 3, "")
    dialog.reviewers.setValue(1)
    dialog.ok.click()
    for view in (teacher, *students.values()):
        try:
            qtbot.waitUntil(
                lambda view=view: view.list.count() == 1 and view.shown is not None, timeout=WAIT_MS
            )
        except Exception:
            raise AssertionError((view.list.count(), view.selected_id, desk.runtime.failures)) from None
    assert "Essay — submission" in students["sam"].list.item(0).text()
    assert [c.name for c in students["sam"].shown.detail.criteria] == ["clarity", "evidence"]  # type: ignore[union-attr]

    # Both submit: one written here, one attached from a file.
    students["sam"].work.setPlainText("Cats are better.\nThey purr.\n")
    students["sam"].submit_button.click()
    essay_file = tmp_path / "kim.md"
    essay_file.write_text("Dogs are loyal.\n", encoding="utf-8")
    students["kim"].attach(str(essay_file))
    students["kim"].submit_button.click()
    qtbot.waitUntil(lambda: teacher.shown.board.submitted == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "review").startswith("2 of 2 submitted; 0 will not be reviewed.")

    # Round 1: a draft survives a refresh until sent; then both reviews are written.
    sam_view = students["sam"]
    qtbot.waitUntil(lambda: sam_view.tasks.count() == 1 and sam_view.form is not None, timeout=WAIT_MS)
    sam_view.form.notes["evidence"].setText("Which breeds?")  # type: ignore[union-attr]
    sam_view.form.notes["evidence"].textEdited.emit("Which breeds?")  # type: ignore[union-attr]
    sam_view.on_touched()
    qtbot.waitUntil(lambda: sam_view._detail_query.runs >= 3, timeout=WAIT_MS)
    assert sam_view.form.notes["evidence"].text() == "Which breeds?"  # type: ignore[union-attr]
    assert len(sam_view.drafts) == 1
    review(qtbot, sam_view, 1, 2, "Too short")
    assert sam_view.drafts == {}
    review(qtbot, students["kim"], 1, 3, "Clear")
    qtbot.waitUntil(lambda: teacher.shown.board.done == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "revision").startswith("2 of 2 reviews written; 0 will not count.")

    # Kim reads anonymous feedback, revises with a note; Sam then sees the diff.
    kim_view = students["kim"]
    qtbot.waitUntil(lambda: "Reviewer 1, round 1" in kim_view.feedback.toPlainText(), timeout=WAIT_MS)
    feedback = kim_view.feedback.toPlainText()
    assert "clarity: 2/4 — Too short" in feedback and "Sam" not in feedback
    kim_view.sections.setCurrentIndex(1)  # My work: the note shows in a revision phase
    qtbot.waitUntil(lambda: kim_view.note.isVisibleTo(kim_view), timeout=WAIT_MS)
    revised = tmp_path / "kim-2.md"
    revised.write_text("Dogs are loyal.\nThey guard the house.\n", encoding="utf-8")
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(revised))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        dropped,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    kim_view.work.dropEvent(drop)  # dropped on the editor: the file becomes the work
    assert kim_view.work.toPlainText() == "Dogs are loyal.\nThey guard the house.\n"
    kim_view.note.setText("Added a reason")
    kim_view.submit_button.click()
    qtbot.waitUntil(lambda: teacher.shown.board.revised == 1, timeout=WAIT_MS)  # type: ignore[union-attr]
    assert open_next(qtbot, teacher, "review").startswith("1 of 2 revised")

    # The teacher takes Sam off Kim's work by hand, then puts Sam back.
    def sams_reviewers_of_kim(expected: int) -> None:
        def check() -> bool:
            board = teacher.shown.board  # type: ignore[union-attr]
            return next(r for r in board.rows if r.name == "Kim").expected == expected

        qtbot.waitUntil(check, timeout=WAIT_MS)

    for add, expected in ((False, 0), (True, 1)):
        teacher.change_reviewers()
        change = teacher.dialog
        assert isinstance(change, ReallocateDialog)
        change.work.setCurrentIndex(change.work.findText("Kim's work"))
        change.reviewer.setCurrentIndex(change.reviewer.findText("Sam"))
        (change.add_button if add else change.remove_button).click()
        sams_reviewers_of_kim(expected)
        # Sam's own tab follows each change (waiting only for his core to hold the two ops
        # let the test review from a list the first change's refresh was about to empty).
        qtbot.waitUntil(lambda: sam_view.tasks.count() == expected, timeout=WAIT_MS)  # noqa: B023
    qtbot.waitUntil(lambda: sam_saw.count("assign.reviewer") == 2, timeout=WAIT_MS)  # Sam has both changes
    qtbot.waitUntil(lambda: "Changed since version 1" in sam_view.task_text.toPlainText(), timeout=WAIT_MS)
    shown = sam_view.task_text.toPlainText()
    assert "+They guard the house." in shown and "Added a reason" in shown
    review(qtbot, sam_view, 2, 4, "Better")
    review(qtbot, kim_view, 2, 3, "Fine")
    qtbot.waitUntil(lambda: teacher.shown.board.done == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    open_next(qtbot, teacher, "assessment")

    # The teacher assesses Sam's work with an override, and exports the gradebook.
    teacher.sections.setCurrentIndex(5)
    qtbot.waitUntil(lambda: teacher.gradebook.topLevelItemCount() == 2, timeout=WAIT_MS)
    sam_row = next(
        teacher.gradebook.topLevelItem(i)
        for i in range(2)
        if teacher.gradebook.topLevelItem(i).text(0) == "Sam"  # type: ignore[union-attr]
    )
    assert sam_row is not None and sam_row.text(4) != "—"  # a suggested grade
    teacher.gradebook.setCurrentItem(sam_row)
    reviews = teacher.reviews_of.toPlainText()  # the teacher sees who wrote each review
    assert "Round 1, by Kim" in reviews and "Round 2, by Kim" in reviews and "Too short" not in reviews
    teacher.assess()
    assess = teacher.dialog
    assert isinstance(assess, AssessDialog)
    assess.grade.setValue(90)
    assess.comment.setPlainText("Well argued.")
    assess.accept()
    qtbot.waitUntil(
        lambda: any(g.grade == 90 for g in teacher.shown.grades),  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    out = tmp_path / "grades.csv"
    teacher.export_csv(str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "name,submission_id,versions,peer,reviewing,suggested,grade,comment"
    assert any(line.startswith("Sam,") and ",90,Well argued." in line for line in lines)
    qtbot.waitUntil(lambda: "Your grade: 90" in sam_view.feedback.toPlainText(), timeout=WAIT_MS)
    assert "Your grade" not in kim_view.feedback.toPlainText()  # Kim's is not given, Sam's not hers
