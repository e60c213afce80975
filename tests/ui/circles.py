"""Test setup for circle widgets: people's sessions (from `Desk`) put in one circle through
the real commands (create, invite, join over the in-memory network), and the circle's
page built over each session as the main window builds it.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app import identity
from sync.ids import SpaceId
from tests.ui.conftest import WAIT_MS, Desk
from ui.circle_view import QtCircle
from ui.session import Session


def named(desk: Desk, home: str, display_name: str) -> Session:
    """A session whose display name differs from its home's (two people may share a name)."""
    path = desk.home(home, create=False)
    if not (path / "device.key").exists():
        identity.create(path, display_name)
    return desk.open(home)


def circle_of(
    desk: Desk, owner: Session, others: list[Session], *, name: str = "Algebra", role: str = "member"
) -> SpaceId:
    """`owner` creates a circle and each of `others` joins it with their own invite."""
    assert owner.core is not None
    space: SpaceId = desk.call(lambda: owner.core.create_circle(name))
    for other in others:
        code: str = desk.call(lambda: owner.core.invite(space, role=role))
        joiner = other.core
        assert joiner is not None
        desk.call(lambda joiner=joiner, code=code: joiner.join(code))
    return space


def page(qtbot: QtBot, session: Session, space: SpaceId, *, members: int, name: str = "Algebra") -> QtCircle:
    """The circle's page over `session`, once it knows all `members`."""
    circle = QtCircle(session, space, name)
    qtbot.addWidget(circle)
    qtbot.waitUntil(lambda: len(circle.context.members) == members, timeout=WAIT_MS)
    return circle


def rows(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def arrived(qtbot: QtBot, desk: Desk, session: Session, item_id: str) -> None:
    """Wait until `session`'s replica holds the item another session just wrote (the
    in-memory network delivers it by gossip, a moment later)."""
    from app.errors import CommandError
    from app.services.items import find_item

    def holds() -> bool:
        async def look() -> bool:
            replica = session.commands.replica
            try:
                await session.commands.database.run(lambda: find_item(replica, item_id, None))
            except CommandError:  # not here yet
                return False
            return True

        return bool(desk.call(look))

    qtbot.waitUntil(holds, timeout=WAIT_MS)
