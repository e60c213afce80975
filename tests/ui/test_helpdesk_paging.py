"""The Help desk's requests a page at a time, through the real widgets over real cores on
one in-memory network: a large help desk builds one page of rows and scrolling reveals
more; each filter keeps the right requests ("Claimed by me" by device); a peer's new
request appears on top by itself while the selection and the detail stay on their
request; a request opened from a notification is revealed however far down it is; the
request menu moderates for teachers only and a hidden request is marked for them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.services import helpdesk
from sync.ids import SpaceId
from sync.reducers.helpdesk import HelpStatus
from tests.ui.circles import circle_of, page
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_discussion_paging import scroll_to_the_end, shown, write_titled
from ui.circle_view import QtCircle
from ui.helpdesk_view import QtHelpDesk
from ui.paged_list import PAGE
from ui.session import Session


def ask_many(desk: Desk, session: Session, space: SpaceId, titles: list[str]) -> list[str]:
    return write_titled(desk, session, space, "help.ask", titles)


def on_help_desk(qtbot: QtBot, circle: QtCircle) -> QtCircle:
    """The circle's page on screen (keep it: its tabs go with it), on its Help desk tab."""
    shown(qtbot, circle).tabs.setCurrentWidget(circle.helpdesk)
    return circle


def ids(view: QtHelpDesk) -> list[str]:
    return [row.id for row in view.model.rows]


def filtered(view: QtHelpDesk, key: str) -> list[str]:
    view.filter.setCurrentIndex(view.filter.findData(key))
    view.list.scrollToBottom()  # all of them, should there be more than a page
    return ids(view)


def test_a_large_help_desk_builds_a_page_of_rows_and_scrolling_reveals_more(qtbot: QtBot, desk: Desk) -> None:
    ana = desk.open("ana")
    space = circle_of(desk, ana, [])
    asked = ask_many(desk, ana, space, [f"Request {n}" for n in range(2 * PAGE + 50)])
    circle = on_help_desk(qtbot, page(qtbot, ana, space, members=1))
    view = circle.helpdesk

    qtbot.waitUntil(lambda: len(view.requests) == 2 * PAGE + 50, timeout=WAIT_MS)
    assert view.list.count() == PAGE and view.model.total == 2 * PAGE + 50  # one page built
    assert ids(view) == asked[::-1][:PAGE]  # newest first
    assert view.list.texts()[0].startswith(f"Request {2 * PAGE + 49}  ·  open  ·  0 answers  ·  ana  ·  ")

    scroll_to_the_end(qtbot, view.list, 2 * PAGE + 50)
    assert ids(view) == asked[::-1]
    assert not view.model.canFetchMore(QModelIndex())

    # A refresh keeps the rows revealed, and the selection on its request.
    view.list.setCurrentRow(2 * PAGE + 10)
    chosen = asked[::-1][2 * PAGE + 10]
    qtbot.waitUntil(lambda: getattr(view.current, "id", None) == chosen, timeout=WAIT_MS)
    newest = ask_many(desk, ana, space, ["Late"])[0]
    qtbot.waitUntil(lambda: ids(view)[:1] == [newest], timeout=WAIT_MS)
    assert view.list.count() == 2 * PAGE + 50 and view.model.total == 2 * PAGE + 51
    assert view.list.currentIndex().data(Qt.ItemDataRole.UserRole) == chosen
    assert view.list.currentIndex().row() == 2 * PAGE + 11
    assert not desk.runtime.failures


def test_each_filter_keeps_the_right_requests(qtbot: QtBot, desk: Desk) -> None:
    ana, ben, cleo = desk.open("ana"), desk.open("ben"), desk.open("cleo")
    space = circle_of(desk, ana, [ben, cleo])
    old = ask_many(desk, ben, space, [f"Old {n}" for n in range(PAGE)])  # open, past the first page
    opened, claimed, taken, escalated, resolved = ask_many(
        desk, ben, space, ["Open", "Claimed by Ana", "Claimed by Cleo", "Escalated", "Resolved"]
    )
    mine = ask_many(desk, ana, space, ["Ana's own"])[0]

    def take(session: Session, request: str, step: str) -> None:
        found = desk.call(lambda: helpdesk.find_request(session.commands, request))
        if step == "resolve":
            desk.call(lambda: helpdesk.resolve(session.commands, found, None))
        else:
            desk.call(lambda: helpdesk.step(session.commands, found, step))

    take(ana, claimed, "claim")
    take(cleo, taken, "claim")
    take(ben, escalated, "escalate")
    take(ben, resolved, "resolve")
    circle = on_help_desk(qtbot, page(qtbot, ana, space, members=3))
    view = circle.helpdesk
    qtbot.waitUntil(
        lambda: (
            any(row.id == resolved and row.status is HelpStatus.RESOLVED for row in view.requests)
            and any(row.id == taken and row.status is HelpStatus.CLAIMED for row in view.requests)
        ),
        timeout=WAIT_MS,
    )

    assert filtered(view, "all") == [mine, resolved, escalated, taken, claimed, opened, *old[::-1]]
    assert filtered(view, "open") == [mine, opened, *old[::-1]]
    assert filtered(view, "mine") == [mine]
    assert filtered(view, "claimed") == [claimed]  # by me: not Cleo's claim
    assert filtered(view, "escalated") == [escalated]
    assert filtered(view, "resolved") == [resolved]
    assert [text.rsplit("  ·  ", 1)[0] for text in view.list.texts()] == [
        "Resolved  ·  resolved  ·  0 answers  ·  ben"
    ]
    assert not desk.runtime.failures


def test_a_peers_new_request_appears_on_top_and_the_selection_and_detail_stay(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    asked = ask_many(desk, ana, space, [f"Request {n}" for n in range(PAGE + 20)])
    circle = on_help_desk(qtbot, page(qtbot, ben, space, members=2))
    view = circle.helpdesk
    qtbot.waitUntil(lambda: len(view.requests) == PAGE + 20, timeout=WAIT_MS)
    assert view.list.count() == PAGE

    view.list.setCurrentRow(3)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Down)  # the keyboard moves the selection too
    chosen = asked[::-1][4]
    qtbot.waitUntil(lambda: getattr(view.current, "id", None) == chosen, timeout=WAIT_MS)
    assert view.selected_id == chosen and "About Request" in view.detail.toPlainText()
    assert view.buttons["claim"].isVisibleTo(view)

    fresh = desk.call(lambda: helpdesk.ask(ana.commands, space, "Fresh", "Just now.", []))
    qtbot.waitUntil(lambda: ids(view)[:1] == [fresh.hex()], timeout=WAIT_MS)  # no refresh asked for
    assert view.list.texts()[0] == "Fresh  ·  open  ·  0 answers  ·  ana  ·  just now"
    assert view.list.currentIndex().row() == 5
    assert view.list.currentIndex().data(Qt.ItemDataRole.UserRole) == chosen
    assert view.selected_id == chosen and view.current.id == chosen
    assert f"About Request {PAGE + 15}." in view.detail.toPlainText()

    # A notification opens a request however far down the list it is.
    view.filter.setCurrentIndex(view.filter.findData("resolved"))
    assert view.list.count() == 0
    oldest = asked[0]
    view.show_request(oldest)
    qtbot.waitUntil(lambda: getattr(view.current, "id", None) == oldest, timeout=WAIT_MS)
    assert view.filter.currentData() == "all" and view.list.count() == PAGE + 21
    assert view.list.currentIndex().data(Qt.ItemDataRole.UserRole) == oldest
    assert not desk.runtime.failures


def test_the_request_menu_moderates_for_teachers_and_a_hidden_request_is_marked_for_them(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    first, middle, last = ask_many(desk, ben, space, ["Exam", "Off topic", "Homework"])
    anas = on_help_desk(qtbot, page(qtbot, ana, space, members=2))
    bens = on_help_desk(qtbot, page(qtbot, ben, space, members=2))
    teacher, student = anas.helpdesk, bens.helpdesk
    qtbot.waitUntil(lambda: ids(teacher) == ids(student) == [last, middle, first], timeout=WAIT_MS)
    names = lambda menu: [action.objectName() for action in menu.actions() if action.objectName()]  # noqa: E731
    index = lambda view, request: view.model.index(view.model.row_of(request))  # noqa: E731
    # His own request: he may edit or delete it, but not moderate it.
    assert names(student.item_menu(index(student, middle))) == ["save", "edit", "delete"]

    menu = teacher.item_menu(index(teacher, middle))
    assert names(menu) == ["save", "hide", "redact"]
    next(action for action in menu.actions() if action.objectName() == "hide").trigger()
    qtbot.waitUntil(lambda: ids(student) == [last, first], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "[hidden]" in teacher.list.texts()[1], timeout=WAIT_MS)
    assert ids(teacher) == [last, middle, first] and "[hidden]" not in teacher.list.texts()[0]
    assert names(teacher.item_menu(index(teacher, middle))) == ["save", "unhide", "redact"]
    assert not desk.runtime.failures
