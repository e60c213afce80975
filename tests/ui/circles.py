"""Test setup for circle widgets: people's sessions (from `Desk`) put in one circle through
the real commands (create, invite, join over the in-memory network), and the circle's
page built over each session as the main window builds it.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app import identity
from sync.changes import Changes
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


class Seen:
    """The op kinds a session has taken in (local writes and peers' alike)."""

    def __init__(self, session: Session) -> None:
        self.kinds: list[str] = []
        session.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        self.kinds.extend(changes.kinds)

    def count(self, kind: str) -> int:
        return self.kinds.count(kind)


def answered_request(
    qtbot: QtBot, desk: Desk, answer: str
) -> tuple[Session, Session, Session, SpaceId, QtCircle, QtCircle]:
    """Ana's circle "Algebra" where Ben asks "Is 0 an eigenvalue?" and Cleo answers `answer`;
    Ana's and Ben's pages, each showing the request with its one answer.
    Returns (ana, ben, cleo, space, Ana's page, Ben's page)."""
    from app.services import helpdesk

    ana, ben, cleo = (named(desk, name, name.capitalize()) for name in ("ana", "ben", "cleo"))
    space = circle_of(desk, ana, [ben, cleo], name="Algebra")
    asked = desk.call(lambda: helpdesk.ask(ben.commands, space, "Is 0 an eigenvalue?", "", []))
    arrived(qtbot, desk, cleo, asked.hex())
    request = desk.call(lambda: helpdesk.find_request(cleo.commands, asked.hex()))
    desk.call(lambda: helpdesk.answer(cleo.commands, request, answer))
    pages = page(qtbot, ana, space, members=3), page(qtbot, ben, space, members=3)
    for view in (shown.helpdesk for shown in pages):
        qtbot.waitUntil(lambda view=view: view.list.count() == 1, timeout=WAIT_MS)
        view.list.setCurrentRow(0)
        qtbot.waitUntil(lambda view=view: view.answers.count() == 1, timeout=WAIT_MS)
    return ana, ben, cleo, space, pages[0], pages[1]
