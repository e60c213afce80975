"""My notes beyond the first release: `[[` completes the titles of my notes as I type,
and a circle's thread or help answer can be saved into my notes, remembering where it
came from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk, notes
from app.services.rows import NoteSource
from tests.ui.circles import arrived, circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_notes_and_demo import write_note
from ui.main_window import MainWindow
from ui.notes_view import QtNotes


def test_typing_double_brackets_completes_note_titles(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    window = MainWindow(desk.open("ana"), QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_page("notes")
    for title in ("Momentum", "Moment of inertia", "Collisions"):
        write_note(qtbot, window, title, f"About {title.lower()}.")
    view = window.notes
    view.new_item()
    editor, popup = view.editor, view.editor.completer.popup()

    qtbot.keyClicks(editor, "Elastic, see [[mom")
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=WAIT_MS)
    offered = view.editor.completer.completionModel()
    assert [offered.index(i, 0).data() for i in range(offered.rowCount())] == [
        "Moment of inertia",
        "Momentum",
    ]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.toPlainText() == "Elastic, see [[Momentum]]"
    assert not popup.isVisible()
    assert "see Momentum" in view.preview.toPlainText()  # a link, rendered

    qtbot.keyClicks(editor, " and [[Col")
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=WAIT_MS)
    qtbot.keyClick(popup, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "Elastic, see [[Momentum]] and [[Collisions]]"
    qtbot.keyClicks(editor, " [[Zebra")  # no such note: nothing to offer
    qtbot.waitUntil(lambda: editor._prefix == "Zebra" and not editor._query.busy, timeout=WAIT_MS)
    assert not popup.isVisible()


def test_saving_a_thread_and_an_answer_into_my_notes(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    desk.call(lambda: discussion.new_thread(ana.commands, space, "Exam on Friday", "Chapters 1-4.", []))
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Why rank-nullity?", "", []))
    arrived(qtbot, desk, ana, asked.hex())
    request = desk.call(lambda: helpdesk.find_request(ana.commands, asked.hex()))
    desk.call(lambda: helpdesk.answer(ana.commands, request, "Count the pivots: rank + nullity = n."))
    circle = page(qtbot, ben, space, members=2)
    my_notes = QtNotes(ben)
    qtbot.addWidget(my_notes)

    threads = circle.discussion.threads
    qtbot.waitUntil(lambda: threads.count() == 1, timeout=WAIT_MS)
    menu = circle.discussion.thread_menu(threads.model().index(0, 0))
    assert [action.objectName() for action in menu.actions()] == ["save"]  # a student: no moderation
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: my_notes.list.texts() == ["Exam on Friday"], timeout=WAIT_MS)

    helpdesk_view = circle.helpdesk
    qtbot.waitUntil(lambda: helpdesk_view.list.count() == 1, timeout=WAIT_MS)
    helpdesk_view.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: helpdesk_view.answers.count() == 1, timeout=WAIT_MS)
    helpdesk_view.answers.setCurrentRow(0)
    helpdesk_view.save_to_notes()  # Ctrl+Shift+S: the selected answer
    qtbot.waitUntil(lambda: my_notes.list.count() == 2, timeout=WAIT_MS)
    saved = next(t for t in my_notes.list.texts() if t.startswith("Answer in Algebra"))
    assert "Count the pivots" in saved

    rows = desk.call(lambda: notes.listing(ben.commands))
    note = desk.call(lambda: notes.find_note(ben.commands, next(r for r in rows if r.title == saved).note_id))
    shown = desk.call(lambda: notes.show(ben.commands, note))
    assert shown.text == "Count the pivots: rank + nullity = n."
    answer_id = helpdesk_view.current.answers[0].id
    assert shown.source == NoteSource(space.hex(), answer_id)  # the link back
