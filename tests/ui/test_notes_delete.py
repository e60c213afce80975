"""A note can be deleted from the client (issue 17, item 10), after a question: Escape
keeps it, Delete removes it from the list and the store, and what was typed in it is not
saved back as a new note. Real widgets over a real core."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from app.services import notes
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_notes_and_demo import write_note
from ui.main_window import MainWindow


def test_deleting_a_note_asks_first_then_removes_it(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    session = desk.open("ana")
    window = MainWindow(session, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_page("notes")
    view = window.notes
    write_note(qtbot, window, "Scratch", "to be thrown away")
    write_note(qtbot, window, "Keep", "stays")
    qtbot.waitUntil(lambda: sorted(view.list.texts()) == ["Keep", "Scratch"], timeout=WAIT_MS)
    view.list.setCurrentRow(view.list.texts().index("Scratch"))
    qtbot.waitUntil(lambda: view.note is not None and view.note.title == "Scratch", timeout=WAIT_MS)

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    box = view.delete_box
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert box.text() == "Delete “Scratch”?"
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT_MS)
    assert view.note is not None and view.note.title == "Scratch"

    view.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(view.editor, " and more")  # typed, not saved yet
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    view.delete_box.confirm.click()
    qtbot.waitUntil(lambda: view.list.texts() == ["Keep"], timeout=WAIT_MS)
    assert view.note is None and view.editor.toPlainText() == "" and not view.unsaved
    assert [row.title for row in desk.call(lambda: notes.listing(session.commands))] == ["Keep"]
    assert not view.autosave.isActive()
    assert not desk.runtime.failures
