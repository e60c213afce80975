"""Views re-read only what a change touches (`Changes.kinds`, `Changes.touches`), and a
write made from a view refreshes that view's list once, not twice.

Counts are the views' own query runs (`LiveQuery.runs`), over real sessions, SQLite
files and widgets; each count is checked after a later change the view does show has
arrived, so a refresh the first change caused would have been counted by then.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk
from sync.changes import CHAT_KINDS, DISCUSSION_KINDS, HELP_KINDS, Changes
from sync.ids import OpId, SpaceId
from tests.ui.circles import circle_of, page, rows
from tests.ui.conftest import WAIT_MS, Desk
from ui.dialogs import ComposeDialog


def test_a_chat_line_does_not_re_read_the_help_desk_or_the_discussion(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    circle = page(qtbot, ana, space, members=2)
    help_runs, thread_runs = circle.helpdesk._list_query, circle.discussion.model._query
    qtbot.waitUntil(lambda: help_runs.runs > 0 and thread_runs.runs > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not help_runs.busy and not thread_runs.busy, timeout=WAIT_MS)
    help_before, threads_before = help_runs.runs, thread_runs.runs
    said = "anyone at the library?"

    desk.call(lambda: discussion.chat(ben.commands, space, said))
    qtbot.waitUntil(lambda: any(said in line for line in rows(circle.chat.log)), timeout=WAIT_MS)
    desk.call(lambda: helpdesk.ask(ben.commands, space, "Stuck on rank", "", []))
    desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam dates", "", []))
    qtbot.waitUntil(lambda: circle.helpdesk.list.count() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: circle.discussion.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not help_runs.busy and not thread_runs.busy, timeout=WAIT_MS)

    assert help_runs.runs == help_before + 1  # the request, not the chat line
    assert thread_runs.runs == threads_before + 1  # the thread, not the chat line


def test_asking_from_the_help_desk_re_reads_its_list_once(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    circle = page(qtbot, ana, space, members=2)
    runs = circle.helpdesk._list_query
    qtbot.waitUntil(lambda: runs.runs > 0 and not runs.busy, timeout=WAIT_MS)
    before = runs.runs

    dialog = ComposeDialog("Ask for help", "", "", circle)
    dialog.title.setText("Stuck on rank")
    circle.helpdesk._ask(dialog)
    qtbot.waitUntil(lambda: circle.helpdesk.list.count() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: circle.helpdesk.current is not None, timeout=WAIT_MS)
    assert circle.helpdesk.current.title == "Stuck on rank"  # the new request is shown
    # A later change the help desk shows: by the time it is listed, a second re-read of
    # the ask would have run.
    desk.call(lambda: helpdesk.ask(ben.commands, space, "Eigenvalues?", "", []))
    qtbot.waitUntil(lambda: circle.helpdesk.list.count() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not runs.busy, timeout=WAIT_MS)
    assert runs.runs == before + 2  # once for my request, once for Ben's


def test_what_each_view_is_touched_by() -> None:
    space, op = SpaceId(b"s" * 32), OpId(b"o" * 32)
    chat = Changes(space, added=(op,), kinds=frozenset({"chat.say"}))
    assert chat.touches(CHAT_KINDS)
    assert not chat.touches(HELP_KINDS) and not chat.touches(DISCUSSION_KINDS)
    hidden = Changes(space, added=(op,), kinds=frozenset({"mod.hide"}))
    assert hidden.touches(HELP_KINDS) and hidden.touches(CHAT_KINDS)  # moderation is everywhere
    assert Changes(space, added=(op,)).touches(HELP_KINDS)  # kinds unknown: refresh
    assert Changes(space, members=True).touches(HELP_KINDS)  # names and roles
    assert not Changes(space).touches(HELP_KINDS)  # nothing added
