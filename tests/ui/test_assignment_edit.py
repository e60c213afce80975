"""A teacher edits an assignment from the Assignments tab (Ctrl+E or *Edit assignment…*):
the create dialog opens filled in (title, brief, rubric, reviewers, rounds, due dates);
the title and a due date change on every client. Once reviewing has started the rubric,
reviewers and rounds are fixed (greyed, said why), and a rubric change that races the
phase switch is refused with the core's sentence, the dialog kept open, nothing
changed. A student has no edit action, and the core refuses their edit."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import assignments
from app.services.assignments import FoundAssignment
from sync.ids import OpId
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.assignment_dialogs import DUE_FORMAT, AssignmentDialog
from ui.assignments_view import EDIT_KEYS, QtAssignments
from ui.menus import IN_VIEWS


def ms(typed: str) -> int:
    return int(datetime.strptime(typed, DUE_FORMAT).timestamp() * 1000)


def edit_dialog(qtbot: QtBot, view: QtAssignments) -> AssignmentDialog:
    """Ctrl+E in the tab (keyboard), the dialog it opens."""
    view.dialog = None
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    if view.dialog is None:  # an offscreen window that is not active gets no shortcuts
        next(a for a in view.actions() if a.shortcut().toString() == EDIT_KEYS).trigger()
    dialog = view.dialog
    assert isinstance(dialog, AssignmentDialog) and dialog.isVisible()
    return dialog


def test_a_teacher_edits_title_and_due_dates_and_the_rubric_is_fixed_once_reviewing(
    qtbot: QtBot, desk: Desk
) -> None:
    tess, sam, kim = named(desk, "tess", "Tess"), named(desk, "sam", "Sam"), named(desk, "kim", "Kim")
    space = circle_of(desk, tess, [sam, kim])
    pages = [page(qtbot, person, space, members=3) for person in (tess, sam, kim)]  # kept alive
    teacher, student, other = (p.assignments for p in pages)
    assert "Ctrl+E" in dict(IN_VIEWS)  # listed in Help › Keyboard shortcuts

    teacher.new_assignment()
    made = teacher.dialog
    assert isinstance(made, AssignmentDialog)
    made.title.setText("Essay")
    made.brief.setPlainText("Argue a case.")
    made.rubric.item(0, 0).setText("clarity")
    made.reviewers.setValue(1)
    made.due_cells[0].setText("2026-12-18 17:00")  # submission
    made.ok.click()
    for view in (teacher, student):
        qtbot.waitUntil(lambda view=view: view.shown is not None, timeout=WAIT_MS)
    assert teacher.shown.detail.due == (("submission", ms("2026-12-18 17:00")),)  # type: ignore[union-attr]
    assert teacher.edit_button.isVisibleTo(teacher) and teacher.edit_button.isEnabled()
    assert not student.edit_button.isVisibleTo(student)

    # Edit: the dialog is the create dialog, filled in.
    dialog = edit_dialog(qtbot, teacher)
    assert dialog.windowTitle() == "Edit assignment" and dialog.ok.text() == "Save changes"
    assert (dialog.title.text(), dialog.brief.toPlainText()) == ("Essay", "Argue a case.")
    assert dialog.criteria() == ["clarity:4"] and dialog.rubric.isEnabled()
    assert dialog.due_cells[0].text() == "2026-12-18 17:00" and dialog.due_cells[1].text() == ""
    dialog.due_cells[1].setText("tomorrow")  # unreadable: said, nothing sent
    dialog.ok.click()
    assert dialog.isVisible() and "YYYY-MM-DD HH:MM" in dialog.error.text()
    dialog.title.setText("Essay (final)")
    dialog.due_cells[0].setText("2026-12-19 09:30")
    dialog.due_cells[1].setText("2026-12-22 12:00")  # review
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    expected = (("review", ms("2026-12-22 12:00")), ("submission", ms("2026-12-19 09:30")))
    for view in (teacher, student):
        qtbot.waitUntil(
            lambda view=view: view.shown is not None and view.shown.detail.title == "Essay (final)",
            timeout=WAIT_MS,
        )
    assert teacher.shown.detail.due == expected  # type: ignore[union-attr]
    assert "Essay (final) — submission" in student.list.item(0).text()

    # A rubric change while the dialog is open and review opens meanwhile: the core's refusal.
    qtbot.waitUntil(lambda: other.shown is not None, timeout=WAIT_MS)
    for view, work in ((student, "Cats are better."), (other, "Dogs are loyal.")):
        view.work.setPlainText(work)
        view.submit_button.click()
    qtbot.waitUntil(lambda: teacher.shown.board.submitted == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    racing = edit_dialog(qtbot, teacher)
    racing.rubric.item(0, 1).setText("10")
    found = FoundAssignment(space, OpId(bytes.fromhex(teacher.selected_id or "")))
    desk.call(lambda: assignments.open_phase(tess.commands, found, "review"))
    racing.ok.click()
    qtbot.waitUntil(lambda: racing.ok.isEnabled(), timeout=WAIT_MS)
    assert racing.isVisible()
    assert racing.error.text().startswith(
        "The rubric, reviewers per submission and rounds are fixed once reviewing has started"
    )
    racing.reject()
    qtbot.waitUntil(lambda: teacher.shown.detail.phase == "review", timeout=WAIT_MS)  # type: ignore[union-attr]
    assert [c.max for c in teacher.shown.detail.criteria] == [4]  # type: ignore[union-attr]

    # Now opened in review: the rubric, reviewers and rounds are greyed, with the reason.
    fixed = edit_dialog(qtbot, teacher)
    assert not fixed.rubric.isEnabled() and not fixed.reviewers.isEnabled() and not fixed.rounds.isEnabled()
    assert fixed.fixed.isVisibleTo(fixed) and "fixed" in fixed.fixed.text()
    fixed.brief.setPlainText("Argue a case, with sources.")
    fixed.ok.click()
    qtbot.waitUntil(lambda: not fixed.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: student.shown is not None and student.shown.detail.brief == "Argue a case, with sources.",
        timeout=WAIT_MS,
    )
    assert [c.max for c in student.shown.detail.criteria] == [4]  # type: ignore[union-attr]

    # A student's own edit (through the service, no button): the core refuses, nothing changes.
    with pytest.raises(AssertionError) as refused:
        desk.call(lambda: assignments.edit(sam.commands, found, title="Mine now", brief=""))
    assert "Your role in this circle does not allow that." in str(refused.value)
    assert desk.call(lambda: assignments.detail(tess.commands, found)).title == "Essay (final)"
    assert desk.call(lambda: assignments.detail(sam.commands, found)).title == "Essay (final)"
    for view in (teacher, student, other):  # nothing left to arrive once the pages close
        qtbot.waitUntil(lambda view=view: not view._detail_query.busy and not view._list_query.busy)
