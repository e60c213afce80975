"""The window opens no larger than its screen (issue 17, item 6: a projector at 800×600):
before, it opened at 1100×720 whatever the screen, its right side and status bar off a
800×600 screen, as seen under Xvfb. Its content can shrink that far too."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.circles import circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow


def test_the_window_fits_the_screen_it_opens_on_with_a_circle_open(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana = named(desk, "ana", "Ana")
    space = circle_of(desk, ana, [], name="Linear algebra — a circle with quite a long name indeed")
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    room = window.screen().availableGeometry()
    assert room.width() < 1100  # the test's screen is smaller than the old default size
    qtbot.waitUntil(lambda: window.sidebar.count() == 2, timeout=WAIT_MS)
    window.circle(space)
    QApplication.processEvents()  # the layouts settle
    assert room.contains(window.frameGeometry()), (room, window.frameGeometry())
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 600, hint
