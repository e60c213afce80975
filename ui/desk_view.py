"""The teacher's desk page: across every circle where I am a teacher or mentor, the
unresolved help requests (oldest first, with their age, escalations and the assignment
each is about), review progress per assignment, and who is stuck (`app.services.desk`).

Re-read live (`LiveQuery`) when a change in one of those circles touches help requests,
assignments or membership, and every minute while shown (ages move). Enter or a
double-click on a row asks to open its item in its circle: `open_request(space, id)`
or `open_assignment(space, id)`, which the main window carries out.

Owns `QtDesk` (ages and phases are said by `ui.assessment_words`). Imported when the desk is
first shown. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.services.rows import DeskView
from sync.changes import ASSIGN_KINDS, HELP_KINDS, MEMBER_KINDS, Changes
from sync.ids import SpaceId
from ui.assessment_words import age_text, of, phase_name
from ui.live import LiveQuery
from ui.session import Session

DESK_KINDS = HELP_KINDS | ASSIGN_KINDS | MEMBER_KINDS
ROW = Qt.ItemDataRole.UserRole  # (space, item id hex) of a row
AGES_EVERY_MS = 60_000
SHOWN_AT_MOST = 200  # requests listed (the oldest): the GUI thread builds each row


class QtDesk(QWidget):
    open_request = Signal(object, str)  # SpaceId, request id (hex)
    open_assignment = Signal(object, str)  # SpaceId, assignment id (hex)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.view: DeskView | None = None
        self.spaces: set[bytes] = set()
        self.heading = QLabel(self.tr("Teacher's desk: reading…"), self)
        self.requests = self._table(
            [self.tr("Waiting"), self.tr("Circle"), self.tr("Request"), self.tr("Asked by"),
             self.tr("Status"), self.tr("Assignment")]
        )  # fmt: skip
        self.progress = self._table(
            [self.tr("Circle"), self.tr("Assignment"), self.tr("Phase"), self.tr("Submitted"),
             self.tr("Reviews done"), self.tr("Late"), self.tr("Help requests")]
        )  # fmt: skip
        self.stuck = self._table(
            [self.tr("Who"), self.tr("Circle"), self.tr("Waiting for"), self.tr("Open requests"),
             self.tr("Unanswered")]
        )  # fmt: skip
        self.requests.itemActivated.connect(lambda item: self._activated(item, self.open_request))
        self.stuck.itemActivated.connect(lambda item: self._activated(item, self.open_request))
        self.progress.itemActivated.connect(lambda item: self._activated(item, self.open_assignment))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        self.more = QLabel(self)
        self.more.hide()
        for label, table in (
            (self.tr("Help requests waiting (oldest first)"), self.requests),
            (self.tr("Review progress"), self.progress),
            (self.tr("Who is stuck"), self.stuck),
        ):
            title = QLabel(f"<b>{label}</b>", self)
            title.setBuddy(table)
            layout.addWidget(title)
            layout.addWidget(table, 1)
            if table is self.requests:
                layout.addWidget(self.more)
        self.query = LiveQuery(session, self._fetch, self._show)
        session.changed.connect(self._on_changes)
        self.ages = QTimer(self)
        self.ages.setInterval(AGES_EVERY_MS)
        self.ages.timeout.connect(lambda: self.query.refresh() if self.isVisible() else None)
        self.ages.start()
        self.query.refresh()

    def _table(self, columns: list[str]) -> QTreeWidget:
        table = QTreeWidget(self)
        table.setRootIsDecorated(False)
        table.setUniformRowHeights(True)
        table.setHeaderLabels(columns)
        table.setAllColumnsShowFocus(True)
        return table

    def _on_changes(self, changes: Changes) -> None:
        if changes.space in self.spaces:
            if changes.touches(DESK_KINDS):
                self.query.refresh()
        elif changes.touches(MEMBER_KINDS):  # a circle joined, or a role given to me
            self.query.refresh()

    async def _fetch(self) -> DeskView:
        from app.services import desk

        return await desk.desk(self.session.commands)

    def _show(self, view: DeskView) -> None:
        self.view = view
        self.spaces = {bytes.fromhex(circle) for circle in view.circle_ids}
        if view.circles:
            where = (
                self.tr("1 circle") if view.circles == 1 else self.tr("{n} circles").format(n=view.circles)
            )
            self.heading.setText(
                self.tr("Teacher's desk — {where} where you teach or mentor").format(where=where)
            )
        else:
            self.heading.setText(
                self.tr("Teacher's desk — you are not a teacher or mentor in any circle yet.")
            )
        self._fill(
            self.requests,
            [
                (
                    (r.circle_id, r.request_id),
                    [age_text(r.age_ms), r.circle, r.title, r.asker, self._status(r.status, r.escalated,
                     r.claimed_by_me), r.assignment],
                )
                for r in view.requests[:SHOWN_AT_MOST]
            ],
        )  # fmt: skip
        hidden = len(view.requests) - SHOWN_AT_MOST
        self.more.setVisible(hidden > 0)
        self.more.setText(self.tr("… and {n} newer requests not listed.").format(n=hidden))
        self._fill(
            self.progress,
            [
                (
                    (p.circle_id, p.assignment_id),
                    [p.circle, p.title, self._phase(p.phase, p.round), of(p.submitted, p.students),
                     of(p.reviews_done, p.reviews_allocated) if p.reviews_allocated else "—",
                     str(p.late) if p.late else "", str(p.requests) if p.requests else ""],
                )
                for p in view.progress
            ],
        )  # fmt: skip
        self._fill(
            self.stuck,
            [
                (
                    (s.circle_id, s.request_id),
                    [s.name, s.circle, age_text(s.oldest_ms), str(s.waiting), str(s.unanswered)],
                )
                for s in view.stuck
            ],
        )

    def _status(self, status: str, escalated: bool, mine: bool) -> str:
        words = [self.tr("escalated") if escalated and status != "escalated" else status]
        if mine:
            words.append(self.tr("claimed by you"))
        return ", ".join(words)

    def _phase(self, phase: str, round_: int) -> str:
        return phase_name(phase, round_)

    def _fill(self, table: QTreeWidget, rows: list[tuple[tuple[str, str], list[str]]]) -> None:
        """Replace the rows, keeping the current one where it still is."""
        current = table.currentItem()
        kept = current.data(0, ROW) if current is not None else None
        table.clear()
        items = []
        for key, texts in rows:
            item = QTreeWidgetItem(texts)
            item.setData(0, ROW, key)
            items.append(item)
        table.addTopLevelItems(items)
        for item in items:
            if item.data(0, ROW) == kept:
                table.setCurrentItem(item)
        if items and not table.property("sized"):  # once, from the first rows only: measuring
            table.setProperty("sized", True)  # every row cost ~30 ms of the first paint
            metrics = table.fontMetrics()
            for column in range(table.columnCount() - 1):  # the last one stretches
                texts = [table.headerItem().text(column), *(item.text(column) for item in items[:20])]
                table.setColumnWidth(column, max(metrics.horizontalAdvance(t) for t in texts) + 24)

    def _activated(self, item: QTreeWidgetItem, signal: SignalInstance) -> None:
        circle, item_id = item.data(0, ROW)
        signal.emit(SpaceId(bytes.fromhex(circle)), item_id)

    def rows(self, table: QTreeWidget) -> list[list[str]]:
        """The texts shown, row by row (tests)."""
        items = (table.topLevelItem(i) for i in range(table.topLevelItemCount()))
        return [[item.text(c) for c in range(table.columnCount())] for item in items if item is not None]
