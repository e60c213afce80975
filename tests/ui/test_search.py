"""Search in the client (issue 17, item 7): Ctrl+F searches the circle shown and opens a
hit where it lives; Ctrl+Shift+F searches every circle and My notes, grouped by circle.
Over real cores, in the real main window; keys pressed as a person would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk, notes
from sync.ids import SpaceId
from tests.ui.circles import circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow
from ui.search_view import SearchEverywhereDialog
from ui.sidebar import SPACE


def test_ctrl_f_searches_the_circle_and_enter_opens_the_hit_where_it_lives(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    thread = desk.call(lambda: discussion.new_thread(ana.commands, space, "Friday", "exam room 4", []))
    found = desk.call(lambda: discussion.find(ana.commands, thread.hex()))
    desk.call(lambda: discussion.reply(ana.commands, found, "Bring eigenvalue tables"))
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Eigenvalues of a rotation?", "", []))
    window = MainWindow(ben, QSettings(str(tmp_path / "ben.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sidebar.count() == 2, timeout=WAIT_MS)
    page = window.circle(space)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.isVisible() and page.search.line.hasFocus()
    qtbot.keyClicks(page.search.line, "eigenval")
    qtbot.waitUntil(lambda: page.search.hits.count() == 2, timeout=WAIT_MS)
    assert page.search.hits.item(0).text().startswith("Help request · Eigenvalues of a rotation?")
    assert page.search.hits.item(1).text() == "Reply · Friday\nAna: Bring eigenvalue tables"

    qtbot.keyClick(page.search.line, Qt.Key.Key_Return)  # the first: the help request
    assert page.tabs.currentWidget() is page.helpdesk
    qtbot.waitUntil(lambda: page.helpdesk.current is not None, timeout=WAIT_MS)
    assert page.helpdesk.current.id == asked.hex()

    qtbot.keyClick(page.search.line, Qt.Key.Key_Down)
    qtbot.keyClick(page.search.line, Qt.Key.Key_Return)  # the reply: its thread opens
    assert page.tabs.currentWidget() is page.discussion
    qtbot.waitUntil(lambda: page.discussion.shown_thread is not None, timeout=WAIT_MS)
    assert page.discussion.shown_thread.id == thread.hex()

    qtbot.keyClicks(page.search.line, "zzz")
    qtbot.waitUntil(lambda: "Nothing found" in page.search.status.text(), timeout=WAIT_MS)
    qtbot.keyClick(page.search.line, Qt.Key.Key_Escape)
    assert not page.search.isVisible()
    assert not desk.runtime.failures


def test_search_everywhere_groups_hits_by_circle_and_opens_notes_and_circles(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana = named(desk, "ana", "Ana")
    algebra = circle_of(desk, ana, [], name="Algebra")
    physics = circle_of(desk, ana, [], name="Physics")
    desk.call(lambda: discussion.chat(ana.commands, algebra, "matrix rank"))
    desk.call(lambda: discussion.chat(ana.commands, physics, "rank of a tensor"))
    desk.call(lambda: notes.add(ana.commands, title="Rank", text="dimension of the image", tags=[]))
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.sidebar.count() == 3, timeout=WAIT_MS)

    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_F, ctrl_shift)
    dialog = window.search_dialog
    assert isinstance(dialog, SearchEverywhereDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.line, "rank")
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 3, timeout=WAIT_MS)
    groups = [dialog.tree.topLevelItem(i).text(0) for i in range(3)]
    assert groups == ["Algebra", "Physics", "My notes"]
    assert dialog.tree.topLevelItem(1).child(0).text(0) == "Chat\nAna: rank of a tensor"

    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(1).child(0))
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    page = window.circles[physics]
    assert window.pages.currentWidget() is page and page.tabs.currentWidget() is page.chat
    assert window.sidebar.currentItem().data(SPACE) == SpaceId(physics)

    window.search_everywhere()
    dialog = window.search_dialog
    qtbot.keyClicks(dialog.line, "rank")
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 3, timeout=WAIT_MS)
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(2).child(0))
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.notes
    qtbot.waitUntil(lambda: window.notes.editor.toPlainText() == "dimension of the image", timeout=WAIT_MS)
    assert not desk.runtime.failures
