"""Leaving a circle from the desktop (asked first; the circle leaves the sidebar, for
good), and a teacher's moderation of help-desk answers (students get no such actions;
a hidden answer leaves the student's view and is marked for the teacher)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from sync.ids import SpaceId
from tests.ui.circles import answered_request, circle_of, named, page, rows
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow
from ui.sidebar import SPACE


def listed(window: MainWindow) -> list[SpaceId]:
    return [window.sidebar.item(i).data(SPACE) for i in range(1, window.sidebar.count())]


def test_leaving_a_circle_asks_first_and_takes_it_out_of_the_sidebar(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    teacher = page(qtbot, ana, space, members=2)
    settings = str(tmp_path / "ben.ini")
    window = MainWindow(ben, QSettings(settings, QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: listed(window) == [space], timeout=WAIT_MS)
    assert not window.leave_action.isEnabled()  # My notes is open
    window.open_page(space)
    assert window.leave_action.isEnabled()

    window.leave_action.trigger()  # Circle → Leave circle…: Cancel keeps it
    box = window.leave_box
    assert box is not None and box.isVisible() and "Algebra" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert listed(window) == [space]

    leave = next(a for a in window.sidebar.menu_for(space).actions() if a.objectName() == "leave")
    leave.trigger()  # the sidebar's context menu
    box = window.leave_box
    box.leave.click()
    qtbot.waitUntil(lambda: listed(window) == [], timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.notes
    assert "You left Algebra." in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: [m.name for m in teacher.context.members] == ["Ana"], timeout=WAIT_MS)
    window.close()

    again = MainWindow(ben, QSettings(settings, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again._circles_query.runs > 0, timeout=WAIT_MS)
    assert listed(again) == []  # left for good, though its history stays on the device
    assert not desk.runtime.failures


def test_only_teachers_moderate_answers_and_a_hidden_answer_leaves_the_students_view(
    qtbot: QtBot, desk: Desk
) -> None:
    *_, teacher, student = answered_request(qtbot, desk, "Only if the matrix is singular.")

    names = lambda menu: [action.objectName() for action in menu.actions() if action.objectName()]  # noqa: E731
    assert names(student.helpdesk.item_menu(student.helpdesk.answers.item(0))) == ["save"]
    assert names(teacher.helpdesk.item_menu(teacher.helpdesk.answers.item(0))) == ["save", "hide", "redact"]
    hide = next(
        a
        for a in teacher.helpdesk.item_menu(teacher.helpdesk.answers.item(0)).actions()
        if a.objectName() == "hide"
    )
    hide.trigger()

    qtbot.waitUntil(lambda: student.helpdesk.answers.count() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "[hidden]" in rows(teacher.helpdesk.answers)[0], timeout=WAIT_MS)
    assert "Only if the matrix is singular." in rows(teacher.helpdesk.answers)[0]
    assert "hidden" in teacher.helpdesk.answers.item(0).text()
    unhide = teacher.helpdesk.item_menu(teacher.helpdesk.answers.item(0))
    assert names(unhide) == ["save", "unhide", "redact"]
    next(a for a in unhide.actions() if a.objectName() == "unhide").trigger()
    qtbot.waitUntil(lambda: student.helpdesk.answers.count() == 1, timeout=WAIT_MS)
