"""My notes through the widgets (create, link, backlink, search, share to a circle),
the demo circle from the first-run dialog, and closing the window ends the run cleanly.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.ui.conftest import FAST, WAIT_MS, Desk
from tests.ui.test_first_release import only_circle, start, texts
from ui.first_run import FirstRunDialog
from ui.launcher import Launch, run_desktop
from ui.main_window import MainWindow


def write_note(qtbot: QtBot, window: MainWindow, title: str, text: str) -> None:
    view = window.notes
    view.new_item()
    view.title.setText(title)
    view.editor.setPlainText(text)
    view.save()
    qtbot.waitUntil(lambda: view.note is not None and view.note.title == title, timeout=WAIT_MS)


def test_notes_link_backlink_search_and_share(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    def create(dialog: FirstRunDialog) -> None:
        dialog.circle_name.setText("Physics")

    window = start(desk, tmp_path, "ana", create)
    page = only_circle(qtbot, window)
    window.open_page("notes")
    write_note(qtbot, window, "Momentum", "p = m·v, conserved in collisions.")
    write_note(qtbot, window, "Collisions", "Elastic or not, see [[Momentum]].")
    assert "see Momentum" in window.notes.preview.toPlainText()  # the link, rendered

    notes = window.notes
    qtbot.waitUntil(lambda: notes.list.count() == 2, timeout=WAIT_MS)
    notes.list.setCurrentRow(next(i for i, t in enumerate(notes.list.texts()) if t.startswith("Momentum")))
    qtbot.waitUntil(lambda: texts(notes.backlinks) == ["Collisions"], timeout=WAIT_MS)

    window.start_search()  # Ctrl+F
    assert notes.search.hasFocus() or notes.search.isVisible()
    notes.search.setText("elast")
    qtbot.waitUntil(lambda: notes.list.texts() == ["Collisions"], timeout=WAIT_MS)
    notes.search.clear()
    qtbot.waitUntil(lambda: notes.list.count() == 2, timeout=WAIT_MS)

    notes.share(page.context.space)
    qtbot.waitUntil(lambda: page.resources.list.count() == 1, timeout=WAIT_MS)
    assert page.resources.list.texts()[0].startswith("Momentum")
    assert not desk.runtime.failures


def test_the_demo_circle_is_alive_at_once_and_closing_ends_the_run(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    def demo(dialog: FirstRunDialog) -> None:
        dialog.demo_choice.setChecked(True)

    window = start(desk, tmp_path, "ana", demo)
    page = only_circle(qtbot, window)
    qtbot.waitUntil(lambda: page.helpdesk.list.count() == 2, timeout=WAIT_MS)
    statuses = " ".join(page.helpdesk.list.texts())
    assert "open" in statuses and "resolved" in statuses
    qtbot.waitUntil(lambda: page.discussion.threads.count() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.resources.list.count() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(page.context.members) == 3, timeout=WAIT_MS)
    # Tests run without discovery: Ana reaches both demo peers through the invite's addresses
    # (the demo teacher's own, and the one it noted for the other member by mDNS).
    qtbot.waitUntil(lambda: window.sync_status.text().startswith("2 peers connected"), timeout=WAIT_MS)
    assert "demo" in window.sync_status.text()

    session = window.session
    with qtbot.waitSignal(session.closed, timeout=WAIT_MS):
        window.close()  # the launcher lets the core (and the demo peers) close
    assert session.core is None
    assert not desk.runtime.failures

    # Started again on the real network, the demo circle (its classmates are gone for good)
    # is left, not listed for ever; it stays on the device (circle list --all).
    home = desk.home("ana", create=False)
    assert (home / "demo-circles.json").exists()
    again = restart(desk, tmp_path, "ana")
    qtbot.waitUntil(lambda: not (home / "demo-circles.json").exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: again.sidebar.count() == 1, timeout=WAIT_MS)  # My notes only
    assert "demo circle" in again.statusBar().currentMessage()
    assert not desk.runtime.failures


def restart(desk: Desk, tmp_path: Path, name: str) -> MainWindow:
    """Run the launcher again for a person already set up, on the real (test) network."""
    windows: list[MainWindow] = []
    launch = Launch(
        home=desk.home(name, create=False),
        network_for=lambda demo: desk.hub,
        settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat),
        sync_settings=FAST,
        local_only=True,
        verify_workers=0,
        on_window=windows.append,
    )
    assert desk.runtime.spawn(lambda: run_desktop(desk.runtime, launch))
    desk.qtbot.waitUntil(lambda: bool(windows) or bool(desk.runtime.failures), timeout=WAIT_MS)
    assert not desk.runtime.failures
    desk.qtbot.addWidget(windows[0])
    return windows[0]
