"""The desktop client's first release, driven through its real widgets over real cores
on one in-memory network: first run → create a circle → invite → a second person joins;
they ask for help, the first sees it appear live and answers, the asker accepts; a
teacher hides a reply, and the student's view loses it while the teacher's marks it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from sync.policy import Level
from tests.ui.conftest import FAST, WAIT_MS, Desk
from ui.circle_view import QtCircle
from ui.dialogs import ComposeDialog
from ui.first_run import FirstRunDialog
from ui.item_menu import moderation_menu
from ui.launcher import Launch, run_desktop
from ui.main_window import MainWindow


def start(desk: Desk, tmp_path: Path, name: str, fill, *, local_only: bool = True) -> MainWindow:
    """Run the launcher for a new person; `fill(dialog)` answers the first-run dialog.
    `local_only=False`: peers find each other (the in-memory hub's stand-in for mDNS)."""
    dialogs: list[FirstRunDialog] = []
    windows: list[MainWindow] = []
    launch = Launch(
        home=desk.home(name, create=False),
        network_for=lambda demo: desk.hub,
        settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat),
        sync_settings=FAST,
        local_only=local_only,
        verify_workers=0,
        on_window=windows.append,
        on_first_run=dialogs.append,
    )
    assert desk.runtime.spawn(lambda: run_desktop(desk.runtime, launch))
    desk.qtbot.waitUntil(lambda: bool(dialogs) or bool(desk.runtime.failures), timeout=WAIT_MS)
    assert not desk.runtime.failures
    dialog = dialogs[0]
    dialog.name.setText(name.capitalize())
    fill(dialog)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), dialog.problem.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    desk.qtbot.waitUntil(lambda: bool(windows), timeout=WAIT_MS)
    desk.qtbot.addWidget(windows[0])
    return windows[0]


def only_circle(qtbot: QtBot, window: MainWindow) -> QtCircle:
    qtbot.waitUntil(lambda: len(window.circles) == 1, timeout=WAIT_MS)
    return next(iter(window.circles.values()))


def texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


@pytest.fixture
def two(desk: Desk, tmp_path: Path, qtbot: QtBot) -> tuple[QtCircle, QtCircle]:
    """Ana creates a circle on first run and invites Ben, who joins on his first run."""

    def create(dialog: FirstRunDialog) -> None:
        dialog.create_choice.setChecked(True)
        dialog.circle_name.setText("Linear algebra")

    ana = start(desk, tmp_path, "ana", create)
    ana_page = only_circle(qtbot, ana)
    assert ana.sidebar.currentItem().text() == "Linear algebra"
    qtbot.waitUntil(lambda: ana_page.context.moderator, timeout=WAIT_MS)  # the owner

    members = ana_page.members
    members.invite()
    dialog = members.invite_dialog
    dialog.make.click()
    qtbot.waitUntil(lambda: dialog.code.toPlainText().startswith("sc2."), timeout=WAIT_MS)
    code = dialog.code.toPlainText()
    dialog.reject()

    def join(dialog: FirstRunDialog) -> None:
        dialog.join_choice.setChecked(True)
        dialog.invite_code.setText(code)

    ben = start(desk, tmp_path, "ben", join)
    ben_page = only_circle(qtbot, ben)
    qtbot.waitUntil(lambda: len(ben_page.context.members) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(ana_page.context.members) == 2, timeout=WAIT_MS)
    assert not ben_page.context.moderator
    return ana_page, ben_page


def test_a_help_request_from_asking_to_an_accepted_answer(
    qtbot: QtBot, two: tuple[QtCircle, QtCircle]
) -> None:
    ana, ben = two
    ben.helpdesk.ask()
    ask = ben.helpdesk.findChild(ComposeDialog)
    ask.title.setText("Why are eigenvectors orthogonal?")
    ask.text.setPlainText("For **which** matrices?")
    ask.accept()

    # Ana sees it appear without any refresh, and may claim or answer it.
    qtbot.waitUntil(lambda: ana.helpdesk.list.count() == 1, timeout=WAIT_MS)
    assert "Why are eigenvectors orthogonal?" in ana.helpdesk.list.texts()[0]
    ana.helpdesk.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: ana.helpdesk.current is not None, timeout=WAIT_MS)
    assert "which" in ana.helpdesk.detail.toPlainText()  # rendered Markdown, not **stars**
    assert "**" not in ana.helpdesk.detail.toPlainText()
    assert ana.helpdesk.buttons["claim"].isVisibleTo(ana.helpdesk)
    assert not ana.helpdesk.buttons["resolve"].isVisibleTo(ana.helpdesk)
    ana.helpdesk.composer.editor.setPlainText("Only for symmetric matrices: use <Ax, y> = <x, Ay>.")
    ana.helpdesk.composer.submit()
    qtbot.waitUntil(lambda: ana.helpdesk.answers.count() == 1, timeout=WAIT_MS)
    assert ana.helpdesk.composer.editor.toPlainText() == ""

    # Ben sees the answer and accepts it; only he may.
    ben.helpdesk.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: ben.helpdesk.answers.count() == 1, timeout=WAIT_MS)
    assert not ben.helpdesk.buttons["claim"].isVisibleTo(ben.helpdesk)
    assert ben.helpdesk.composer.button.text() == "Report progress"
    assert "accept" not in ana_card_buttons(ana)  # Ana wrote it: neither accept nor thank it
    ben.helpdesk.answers.item(0).buttons["accept"].click()  # on the answer's card

    qtbot.waitUntil(lambda: "resolved" in ana.helpdesk.list.texts()[0], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ana.helpdesk.answers.item(0).text().startswith("✔"), timeout=WAIT_MS)
    assert "Accepted answer" in ana.helpdesk.answers.item(0).text()
    qtbot.waitUntil(lambda: "accept" not in ben.helpdesk.answers.item(0).buttons, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ben.helpdesk.buttons["reopen"].isVisibleTo(ben.helpdesk), timeout=WAIT_MS)
    ana.helpdesk.filter.setCurrentIndex(ana.helpdesk.filter.findData("open"))
    assert ana.helpdesk.list.count() == 0
    ana.helpdesk.filter.setCurrentIndex(ana.helpdesk.filter.findData("resolved"))
    assert ana.helpdesk.list.count() == 1


def ana_card_buttons(ana: QtCircle) -> dict[str, object]:
    return dict(ana.helpdesk.answers.item(0).buttons)


def test_a_hidden_reply_leaves_the_students_view_and_is_marked_for_the_teacher(
    qtbot: QtBot, two: tuple[QtCircle, QtCircle]
) -> None:
    ana, ben = two
    ana.discussion.new_item()
    compose = ana.discussion.findChild(ComposeDialog)
    compose.title.setText("Exam on Friday")
    compose.accept()
    qtbot.waitUntil(lambda: ben.discussion.threads.count() == 1, timeout=WAIT_MS)
    ben.discussion.threads.setCurrentRow(0)
    qtbot.waitUntil(lambda: ben.discussion.shown_thread is not None, timeout=WAIT_MS)
    ben.discussion.composer.editor.setPlainText("Can we bring notes?")
    ben.discussion.composer.submit()
    qtbot.waitUntil(lambda: ben.discussion.replies.count() == 1, timeout=WAIT_MS)
    ana.discussion.threads.setCurrentRow(0)
    qtbot.waitUntil(lambda: ana.discussion.replies.count() == 1, timeout=WAIT_MS)

    reply = ana.discussion.row(ana.discussion.replies.item(0))
    assert moderation_menu(ben.discussion, ben.context, reply) is None  # students get no such menu
    menu = moderation_menu(ana.discussion, ana.context, reply)
    assert menu is not None
    hide = next(action for action in menu.actions() if action.objectName() == "hide")
    hide.trigger()

    qtbot.waitUntil(lambda: ben.discussion.replies.count() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "[hidden]" in ana.discussion.replies.item(0).text(), timeout=WAIT_MS)
    assert "Can we bring notes?" in ana.discussion.replies.item(0).text()
    unhide = moderation_menu(ana.discussion, ana.context, ana.discussion.row(ana.discussion.replies.item(0)))
    assert unhide is not None
    assert unhide.actions()[0].objectName() == "unhide"


def test_member_actions_only_for_those_who_outrank_and_appointing_a_mentor(
    qtbot: QtBot, two: tuple[QtCircle, QtCircle]
) -> None:
    ana, ben = two
    ben_as_seen_by_ana = next(m for m in ana.context.members if m.name == "Ben")
    ana_as_seen_by_ben = next(m for m in ben.context.members if m.name == "Ana")
    assert ben.members.actions_for(ana_as_seen_by_ben) == []
    offered = [name for name, _ in ana.members.actions_for(ben_as_seen_by_ana)]
    assert offered == ["role:mentor", "role:teacher", "remove"]
    ana.members.act(ben_as_seen_by_ana, "role:mentor")
    qtbot.waitUntil(lambda: ben.context.level == Level.MENTOR, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any(m.name == "Ben" and m.role == "mentor" for m in ana.context.members), timeout=WAIT_MS
    )
