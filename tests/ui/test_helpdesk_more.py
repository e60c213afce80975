"""The Help desk beyond the first release's walk-through: "Claimed by me" knows people by
their device (two members may share a display name)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services import helpdesk
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk


def test_claimed_by_me_is_about_my_device_not_my_name(qtbot: QtBot, desk: Desk) -> None:
    teacher, namesake, asker = named(desk, "sam1", "Sam"), named(desk, "sam2", "Sam"), desk.open("ben")
    space = circle_of(desk, teacher, [namesake, asker])
    teacher_sam, other_sam = page(qtbot, teacher, space, members=3), page(qtbot, namesake, space, members=3)
    desk.call(lambda: helpdesk.ask(asker.commands, space, "Stuck on rank", "", []))
    qtbot.waitUntil(lambda: teacher_sam.helpdesk.list.count() == 1, timeout=WAIT_MS)

    teacher_sam.helpdesk.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: teacher_sam.helpdesk.current is not None, timeout=WAIT_MS)
    teacher_sam.helpdesk.act("claim")
    # The other Sam's list may not hold the request yet: wait for it, claimed.
    claimed_there = lambda: any("claimed" in text for text in other_sam.helpdesk.list.texts())  # noqa: E731
    qtbot.waitUntil(claimed_there, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: not teacher_sam.helpdesk.buttons["claim"].isVisibleTo(teacher_sam.helpdesk), timeout=WAIT_MS
    )

    claimed = teacher_sam.helpdesk.filter.findData("claimed")
    teacher_sam.helpdesk.filter.setCurrentIndex(claimed)
    assert len(teacher_sam.helpdesk.list.texts()) == 1
    other_sam.helpdesk.filter.setCurrentIndex(claimed)
    assert other_sam.helpdesk.list.texts() == []  # the other Sam claimed nothing
    other_sam.helpdesk.filter.setCurrentIndex(0)
    other_sam.helpdesk.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: other_sam.helpdesk.current is not None, timeout=WAIT_MS)
    assert other_sam.helpdesk.current.claimed_by == ("Sam",)
    assert other_sam.helpdesk.buttons["claim"].isVisibleTo(other_sam.helpdesk)  # may still claim it
