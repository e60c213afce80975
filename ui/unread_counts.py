"""Unread counts: how many items others added to each circle since the person last had
it open (`app.services.unread`), shown in the sidebar.

The mark of what was seen is kept per circle in `QSettings` (the data directory's
desktop.ini, `unread/<circle>`), never in the circle itself. A circle never marked (new
here) starts with nothing unread; the circle on screen has nothing unread.

Owns `UnreadCounts` (the counts, the marks and their live query) and `stored_marks` (the
marks as `app.services.glance` reads them before the core is up). GUI thread; the count
runs through the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QSettings

from sync.ids import SpaceId
from ui.live import LiveQuery
from ui.session import Session
from ui.sidebar import QtSidebar


class UnreadCounts(QObject):
    def __init__(
        self,
        session: Session,
        settings: QSettings,
        sidebar: QtSidebar,
        *,
        listed: Callable[[], Iterable[SpaceId]],
    ) -> None:
        super().__init__(sidebar)
        self.session = session
        self.settings = settings
        self.sidebar = sidebar
        self._listed = listed  # the circles in the sidebar
        self.counts: dict[SpaceId, int] = {}
        self._marks: dict[SpaceId, int] = {}  # seen, per circle (`app.services.unread`), as in settings
        self.looking: SpaceId | None = None  # the circle on screen: it has nothing unread
        self.query = LiveQuery(session, self._fetch, self._show)

    def refresh(self) -> None:
        self.query.refresh()

    def paint(self) -> None:
        self.sidebar.show_counts(self.counts)

    def listed(self, space: SpaceId) -> None:
        """A circle now in the sidebar: count from its stored mark, if it has one."""
        mark = self._stored_mark(space)
        if mark is not None:
            self._marks[space] = mark

    def seen(self, space: SpaceId) -> None:
        """`space` is on screen now: nothing in it is unread; the next count stores the mark."""
        self.counts[space] = 0
        self.paint()
        self.query.refresh()

    def _stored_mark(self, space: SpaceId) -> int | None:
        value = self.settings.value(f"unread/{space.hex()}")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    async def _fetch(self) -> tuple[int, dict[SpaceId, int], SpaceId | None]:
        from app.services import unread

        looking, marks = self.looking, dict(self._marks)  # plain values: no Qt off the GUI thread
        now, counts = await unread.counts(self.session.commands, marks)
        return now, counts, looking

    def _show(self, result: tuple[int, dict[SpaceId, int], SpaceId | None]) -> None:
        now, counts, looked_at = result
        for space in self._listed():
            # A circle never marked (new here) starts with nothing unread; one on screen
            # during the count, or now, has been seen up to this count.
            if space not in counts or space in (looked_at, self.looking):
                self._marks[space] = now
                self.settings.setValue(f"unread/{space.hex()}", now)
                counts[space] = 0
        self.counts = counts
        self.paint()


def stored_marks(settings: QSettings) -> dict[bytes, int]:
    """Every circle's mark of what was seen, as `UnreadCounts` keeps them (for `app.services.glance`)."""
    marks = {}
    settings.beginGroup("unread")
    try:
        for key in settings.childKeys():
            try:
                marks[bytes.fromhex(key)] = int(settings.value(key))
            except (TypeError, ValueError):
                continue
    finally:
        settings.endGroup()
    return marks
