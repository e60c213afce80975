"""Desktop notifications for the help desk: a new answer to my request and, for mentors
and teachers, new and escalated requests; and for assignments (`ui.assessment_notices`):
a phase opened, reviews assigned to me, feedback on my work, my grade given.

What is news (decided here, shown in the system tray where there is one):

- Only what happened after this session came online, by the writer's clock, with a
  minute's slack for clocks that run behind. A circle joined (or created) later is
  news only from the moment it first showed up here, without slack: the history that
  arrives with a join, or at the first sync after time away, is not news — the
  sidebar's unread counts tell of that.
- Never my own actions (from any of my views, or the CLI on the same data).
- Each op is told of once.

`QtNotifier` records every notice in `shown` and emits `notified(title, message)`; it
calls `QSystemTrayIcon.showMessage` only when a tray was given and the system has one
(so tests under offscreen check the decisions, not a tray). GUI thread; the queries
run through the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from sync.ids import SpaceId
from sync.policy import Level
from ui.live import LiveQuery
from ui.session import Session

if TYPE_CHECKING:  # the app's modules come after the first paint (ui.launcher)
    from app.services.helpdesk import HelpNews
    from app.services.rows import AssessNews
    from sync.changes import Changes

SLACK_MS = 60_000  # a writer's clock may run this far behind mine
SHOW_MS = 10_000


@dataclass(frozen=True, slots=True)
class Notice:
    space: SpaceId
    request: str  # the request's id (hex); "" for an assignment's notice
    title: str
    message: str
    assignment: str = ""  # the assignment's id (hex), for its notices
    tab: str = "help"  # where `request` opens: the help desk, or "thread": the discussion


MARKED = {
    "hide": str(
        QT_TRANSLATE_NOOP("QtNotifier", "{who} hid your post in “{title}” ({circle}): students can't see it.")
    ),
    "lock": str(QT_TRANSLATE_NOOP("QtNotifier", "{who} locked “{title}” in {circle}: no new replies.")),
    "redact": str(
        QT_TRANSLATE_NOOP("QtNotifier", "{who} redacted your post in “{title}” ({circle}): its text is gone.")
    ),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("QtNotifier", text)


def notices(
    space: SpaceId, circle: str, level: int, news: list[HelpNews], tr: Callable[[str], str] = _tr
) -> list[Notice]:
    """What to tell of `news` in a circle where my role is `level` (pure)."""
    found = []
    for item in news:
        if item.by_me:
            continue
        who = item.by or tr(str(QT_TRANSLATE_NOOP("QtNotifier", "Someone")))
        if item.event == "answered" and item.for_me:
            title = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "New answer to your request")))
            message = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "{who} answered “{title}” in {circle}.")))
        elif item.event == "asked" and level >= Level.MENTOR:
            title = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "New help request")))
            message = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "{who} asks in {circle}: “{title}”")))
        elif item.event == "escalated" and level >= Level.MENTOR:
            title = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "Help request escalated")))
            message = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "{who} escalated “{title}” in {circle}.")))
        elif item.event in MARKED and item.for_me:  # a teacher's mark on my post: say so
            title = tr(str(QT_TRANSLATE_NOOP("QtNotifier", "A teacher moderated your post")))
            message = tr(MARKED[item.event])
        else:
            continue
        text = message.format(who=who, title=item.title, circle=circle)
        found.append(Notice(space, item.request, title, text, tab=item.tab))
    return found


class QtNotifier(QObject):
    notified = Signal(str, str)  # title, message

    def __init__(
        self, session: Session, parent: QObject | None = None, *, tray: QSystemTrayIcon | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tray = tray
        self.shown: list[Notice] = []
        self.seen: set[str] = set()  # ops already decided on (told of or not)
        self.since: dict[SpaceId, int] = {}  # per circle: news from this time on (ms)
        self._started = False
        self._known = False  # the circles held when the session came online are known
        self._waiting: set[SpaceId] = set()  # changed before the circles were known
        self._queries: dict[SpaceId, LiveQuery] = {}
        self._assess_queries: dict[SpaceId, LiveQuery] = {}
        session.changed.connect(self._on_changes)
        session.online.connect(self._online)
        if session.core is not None:
            self._online()

    def _now_ms(self) -> int:
        return self.session.commands.clock.now_ms()

    def _online(self) -> None:
        if self._started:
            return
        self._started = True
        online_ms = self._now_ms()
        commands = self.session.commands

        def known(circles: list[tuple[SpaceId, str]]) -> None:
            for space, _ in circles:
                self.since.setdefault(space, online_ms - SLACK_MS)
            self._known = True
            waiting, self._waiting = self._waiting, set()
            for space in waiting:
                self._look(space)

        self.session.run(commands.circles, known)

    def _on_changes(self, changes: Changes) -> None:
        if not changes.added or not self._started:
            return
        if not self._known:
            self._waiting.add(changes.space)
            return
        from sync.changes import ASSIGN_KINDS  # loaded by now (the core reported this)

        self._look(changes.space, assignments=changes.touches(ASSIGN_KINDS))

    def _look(self, space: SpaceId, *, assignments: bool = True) -> None:
        if space not in self.since:
            self.since[space] = self._now_ms()  # a circle new here: its history is not news
        query = self._queries.get(space)
        if query is None:
            from app.services import helpdesk

            commands = lambda: self.session.commands  # noqa: E731 (the core may reopen)
            query = self._queries[space] = LiveQuery(
                self.session,
                lambda: helpdesk.news(commands(), space, since_ms=self.since[space]),
                lambda found: self._show(space, found),
            )
        query.refresh()
        if not assignments:
            return
        assess = self._assess_queries.get(space)
        if assess is None:
            from app.services import assessment_news

            commands = lambda: self.session.commands  # noqa: E731
            assess = self._assess_queries[space] = LiveQuery(
                self.session,
                lambda: assessment_news.news(commands(), space, since_ms=self.since[space]),
                lambda found: self._show_assess(space, found),
            )
        assess.refresh()

    def _show_assess(self, space: SpaceId, found: tuple[str, int, list[AssessNews]]) -> None:
        from ui.assessment_notices import assessment_notices

        circle, _, news = found
        fresh = [item for item in news if item.op_id not in self.seen]
        self.seen.update(item.op_id for item in fresh)
        self._tell(assessment_notices(space, circle, fresh))

    def _show(self, space: SpaceId, found: tuple[str, int, list[HelpNews]]) -> None:
        circle, level, news = found
        fresh = [item for item in news if item.op_id not in self.seen]
        self.seen.update(item.op_id for item in fresh)
        self._tell(notices(space, circle, level, fresh, self.tr))

    def _tell(self, found: list[Notice]) -> None:
        for notice in found:
            self.shown.append(notice)
            self.notified.emit(notice.title, notice.message)
            if self.tray is not None and QSystemTrayIcon.isSystemTrayAvailable():
                self.tray.showMessage(
                    notice.title, notice.message, QSystemTrayIcon.MessageIcon.Information, SHOW_MS
                )
