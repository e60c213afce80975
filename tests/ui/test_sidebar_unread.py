"""Unread counts in the sidebar: what others add to a circle while I look elsewhere
shows as "Algebra (n)" at once; my own writes don't count; opening the circle clears
it, and the mark of what I saw survives a restart (it is kept in the settings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.services import discussion
from sync.ids import SpaceId
from tests.ui.circles import circle_of
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow
from ui.sidebar import SPACE


def label(window: MainWindow, space: SpaceId) -> str:
    for i in range(window.sidebar.count()):
        if window.sidebar.item(i).data(SPACE) == space:
            return window.sidebar.item(i).text()
    return ""


def counted_after(qtbot: QtBot, window: MainWindow, write) -> None:
    """Do `write` and wait until the window has counted again after it."""
    runs = window._unread_query.runs
    write()
    qtbot.waitUntil(
        lambda: window._unread_query.runs > runs and not window._unread_query.busy, timeout=WAIT_MS
    )


def test_unread_counts_appear_live_and_opening_the_circle_clears_them(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    settings = QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ana, settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: label(window, space) == "Algebra", timeout=WAIT_MS)  # joined history is not "new"
    assert window.pages.currentWidget() is window.notes

    desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "", []))
    qtbot.waitUntil(lambda: label(window, space) == "Algebra (1)", timeout=WAIT_MS)
    counted_after(
        qtbot, window, lambda: desk.call(lambda: discussion.new_thread(ana.commands, space, "Mine", "", []))
    )
    assert label(window, space) == "Algebra (1)"  # my own thread is not news to me

    window.open_page(space)
    assert label(window, space) == "Algebra"
    page = window.circles[space]
    qtbot.waitUntil(lambda: page.discussion.threads.count() == 2, timeout=WAIT_MS)
    # While I look at the circle, what arrives is seen.
    desk.call(lambda: discussion.new_thread(ben.commands, space, "Bring a calculator", "", []))
    qtbot.waitUntil(lambda: page.discussion.threads.count() == 3, timeout=WAIT_MS)
    counted_after(qtbot, window, window._unread_query.refresh)
    assert label(window, space) == "Algebra"

    window.open_page("notes")
    desk.call(lambda: discussion.new_thread(ben.commands, space, "Room changed", "", []))
    qtbot.waitUntil(lambda: label(window, space) == "Algebra (1)", timeout=WAIT_MS)
    window.close()

    again = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: label(again, space) == "Algebra (1)", timeout=WAIT_MS)
    assert again.pages.currentWidget() is again.notes  # the last page was My notes


def test_the_window_reopens_on_the_circle_it_was_closed_on(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: label(window, space) == "Algebra", timeout=WAIT_MS)
    window.open_page(space)
    window.close()

    again = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.pages.currentWidget() is again.circles.get(space), timeout=WAIT_MS)
    assert again.sidebar.currentItem().data(SPACE) == space
