"""An empty pane says so and what to do (issue 17, item 10): "No threads yet — start one
with New thread… (Ctrl+N)." and the like, shown once the list has been read and gone as
soon as something arrives. Real widgets over real cores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.services import discussion
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_notes_and_demo import write_note
from ui.main_window import MainWindow


def test_a_new_circles_tabs_say_they_are_empty_until_something_arrives(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    circle = page(qtbot, ana, space, members=2)
    hints = {
        "discussion": (circle.discussion.empty, "No threads yet — start one with New thread… (Ctrl+N)."),
        "helpdesk": (circle.helpdesk.empty, "No help requests yet — ask with Ask for help… (Ctrl+N)."),
        "resources": (circle.resources.empty, "No resources yet — add one with Add a resource… (Ctrl+N)."),
        "chat": (circle.chat.empty, "No messages yet — say hello below."),
    }
    for hint, text in hints.values():
        qtbot.waitUntil(lambda hint=hint: hint.shown, timeout=WAIT_MS)
        assert hint.text() == text

    desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "", []))
    desk.call(lambda: discussion.chat(ben.commands, space, "Hello"))
    qtbot.waitUntil(lambda: circle.discussion.threads.count() == 1, timeout=WAIT_MS)
    assert not circle.discussion.empty.shown
    qtbot.waitUntil(lambda: not circle.chat.empty.shown, timeout=WAIT_MS)
    assert circle.helpdesk.empty.shown  # still nothing there
    assert not desk.runtime.failures


def test_my_notes_say_when_there_are_none_and_when_a_search_finds_none(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    window = MainWindow(desk.open("ana"), QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_page("notes")
    view = window.notes
    qtbot.waitUntil(lambda: view.empty.shown, timeout=WAIT_MS)
    assert view.empty.text() == "No notes yet — write one with New note (Ctrl+N)."
    assert view.empty.isVisible() and view.empty.width() > 100  # over the list, readable
    write_note(qtbot, window, "Momentum", "p = m v")
    qtbot.waitUntil(lambda: not view.empty.shown, timeout=WAIT_MS)
    view.search.setText("zebra")
    qtbot.waitUntil(lambda: view.empty.shown, timeout=WAIT_MS)
    assert view.empty.text() == "No note matches “zebra”."
