"""Smaller things from issue 17, item 10, in the dialogs: a code that does not work keeps the
Join dialog open with the pasted code and one line saying why (a good one then joins and
closes it), and Tab moves on from a dialog's text box instead of typing a tab."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from tests.ui.circles import named
from tests.ui.conftest import WAIT_MS, Desk
from ui.dialogs import ComposeDialog
from ui.main_window import MainWindow


def test_a_bad_code_keeps_the_join_dialog_open_with_the_code_and_says_why(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    window = MainWindow(ben, QSettings(str(tmp_path / "ben.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.join_circle()  # Ctrl+J
    dialog = window.join_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    pasted = "sc2.this-is-not-an-invite"
    dialog.line.setText(pasted)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.note.text().startswith("⚠"), timeout=WAIT_MS)
    assert dialog.isVisible()
    assert dialog.line.text() == pasted
    assert "\n" not in dialog.note.text() and len(dialog.note.text()) > 10
    assert dialog.ok.isEnabled()
    assert window.sidebar.circles() == []

    space = desk.call(lambda: ana.core.create_circle("Algebra"))
    code = desk.call(lambda: ana.core.invite(space, role="member"))
    dialog.line.setText(code)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.sidebar.circles() == [space], timeout=WAIT_MS)
    assert not desk.runtime.failures


def test_tab_in_a_dialogs_text_box_moves_to_the_next_box(qtbot: QtBot) -> None:
    dialog = ComposeDialog("Ask for help", "Title", "What have you tried?")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.text.setFocus()
    qtbot.waitUntil(dialog.text.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.text, "tried row reduction")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Tab)
    assert dialog.text.toPlainText() == "tried row reduction"
    qtbot.waitUntil(dialog.tags.hasFocus, timeout=WAIT_MS)
