"""Joining in the desktop client: a room code made in the Invite dialog (shown large, with
a QR code of the long code) and typed on another person's first run; and a join that
waits for a member, listed greyed until a member is met."""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from sync.ids import SpaceId
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_first_release import only_circle, start
from ui.first_run import FirstRunDialog
from ui.sidebar import WAITING


def test_a_room_code_from_the_invite_dialog_joins_a_second_person(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    def create(dialog: FirstRunDialog) -> None:
        dialog.create_choice.setChecked(True)
        dialog.circle_name.setText("Linear algebra")

    ana = start(desk, tmp_path, "ana", create, local_only=False)
    ana_page = only_circle(qtbot, ana)
    qtbot.waitUntil(lambda: ana_page.context.moderator, timeout=WAIT_MS)
    ana_page.members.invite()
    dialog = ana_page.members.invite_dialog
    dialog.make_room.click()
    qtbot.waitUntil(lambda: bool(dialog.room.code.text()), timeout=WAIT_MS)
    code = dialog.room.code.text()
    assert re.fullmatch(r"\d{1,2}-[a-z]+-[a-z]+", code)
    assert dialog.room.code.font().pointSize() >= 28  # to be read from the back of a room
    assert not dialog.room.qr.pixmap().isNull() and dialog.room.qr.pixmap().width() >= 180
    assert dialog.sizeHint().height() <= 600  # fits an 800x600 screen
    assert dialog.room.long_code.startswith("sc2.")
    assert "Linear algebra" in dialog.room.caption.text()
    assert not dialog.make_room.isEnabled()
    dialog.reject()

    def join(dialog: FirstRunDialog) -> None:
        dialog.join_choice.setChecked(True)
        dialog.invite_code.setText(code.replace("-", " ").upper())  # as typed from the board

    ben = start(desk, tmp_path, "ben", join, local_only=False)
    ben_page = only_circle(qtbot, ben)
    qtbot.waitUntil(lambda: len(ben_page.context.members) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(ana_page.context.members) == 2, timeout=WAIT_MS)


def test_a_join_that_waits_is_listed_greyed_until_a_member_is_met(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    owner = desk.open("ana")
    assert owner.core is not None
    space: SpaceId = desk.call(lambda: owner.core.create_circle("Statistics"))
    code: str = desk.call(lambda: owner.core.invite(space, addresses=[]))  # no way to reach Ana

    def fill(dialog: FirstRunDialog) -> None:
        dialog.join_choice.setChecked(True)
        dialog.invite_code.setText(code)

    ben = start(desk, tmp_path, "ben", fill)  # local only: nobody to meet

    def waiting_rows() -> list[str]:
        items = (ben.sidebar.item(i) for i in range(ben.sidebar.count()))
        return [item.text() for item in items if item.data(WAITING) is not None]

    qtbot.waitUntil(lambda: len(waiting_rows()) == 1, timeout=WAIT_MS)
    assert waiting_rows()[0].endswith("— waiting")
    assert "admitted automatically" in ben.statusBar().currentMessage()
    assert ben.circles == {}  # nothing to open yet

    address = owner.core.host.listen_addrs()[0]
    desk.call(lambda: ben.session.core.host.connect(address))  # Ana is met: the join finishes
    page = only_circle(qtbot, ben)  # opened for Ben once admitted
    qtbot.waitUntil(lambda: len(page.context.members) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: waiting_rows() == [], timeout=WAIT_MS)
    assert ben.sidebar.circles() == [space]
