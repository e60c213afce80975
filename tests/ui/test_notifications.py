"""Desktop notifications, decided without a tray (offscreen has none): an answer to my
request tells me; new and escalated requests tell mentors and teachers, not students;
nobody hears of their own actions, nor of the history that comes with joining."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from app.services import discussion, helpdesk
from tests.ui.circles import arrived, circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.notifications import QtNotifier
from ui.session import Session


def notifier(qtbot: QtBot, session: Session) -> QtNotifier:
    watcher = QtNotifier(session)
    qtbot.waitUntil(lambda: watcher._known, timeout=WAIT_MS)
    return watcher


def said(watcher: QtNotifier) -> list[str]:
    return [f"{notice.title}: {notice.message}" for notice in watcher.shown]


def test_who_is_told_of_what_on_the_help_desk(qtbot: QtBot, desk: Desk) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # the notifier must not need one
    ana, ben, cleo = (named(desk, name, name.capitalize()) for name in ("ana", "ben", "cleo"))
    teacher, student = notifier(qtbot, ana), notifier(qtbot, ben)
    space = circle_of(desk, ana, [ben], name="Algebra")
    find = lambda session, typed: helpdesk.find_request(session.commands, typed)  # noqa: E731

    old = desk.call(lambda: helpdesk.ask(ben.commands, space, "Before Cleo came", "", []))
    qtbot.waitUntil(lambda: old.hex() in teacher.seen, timeout=WAIT_MS)
    assert said(teacher) == ["New help request: Ben asks in Algebra: “Before Cleo came”"]

    # Cleo joins as a mentor: the request already there is history, not news.
    code = desk.call(lambda: ana.core.invite(space, role="mentor"))
    mentor = notifier(qtbot, cleo)
    desk.call(lambda: cleo.core.join(code))
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Kernels", "What is a kernel?", []))
    qtbot.waitUntil(lambda: asked.hex() in mentor.seen, timeout=WAIT_MS)
    assert said(mentor) == ["New help request: Ben asks in Algebra: “Kernels”"]

    request = desk.call(lambda: find(ana, asked.hex()))
    answer = desk.call(lambda: helpdesk.answer(ana.commands, request, "The vectors A sends to zero."))
    qtbot.waitUntil(lambda: answer.hex() in student.seen, timeout=WAIT_MS)
    assert said(student) == ["New answer to your request: Ana answered “Kernels” in Algebra."]
    qtbot.waitUntil(lambda: answer.hex() in mentor.seen, timeout=WAIT_MS)
    assert len(mentor.shown) == 1  # not Cleo's request
    assert answer.hex() in teacher.seen and len(teacher.shown) == 2  # Ana's own answer: no news

    own = desk.call(lambda: find(ben, asked.hex()))
    with qtbot.waitSignal(mentor.notified, timeout=WAIT_MS) as escalated:
        escalation = desk.call(lambda: helpdesk.step(ben.commands, own, "escalate"))
    assert escalated.args == ["Help request escalated", "Ben escalated “Kernels” in Algebra."]
    qtbot.waitUntil(
        lambda: escalation.hex() in teacher.seen and escalation.hex() in student.seen, timeout=WAIT_MS
    )
    assert said(teacher)[-1] == "Help request escalated: Ben escalated “Kernels” in Algebra."
    assert len(student.shown) == 1  # a student hears of neither new nor escalated requests

    mine = desk.call(lambda: helpdesk.ask(cleo.commands, space, "Mentors ask too", "", []))
    qtbot.waitUntil(lambda: mine.hex() in student.seen and mine.hex() in mentor.seen, timeout=WAIT_MS)
    assert len(student.shown) == 1 and len(mentor.shown) == 2  # not my own request
    qtbot.waitUntil(lambda: len(teacher.shown) == 4, timeout=WAIT_MS)
    assert said(teacher)[-1] == "New help request: Cleo asks in Algebra: “Mentors ask too”"


def test_the_author_is_told_when_a_teacher_hides_locks_or_redacts_their_post(
    qtbot: QtBot, desk: Desk
) -> None:
    """Issue 17, item 8: the author was never told their post was moderated."""
    ana, ben, cleo = (named(desk, name, name.capitalize()) for name in ("ana", "ben", "cleo"))
    space = circle_of(desk, ana, [ben, cleo], name="Algebra")
    student, classmate = notifier(qtbot, ben), notifier(qtbot, cleo)
    thread = desk.call(lambda: discussion.new_thread(ben.commands, space, "Quiz answers", "all of them", []))
    arrived(qtbot, desk, ana, thread.hex())
    found = desk.call(lambda: discussion.find(ana.commands, thread.hex()))
    hidden = desk.call(lambda: discussion.moderate(ana.commands, found, "hide"))
    qtbot.waitUntil(lambda: hidden.hex() in student.seen, timeout=WAIT_MS)
    assert said(student) == [
        "A teacher moderated your post: Ana hid your post in “Quiz answers” (Algebra): students can't see it."
    ]
    assert student.shown[-1].tab == "thread" and student.shown[-1].request == thread.hex()
    redacted = desk.call(lambda: discussion.moderate(ana.commands, found, "redact"))
    qtbot.waitUntil(lambda: redacted.hex() in student.seen, timeout=WAIT_MS)
    assert said(student)[-1].endswith("redacted your post in “Quiz answers” (Algebra): its text is gone.")
    qtbot.waitUntil(lambda: redacted.hex() in classmate.seen, timeout=WAIT_MS)
    assert classmate.shown == []  # not Cleo's post: nothing to tell her
    unhidden = desk.call(lambda: discussion.moderate(ana.commands, found, "unhide"))
    qtbot.waitUntil(lambda: unhidden.hex() in student.seen, timeout=WAIT_MS)
    assert len(student.shown) == 2  # an unhide is no news
