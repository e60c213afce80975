"""The Discussion tab's thread list a page at a time, through the real widgets over real
cores on one in-memory network: a large circle builds its first page only and scrolling
loads the next; a peer's new thread appears on top by itself while the selection stays on
its thread; a hidden thread leaves a student's list (and their selection) and is marked
in the teacher's, with the moderation menu for teachers only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.services import discussion
from sync import writer
from sync.ids import SpaceId
from tests.ui.circles import circle_of, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.circle_view import QtCircle
from ui.discussion_view import QtDiscussion
from ui.paged_list import PAGE, QtPagedList
from ui.session import Session


def write_titled(desk: Desk, session: Session, space: SpaceId, kind: str, titles: list[str]) -> list[str]:
    """Items of `kind` (threads: "item.put", requests: "help.ask") written in this order in
    one transaction (each newer than the last)."""
    commands = session.commands
    batch = [(kind, {"title": title, "text": f"About {title}.", "tags": []}) for title in titles]
    ops, _ = desk.call(
        lambda: commands.write(
            writer.write_many, commands.replica, space, batch, now_ms=commands.clock.now_ms()
        )
    )
    return [op.op_id.hex() for op in ops]


def write_threads(desk: Desk, session: Session, space: SpaceId, titles: list[str]) -> list[str]:
    return write_titled(desk, session, space, "item.put", titles)


def shown(qtbot: QtBot, circle: QtCircle) -> QtCircle:
    """The circle's page on screen (scrolling needs a laid-out list), on its Discussion tab."""
    circle.resize(900, 600)
    circle.show()
    qtbot.waitExposed(circle)
    return circle


def scroll_to_the_end(qtbot: QtBot, rows: QtPagedList, total: int) -> None:
    """Scroll to the bottom as a person would: each time, exactly one more page is built."""
    while rows.count() < total:
        expected = min(rows.count() + PAGE, total)
        rows.scrollToBottom()
        qtbot.waitUntil(lambda: rows.count() == expected, timeout=WAIT_MS)  # noqa: B023


def ids(view: QtDiscussion) -> list[str]:
    return [row.id for row in view.model.rows]


def row_of(view: QtDiscussion, thread_id: str) -> QModelIndex:
    return view.model.index(view.model.row_of(thread_id))


def test_a_large_circle_builds_its_first_page_and_scrolling_loads_more(qtbot: QtBot, desk: Desk) -> None:
    ana = desk.open("ana")
    space = circle_of(desk, ana, [])
    written = write_threads(desk, ana, space, [f"Thread {n}" for n in range(2 * PAGE + 50)])
    circle = shown(qtbot, page(qtbot, ana, space, members=1))
    view = circle.discussion

    qtbot.waitUntil(lambda: view.model.total == 2 * PAGE + 50, timeout=WAIT_MS)
    assert view.threads.count() == PAGE  # only the first page is read and built
    assert ids(view) == written[::-1][:PAGE]  # newest first
    assert view.total_label.text() == f"{2 * PAGE + 50} threads"
    assert view.threads.texts()[0].startswith(f"Thread {2 * PAGE + 49}  ·  ana  ·  0 replies")

    scroll_to_the_end(qtbot, view.threads, 2 * PAGE + 50)
    assert ids(view) == written[::-1]
    assert not view.model.canFetchMore(QModelIndex())

    # A refresh re-reads as many rows as were loaded: the place scrolled to stays.
    view.threads.setCurrentRow(2 * PAGE + 10)
    chosen = ids(view)[2 * PAGE + 10]
    qtbot.waitUntil(lambda: getattr(view.shown_thread, "id", None) == chosen, timeout=WAIT_MS)
    newest = write_threads(desk, ana, space, ["Late news"])[0]
    qtbot.waitUntil(lambda: ids(view)[:1] == [newest], timeout=WAIT_MS)
    assert view.threads.count() == 2 * PAGE + 50 and view.model.total == 2 * PAGE + 51
    assert view.threads.currentIndex().data(Qt.ItemDataRole.UserRole) == chosen
    assert not desk.runtime.failures


def test_a_peers_new_thread_appears_on_top_and_the_selection_stays_on_its_thread(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    write_threads(desk, ana, space, [f"Thread {n}" for n in range(PAGE + 20)])
    circle = shown(qtbot, page(qtbot, ben, space, members=2))
    view = circle.discussion
    qtbot.waitUntil(lambda: view.model.total == PAGE + 20, timeout=WAIT_MS)
    assert view.threads.count() == PAGE

    view.threads.setCurrentRow(3)
    view.threads.setFocus()
    qtbot.keyClick(view.threads, Qt.Key.Key_Down)  # the keyboard moves the selection too
    chosen = ids(view)[4]
    qtbot.waitUntil(lambda: getattr(view.shown_thread, "id", None) == chosen, timeout=WAIT_MS)
    assert view.selected_id == chosen

    fresh = desk.call(lambda: discussion.new_thread(ana.commands, space, "Fresh", "Just now.", []))
    qtbot.waitUntil(lambda: ids(view)[:1] == [fresh.hex()], timeout=WAIT_MS)  # no refresh asked for
    assert view.threads.texts()[0].startswith("Fresh  ·  ana")
    assert view.threads.currentIndex().row() == 5
    assert view.threads.currentIndex().data(Qt.ItemDataRole.UserRole) == chosen
    assert view.selected_id == chosen and view.shown_thread.id == chosen
    assert not desk.runtime.failures


def test_a_hidden_thread_leaves_the_students_list_and_selection_and_is_marked_for_the_teacher(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    first, middle, last = write_threads(desk, ana, space, ["Exam", "Off topic", "Homework"])
    anas, bens = (
        shown(qtbot, page(qtbot, ana, space, members=2)),
        shown(qtbot, page(qtbot, ben, space, members=2)),
    )
    teacher, student = anas.discussion, bens.discussion
    qtbot.waitUntil(lambda: len(ids(student)) == 3 and len(ids(teacher)) == 3, timeout=WAIT_MS)
    student.threads.setCurrentIndex(row_of(student, middle))
    qtbot.waitUntil(lambda: getattr(student.shown_thread, "id", None) == middle, timeout=WAIT_MS)
    student_menu = student.thread_menu(row_of(student, middle))
    assert [action.objectName() for action in student_menu.actions()] == ["save"]  # no moderation

    menu = teacher.thread_menu(row_of(teacher, middle))
    next(action for action in menu.actions() if action.objectName() == "hide").trigger()

    qtbot.waitUntil(lambda: ids(student) == [last, first], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: student.shown_thread is None, timeout=WAIT_MS)
    assert student.selected_id is None and not student.threads.currentIndex().isValid()
    assert student.model.total == 2 and student.total_label.text() == "2 threads"
    qtbot.waitUntil(lambda: "[hidden]" in teacher.threads.texts()[1], timeout=WAIT_MS)
    assert ids(teacher) == [last, middle, first] and teacher.model.total == 3
    assert "[hidden]" not in teacher.threads.texts()[0]

    again = teacher.thread_menu(row_of(teacher, middle))
    next(action for action in again.actions() if action.objectName() == "unhide").trigger()
    qtbot.waitUntil(lambda: ids(student) == [last, middle, first], timeout=WAIT_MS)
    assert not desk.runtime.failures  # losing the shown thread is not an error to report
