"""Done-when 2 of issue 16: the teacher's desk shows requests and review progress from
three circles, updates live as peers write, and opens a row's item in its circle.
Real cores on one in-memory network; the main window as a teacher sees it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from app.services import assignments, helpdesk
from tests.ui.circles import Seen, circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.assessment_words import age_text
from ui.main_window import MainWindow


def test_the_desk_across_three_circles_live_and_opening_rows(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    tess, omar = named(desk, "tess", "Tess"), named(desk, "omar", "Omar")
    sam, kim = named(desk, "sam", "Sam"), named(desk, "kim", "Kim")
    seen = {name: Seen(s) for name, s in (("sam", sam), ("kim", kim), ("tess", tess))}
    algebra = circle_of(desk, tess, [sam, kim], name="Algebra")
    biology = circle_of(desk, tess, [kim], name="Biology")
    chemistry = circle_of(desk, omar, [sam], name="Chemistry")
    code = desk.call(lambda: omar.core.invite(chemistry, role="mentor"))  # type: ignore[union-attr]
    desk.call(lambda: tess.core.join(code))  # type: ignore[union-attr]

    essay = desk.call(
        lambda: assignments.create(
            tess.commands,
            algebra,
            title="Essay",
            brief="Argue.",
            criteria=["clarity:4"],
            reviewers=1,
            rounds=1,
        )
    )
    found = assignments.FoundAssignment(algebra, essay)
    for name, student in (("sam", sam), ("kim", kim)):
        qtbot.waitUntil(lambda name=name: seen[name].count("assign.create") > 0, timeout=WAIT_MS)
        desk.call(lambda student=student: assignments.submit(student.commands, found, "My case.", ""))
    qtbot.waitUntil(lambda: seen["tess"].count("assign.submit") == 2, timeout=WAIT_MS)
    desk.call(lambda: assignments.open_phase(tess.commands, found, "review"))
    desk.call(lambda: helpdesk.ask(sam.commands, algebra, "Essay: how long?", "", [], link=essay))
    desk.call(lambda: helpdesk.ask(kim.commands, biology, "Cells", "", []))
    moles = desk.call(lambda: helpdesk.ask(sam.commands, chemistry, "Moles", "", []))

    window = MainWindow(tess, QSettings(str(tmp_path / "tess.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    # Tess mentors in a circle someone else owns: the desk is her first page.
    qtbot.waitUntil(
        lambda: window._desk is not None and window.pages.currentWidget() is window.desk, timeout=WAIT_MS
    )
    board = window.desk
    qtbot.waitUntil(lambda: len(board.rows(board.requests)) == 3, timeout=WAIT_MS)
    requests = board.rows(board.requests)
    assert [row[1] for row in requests] == ["Algebra", "Biology", "Chemistry"]  # oldest first
    assert requests[0][2:6] == ["Essay: how long?", "Sam", "open", "Essay"]
    qtbot.waitUntil(lambda: board.rows(board.progress) != [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: board.rows(board.progress)[0][3] == "2 of 2", timeout=WAIT_MS)
    assert board.rows(board.progress)[0][:5] == ["Algebra", "Essay", "review round 1", "2 of 2", "0 of 2"]
    assert "3 circles" in board.heading.text()

    # Live: a review written and a new request, by peers, reach the desk.
    qtbot.waitUntil(lambda: seen["kim"].count("assign.phase") > 0, timeout=WAIT_MS)
    (task,) = desk.call(lambda: assignments.review_tasks(kim.commands, found))
    desk.call(lambda: assignments.write_review(kim.commands, task.submission_id, ["clarity=3"], "Clear."))
    qtbot.waitUntil(lambda: board.rows(board.progress)[0][4] == "1 of 2", timeout=WAIT_MS)
    desk.call(lambda: helpdesk.ask(kim.commands, biology, "Mitosis", "", []))
    qtbot.waitUntil(lambda: len(board.rows(board.requests)) == 4, timeout=WAIT_MS)
    assert board.rows(board.requests)[-1][2] == "Mitosis"  # the newest last
    assert board.rows(board.progress)[0][6] == "1"  # one request about the essay
    assert {row[0] for row in board.rows(board.stuck)} == {"Sam", "Kim"}

    # A row opens its request on its circle's Help desk.
    row = next(i for i, r in enumerate(board.rows(board.requests)) if r[2] == "Moles")
    item = board.requests.topLevelItem(row)
    board.requests.setCurrentItem(item)
    board.requests.itemActivated.emit(item, 0)
    page = window.circles[chemistry]
    assert window.pages.currentWidget() is page and page.tabs.currentWidget() is page.helpdesk
    assert page.helpdesk.selected_id == moles.hex()
    qtbot.waitUntil(lambda: page.helpdesk.current is not None, timeout=WAIT_MS)
    assert page.helpdesk.current.title == "Moles"

    # Ctrl+Shift+D (Circle → Teacher's desk) brings the desk back.
    action = next(a for a in window.findChildren(QAction) if a.objectName() == "desk")
    assert action.shortcut().toString() == "Ctrl+Shift+D"
    action.trigger()
    assert window.pages.currentWidget() is board and window.sidebar.currentItem() is None

    # A progress row opens its assignment on its circle's Assignments tab.
    item = board.progress.topLevelItem(0)
    board.progress.itemActivated.emit(item, 0)
    algebra_page = window.circles[algebra]
    assert window.pages.currentWidget() is algebra_page
    assert algebra_page.tabs.currentWidget() is algebra_page.assignments
    qtbot.waitUntil(lambda: algebra_page.assignments.shown is not None, timeout=WAIT_MS)
    assert algebra_page.assignments.shown.detail.title == "Essay"  # type: ignore[union-attr]


def test_a_circle_owner_starts_on_their_notes_and_ages_read_plainly(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana = desk.open("ana")
    circle_of(desk, ana, [])
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window._circles_query.runs > 0, timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.notes and window._desk is None
    assert [age_text(ms) for ms in (5_000, 300_000, 3 * 3_600_000, 3 * 86_400_000)] == [
        "just now",
        "5 min",
        "3 h",
        "3 days",
    ]


def test_help_lists_every_menu_shortcut(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = MainWindow(desk.open("ana"), QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    action = next(a for a in window.findChildren(QAction) if a.objectName() == "shortcuts")
    action.trigger()
    box = next(b for b in window.findChildren(QMessageBox) if b.objectName() == "shortcuts")
    text = box.text()
    for line in (
        "Ctrl+Shift+D — Teacher's desk",
        "Ctrl+Shift+P — Peers",
        "Ctrl+J — Join with an invite code…",
    ):
        assert line in text
    assert "Ctrl+Enter — Send" in text


def test_my_contributions_from_the_menu(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben])
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Stuck", "", []))
    request = desk.call(lambda: helpdesk.find_request(ana.commands, asked.hex()))
    desk.call(lambda: helpdesk.answer(ana.commands, request, "Try this."))
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    action = next(a for a in window.findChildren(QAction) if a.objectName() == "contributions")
    assert action.shortcut().toString() == "Ctrl+Shift+R"
    action.trigger()
    shown = window.recognition
    assert shown is not None
    qtbot.waitUntil(lambda: shown.page is not None, timeout=WAIT_MS)
    assert "Algebra: answered 1 question." in shown.text.toPlainText()
    ben_id = ben.commands.identity.key.device_id.hex()
    window.show_recognition(ben_id)  # a teacher (the owner) sees a student's page
    theirs = window.recognition
    qtbot.waitUntil(lambda: theirs.page is not None, timeout=WAIT_MS)
    assert "Ben" in theirs.windowTitle() and "Algebra: nothing yet" in theirs.text.toPlainText()


def test_the_desk_from_the_keyboard_hides_my_notes_and_stays_through_a_circle_list_refresh(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    """Ctrl+Shift+D with the keyboard in My notes (its editor, or the sidebar): the desk is
    the one page shown, no sidebar row current, the keyboard on its requests; a refresh of
    the circle list does not send the window back to My notes."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    ana = desk.open("ana")
    circle_of(desk, ana, [], name="Algebra")
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(900, 640)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: len(window.sidebar.circles()) == 1, timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for start in (window.notes.editor, window.sidebar):
        window.open_page("notes")
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.notes, timeout=WAIT_MS)
        start.setFocus()
        qtbot.waitUntil(lambda start=start: start.hasFocus(), timeout=WAIT_MS)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, keys)
        board = window.desk
        assert window.pages.currentWidget() is board, start
        assert not window.notes.isVisible() and window.sidebar.currentItem() is None, start
        assert QApplication.focusWidget() is board.requests
        qtbot.wait(0)  # let any queued focus change run
        assert window.pages.currentWidget() is board and window.sidebar.currentItem() is None

    runs = window._circles_query.runs
    window._circles_query.refresh()  # what a circle created, joined or left does
    qtbot.waitUntil(lambda: window._circles_query.runs > runs, timeout=WAIT_MS)
    assert window.pages.currentWidget() is window.desk and not window.notes.isVisible()
    assert window.sidebar.currentItem() is None
