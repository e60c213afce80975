"""The Resources tab's library a page at a time, through the real widgets over real cores
on one in-memory network: the first page only for a large library, more on scrolling; a
peer's new resource on top with the selection and its preview kept; a resource hidden by
a teacher leaves a student's list, selection and preview.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services import resources
from sync import writer
from tests.ui.circles import circle_of, page
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_discussion_paging import shown
from ui.item_menu import moderation_menu
from ui.paged_list import PAGE
from ui.resources_view import QtResources


def ids(view: QtResources) -> list[str]:
    return [row.id for row in view.model.rows]


def test_a_large_library_pages_keeps_the_selection_and_loses_a_hidden_resource(
    qtbot: QtBot, desk: Desk
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    commands = ana.commands
    batch = [
        ("resource.add", {"title": f"Sheet {n}", "text": f"Exercise {n}.", "tags": []})
        for n in range(PAGE + 30)
    ]
    desk.call(
        lambda: commands.write(
            writer.write_many, commands.replica, space, batch, now_ms=commands.clock.now_ms()
        )
    )
    bens = shown(qtbot, page(qtbot, ben, space, members=2))
    view = bens.resources
    bens.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.total == PAGE + 30, timeout=WAIT_MS)
    assert view.list.count() == PAGE and view.list.texts()[0].startswith(f"Sheet {PAGE + 29}  ·  ana")
    view.list.scrollToBottom()
    qtbot.waitUntil(lambda: view.list.count() == PAGE + 30, timeout=WAIT_MS)

    view.list.setCurrentRow(2)
    chosen = ids(view)[2]
    assert f"Exercise {PAGE + 27}." in view.preview.toPlainText() and view.save_button.isEnabled()
    desk.call(lambda: resources.add(ana.commands, space, title="Formulas", text="E = mc²"))
    qtbot.waitUntil(lambda: view.list.texts()[0].startswith("Formulas"), timeout=WAIT_MS)
    assert view.list.currentIndex().row() == 3 and ids(view)[3] == chosen
    assert f"Exercise {PAGE + 27}." in view.preview.toPlainText()

    anas = page(qtbot, ana, space, members=2)
    qtbot.waitUntil(lambda: chosen in ids(anas.resources), timeout=WAIT_MS)
    row = anas.resources.model.rows[anas.resources.model.row_of(chosen)]
    menu = moderation_menu(anas.resources, anas.context, row)
    assert menu is not None
    next(action for action in menu.actions() if action.objectName() == "hide").trigger()
    qtbot.waitUntil(lambda: chosen not in ids(view), timeout=WAIT_MS)
    assert view.selected_id is None and not view.save_button.isEnabled()
    assert "Exercise" not in view.preview.toPlainText() and view.model.total == PAGE + 30
    assert not desk.runtime.failures
