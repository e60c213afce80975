"""The sidebar lists circles only (issue 18): a coaching pair and a direct-message
conversation are two-member spaces too, but they are not circles to open as pages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.services import coaching
from sync.ids import SpaceId
from tests.ui.circles import circle_of
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow
from ui.session import Session


def join_offers(desk: Desk, session: Session) -> None:
    """`session` joins every space offered to it (what `circle join CODE` does)."""
    assert session.core is not None
    core = session.core
    for offer in desk.call(lambda: coaching.offers_to_me(session.commands)):
        desk.call(lambda offer=offer: core.join(offer.code))


def test_pairs_and_conversations_stay_out_of_the_sidebar(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    pair, _ = desk.call(lambda: coaching.propose(ana.commands, space, "ben", topic="questioning"))
    chat, _ = desk.call(lambda: coaching.propose(ana.commands, space, "ben", purpose="direct"))
    window = MainWindow(ben, QSettings(str(tmp_path / "ben.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(desk.call(lambda: coaching.offers_to_me(ben.commands))) == 2, timeout=WAIT_MS)
    join_offers(desk, ben)
    qtbot.waitUntil(lambda: len(desk.call(lambda: coaching.pairs(ben.commands))) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: {s for s, _ in desk.call(lambda: _conversations(ben))} == {chat}, timeout=WAIT_MS)
    runs = window._circles_query.runs
    window._circles_query.refresh()  # what a change in any space does
    qtbot.waitUntil(lambda: window._circles_query.runs > runs, timeout=WAIT_MS)
    assert window.sidebar.circles() == [space]
    assert pair not in window.circles and chat not in window.circles


async def _conversations(session: Session) -> list[tuple[SpaceId, str]]:
    from app.services import messages

    return await messages.conversations(session.commands)
