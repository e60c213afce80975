"""The circle's tabs word counts and times as people read them (issue 17, item 9): "1 reply",
"1 answer", "1 thank-you", relative times with the full date on hover, no ISO timestamps,
and the chat headed by the day. Real widgets over real cores."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk
from tests.ui.circles import circle_of, named, page, rows
from tests.ui.conftest import WAIT_MS, Desk

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def test_counts_and_times_read_as_words(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    thread = desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "Ch. 1-4", []))
    found = desk.call(lambda: discussion.find(ben.commands, thread.hex()))
    desk.call(lambda: discussion.reply(ben.commands, found, "Can we bring notes?"))
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Why rank-nullity?", "", []))
    desk.call(lambda: discussion.chat(ben.commands, space, "Hello all"))
    circle = page(qtbot, ana, space, members=2)
    bens = page(qtbot, ben, space, members=2)

    threads = circle.discussion.threads
    qtbot.waitUntil(lambda: threads.count() == 1 and "1 reply" in threads.texts()[0], timeout=WAIT_MS)
    assert threads.texts()[0] == "Exam on Friday  ·  Ben  ·  1 reply  ·  just now"
    assert circle.discussion.total_label.text() == "1 thread"
    tip = threads.model().index(0, 0).data(0x03)  # ToolTipRole: the full date
    assert tip.startswith("Exam on Friday\nBen  ·  ") and re.search(r"\d{4}, \d\d:\d\d  ·  1 reply$", tip)
    threads.setCurrentRow(0)
    qtbot.waitUntil(lambda: circle.discussion.replies.count() == 1, timeout=WAIT_MS)
    assert "*Ben, just now*" not in circle.discussion.detail.toPlainText()  # rendered, not raw
    assert "Ben, just now" in circle.discussion.detail.toPlainText()

    help_view = circle.helpdesk
    qtbot.waitUntil(lambda: help_view.list.count() == 1, timeout=WAIT_MS)
    request = desk.call(lambda: helpdesk.find_request(ana.commands, asked.hex()))
    desk.call(lambda: helpdesk.answer(ana.commands, request, "Count the pivots."))
    qtbot.waitUntil(lambda: "1 answer  ·" in help_view.list.texts()[0], timeout=WAIT_MS)
    assert help_view.list.texts()[0] == "Why rank-nullity?  ·  open  ·  1 answer  ·  Ben  ·  just now"
    help_view.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: help_view.answers.count() == 1, timeout=WAIT_MS)
    asker = bens.helpdesk
    qtbot.waitUntil(lambda: asker.list.count() == 1, timeout=WAIT_MS)
    asker.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: asker.answers.count() == 1, timeout=WAIT_MS)
    answer = found_answer(desk, ben, asker)
    desk.call(lambda: discussion.thank(ben.commands, answer))
    qtbot.waitUntil(lambda: "(1 thank-you)" in help_view.answers.item(0).text(), timeout=WAIT_MS)
    assert "asked by Ben, just now" in help_view.detail.toPlainText()
    assert not ISO.search(help_view.detail.toPlainText())
    assert not ISO.search(circle.discussion.detail.toPlainText())

    chat = circle.chat
    qtbot.waitUntil(lambda: len(rows(chat.log)) == 2, timeout=WAIT_MS)
    heading, line = rows(chat.log)
    assert heading == "Today"
    assert re.fullmatch(r"\d\d:\d\d  Ben: Hello all", line)
    assert re.search(r"\d{4}, \d\d:\d\d$", chat.log.item(1).toolTip())

    qtbot.waitUntil(lambda: "1 answer, 0 accepted, 1 thank-you" in members_summary(circle), timeout=WAIT_MS)
    assert not desk.runtime.failures


def members_summary(circle) -> str:
    tree = circle.members.tree
    return " | ".join(tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount()))


def found_answer(desk: Desk, session, help_view):
    answer_id = help_view.current.answers[0].id
    return desk.call(lambda: discussion.find(session.commands, answer_id))


def test_tags_are_shown_on_threads_and_help_requests(qtbot: QtBot, desk: Desk) -> None:
    """Issue 17, item 10: tags were shown nowhere."""
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "", ["exam", "week 3"]))
    desk.call(lambda: helpdesk.ask(ben.commands, space, "Why rank-nullity?", "", ["rank"]))
    circle = page(qtbot, ana, space, members=2)
    threads, requests = circle.discussion.threads, circle.helpdesk.list
    qtbot.waitUntil(lambda: threads.count() == 1 and requests.count() == 1, timeout=WAIT_MS)
    assert threads.texts()[0].endswith("  ·  #exam #week-3")
    assert requests.texts()[0].endswith("  ·  #rank")
    threads.setCurrentRow(0)
    qtbot.waitUntil(lambda: "#exam #week-3" in circle.discussion.detail.toPlainText(), timeout=WAIT_MS)
    requests.setCurrentRow(0)
    qtbot.waitUntil(lambda: "#rank" in circle.helpdesk.detail.toPlainText(), timeout=WAIT_MS)
