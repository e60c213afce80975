"""Nothing typed in a note is lost (issue 17, item 1): edits are saved a second after the
last keystroke, before another note opens, and before the window closes; saving leaves
the editor alone (cursor, selection, undo), and a line says whether the note is saved.
Real widgets over real cores (SQLite files under the test's directory)."""

from __future__ import annotations

from pathlib import Path

import trio
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from app.services import notes
from tests.ui.conftest import FAST, WAIT_MS, Desk
from tests.ui.test_notes_and_demo import write_note
from ui.main_window import MainWindow
from ui.notes_view import untitled
from ui.session import Session


def window_of(qtbot: QtBot, desk: Desk, tmp_path: Path, session: Session) -> MainWindow:
    window = MainWindow(session, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_page("notes")
    return window


def stored_text(desk: Desk, session: Session, title: str) -> str:
    async def read() -> str:
        rows = await notes.listing(session.commands)
        row = await notes.find_note(session.commands, next(r.note_id for r in rows if r.title == title))
        return row.text

    return desk.call(read)


def open_titled(qtbot: QtBot, window: MainWindow, title: str) -> None:
    view = window.notes
    qtbot.waitUntil(lambda: title in view.list.texts(), timeout=WAIT_MS)
    view.list.setCurrentRow(view.list.texts().index(title))
    qtbot.waitUntil(lambda: view.note is not None and view.note.title == title, timeout=WAIT_MS)


def test_an_edit_survives_switching_to_another_note_and_back(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    window = window_of(qtbot, desk, tmp_path, desk.open("ana"))
    view = window.notes
    write_note(qtbot, window, "Momentum", "p = m v")
    write_note(qtbot, window, "Energy", "E = m c^2")
    open_titled(qtbot, window, "Momentum")

    view.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(view.editor, ", conserved")
    assert view.unsaved and view.state.text() == "● Unsaved"
    view.list.setCurrentRow(view.list.texts().index("Energy"))  # click another note at once
    qtbot.waitUntil(lambda: view.note.title == "Energy", timeout=WAIT_MS)
    assert view.editor.toPlainText() == "E = m c^2"
    open_titled(qtbot, window, "Momentum")
    assert view.editor.toPlainText() == "p = m v, conserved"
    assert stored_text(desk, window.session, "Momentum") == "p = m v, conserved"
    assert view.state.text() == "Saved"
    assert not desk.runtime.failures


def test_typing_is_saved_a_second_after_the_last_keystroke(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    window = window_of(qtbot, desk, tmp_path, desk.open("ana"))
    view = window.notes
    view.new_item()
    qtbot.keyClicks(view.editor, "# Vectors")  # no title typed
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.editor, "A vector space is a set.")
    assert view.autosave.isActive() and view.note is None
    qtbot.waitUntil(lambda: view.note is not None and not view.unsaved, timeout=WAIT_MS)
    assert view.title.text() == "Vectors"  # its first line
    assert stored_text(desk, window.session, "Vectors") == "# Vectors\nA vector space is a set."
    qtbot.keyClicks(view.editor, " Closed under +.")
    qtbot.waitUntil(lambda: not view.unsaved, timeout=WAIT_MS)
    assert stored_text(desk, window.session, "Vectors").endswith("Closed under +.")
    assert [t for t in view.list.texts() if t == "Vectors"] == ["Vectors"]  # added once, then edited


def test_saving_keeps_the_cursor_the_selection_and_undo(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    window = window_of(qtbot, desk, tmp_path, desk.open("ana"))
    view = window.notes
    write_note(qtbot, window, "Rank", "rank + nullity = n")
    editor = view.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.setPosition(4)  # after "rank"
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "(A)")
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(4, QTextCursor.MoveMode.KeepAnchor)  # "rank" selected
    editor.setTextCursor(cursor)

    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    qtbot.waitUntil(lambda: not view.unsaved and view.state.text() == "Saved", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not view._note_query.busy, timeout=WAIT_MS)  # the note read again too
    assert stored_text(desk, window.session, "Rank") == "rank(A) + nullity = n"
    assert editor.textCursor().selectedText() == "rank"
    assert (editor.textCursor().anchor(), editor.textCursor().position()) == (0, 4)
    assert editor.document().isUndoAvailable()
    editor.undo()
    assert editor.toPlainText() == "rank + nullity = n"  # the typing before the save, undone


def test_closing_the_window_saves_the_note_being_written(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    session = Session(desk.runtime)
    home = desk.home("ana")
    until = trio.Event()
    desk.runtime.spawn(
        lambda: session.serve(
            home=home, network=desk.hub, sync_settings=FAST, local_only=True, verify_workers=0, until=until
        )
    )
    qtbot.waitUntil(lambda: session.core is not None, timeout=WAIT_MS)
    window = window_of(qtbot, desk, tmp_path, session)
    window.closed.connect(until.set)  # as the launcher does: closing ends the session
    view = window.notes
    write_note(qtbot, window, "Limits", "lim")
    view.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(view.editor, "its of sequences")

    with qtbot.waitSignal(session.closed, timeout=WAIT_MS):
        window.close()  # Ctrl+Q, before the autosave's second has passed
    reopened = desk.open("ana")
    assert stored_text(desk, reopened, "Limits") == "limits of sequences"
    assert not desk.runtime.failures


def test_a_title_for_a_note_written_without_one() -> None:
    assert untitled("\n## Eigen values \nmore") == "Eigen values"
    assert untitled("   \n") == ""
    assert len(untitled("x" * 500)) == 80
