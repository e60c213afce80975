"""What cannot be undone asks first (issue 17, item 8): redacting a post and removing someone
from the circle open a question naming what and whom; Escape (or Cancel) changes nothing,
confirming does it. Real widgets over real cores on one in-memory network."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services import discussion
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.dialogs import ConfirmDialog


def question(qtbot: QtBot, owner) -> ConfirmDialog:
    qtbot.waitUntil(lambda: bool(owner.findChildren(ConfirmDialog)), timeout=WAIT_MS)
    box: ConfirmDialog = owner.findChildren(ConfirmDialog)[-1]
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    return box


def gone(qtbot: QtBot, owner) -> None:
    qtbot.waitUntil(
        lambda: not any(b.isVisible() for b in owner.findChildren(ConfirmDialog)), timeout=WAIT_MS
    )


def action(menu, name: str):
    return next(a for a in menu.actions() if a.objectName() == name)


def test_redacting_asks_first_and_escape_changes_nothing(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    thread = desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "Ch. 1-4", []))
    found = desk.call(lambda: discussion.find(ben.commands, thread.hex()))
    desk.call(lambda: discussion.reply(ben.commands, found, "Can we bring notes?"))
    circle = page(qtbot, ana, space, members=2)  # kept: its tabs live as long as it does
    teacher = circle.discussion
    qtbot.waitUntil(lambda: teacher.threads.count() == 1, timeout=WAIT_MS)
    teacher.threads.setCurrentRow(0)
    qtbot.waitUntil(lambda: teacher.replies.count() == 1, timeout=WAIT_MS)

    action(teacher.item_menu(teacher.replies.item(0)), "redact").trigger()
    box = question(qtbot, teacher)
    assert box.text() == "Redact this reply by Ben?\n“Can we bring notes?”"
    assert "cannot be brought back" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    gone(qtbot, teacher)
    # Nothing was sent: a later moderation (hide) arrives, and the reply is still whole.
    action(teacher.item_menu(teacher.replies.item(0)), "hide").trigger()
    qtbot.waitUntil(lambda: teacher.row(teacher.replies.item(0)).hidden, timeout=WAIT_MS)
    assert not teacher.row(teacher.replies.item(0)).redacted
    assert "Can we bring notes?" in teacher.replies.item(0).text()

    action(teacher.item_menu(teacher.replies.item(0)), "redact").trigger()
    question(qtbot, teacher).confirm.click()
    qtbot.waitUntil(lambda: teacher.row(teacher.replies.item(0)).redacted, timeout=WAIT_MS)
    assert "Can we bring notes?" not in teacher.replies.item(0).text()
    assert not desk.runtime.failures


def test_removing_a_member_asks_first_and_cancel_changes_nothing(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    circle = page(qtbot, ana, space, members=2)
    members = circle.members
    context = members.circle
    ben_row = next(m for m in context.members if m.name == "Ben")

    members.act(ben_row, "remove")
    box = question(qtbot, members)
    assert box.text() == "Remove Ben from Algebra?"
    box.button(QMessageBox.StandardButton.Cancel).click()
    gone(qtbot, members)
    members.act(ben_row, "role:mentor")  # a later change arrives; Ben is still there
    qtbot.waitUntil(
        lambda: any(m.name == "Ben" and m.role == "mentor" for m in context.members), timeout=WAIT_MS
    )

    members.act(next(m for m in context.members if m.name == "Ben"), "remove")
    question(qtbot, members).confirm.click()
    qtbot.waitUntil(lambda: [m.name for m in context.members] == ["Ana"], timeout=WAIT_MS)
    assert not desk.runtime.failures
