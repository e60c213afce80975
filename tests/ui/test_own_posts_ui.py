"""Editing and deleting one's own posts from the client (issue 17, item 10): the author's
item menu has Edit… and Delete…, others' menus do not; Edit opens a dialog with the text
(no title for a reply), OK changes it for everyone; Delete asks first. Real widgets over
real cores."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services import discussion
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.dialogs import ComposeDialog, ConfirmDialog


def names(menu) -> list[str]:
    return [action.objectName() for action in menu.actions() if action.objectName()]


def action(menu, name: str):
    return next(a for a in menu.actions() if a.objectName() == name)


def test_the_author_edits_and_deletes_a_reply_others_cannot(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    thread = desk.call(lambda: discussion.new_thread(ben.commands, space, "Exam on Friday", "", []))
    found = desk.call(lambda: discussion.find(ben.commands, thread.hex()))
    desk.call(lambda: discussion.reply(ben.commands, found, "Can we brng notes?"))
    bens, anas = page(qtbot, ben, space, members=2), page(qtbot, ana, space, members=2)
    for view in (bens.discussion, anas.discussion):
        qtbot.waitUntil(lambda view=view: view.threads.count() == 1, timeout=WAIT_MS)
        view.threads.setCurrentRow(0)
        qtbot.waitUntil(lambda view=view: view.replies.count() == 1, timeout=WAIT_MS)
    mine, theirs = bens.discussion, anas.discussion
    assert names(mine.item_menu(mine.replies.item(0))) == ["save", "edit", "delete"]
    assert "edit" not in names(theirs.item_menu(theirs.replies.item(0)))  # a teacher: moderation only
    assert names(mine.thread_menu(mine.threads.model().index(0, 0))) == ["save", "edit", "delete"]

    action(mine.item_menu(mine.replies.item(0)), "edit").trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in mine.findChildren(ComposeDialog)), timeout=WAIT_MS)
    dialog = next(d for d in mine.findChildren(ComposeDialog) if d.isVisible())
    assert dialog.text.toPlainText() == "Can we brng notes?"
    assert not dialog.title.isVisible()  # a reply has no title
    dialog.text.setPlainText("Can we bring notes?")
    dialog.accept()
    for view in (theirs, mine):  # the delete below quotes the reply as Ben's view shows it
        edited = lambda view=view: "Can we bring notes?" in view.replies.item(0).text()  # noqa: E731
        qtbot.waitUntil(edited, timeout=WAIT_MS)

    action(mine.item_menu(mine.replies.item(0)), "delete").trigger()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in mine.findChildren(ConfirmDialog)), timeout=WAIT_MS)
    box = next(b for b in mine.findChildren(ConfirmDialog) if b.isVisible())
    assert box.text() == "Delete your reply?\n“Can we bring notes?”"
    box.confirm.click()
    qtbot.waitUntil(lambda: theirs.replies.count() == 0 and mine.replies.count() == 0, timeout=WAIT_MS)
    assert not desk.runtime.failures
