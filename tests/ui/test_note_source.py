"""A note saved from a circle says where it came from (issue 17, item 10), with a link that
opens that circle. Real widgets over real cores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.services import discussion, notes
from tests.ui.circles import circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow


def test_a_saved_note_names_its_circle_and_opens_it(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    thread = desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "Ch. 1-4", []))
    desk.call(lambda: notes.save(ben.commands, thread.hex()))
    window = MainWindow(ben, QSettings(str(tmp_path / "ben.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.circle_names != [], timeout=WAIT_MS)
    window.open_page("notes")
    view = window.notes
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=WAIT_MS)
    view.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: view.source.isVisible(), timeout=WAIT_MS)
    assert view.source.text().startswith("Saved from Algebra — <a href=")
    view.source.linkActivated.emit(space.hex())  # the link clicked
    assert window.sidebar.current_circle() == space
    assert not desk.runtime.failures
