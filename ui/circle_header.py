"""The head of a circle's page: its name (elided, the whole of it in the tooltip), who I
am there and how many people it has ("You are a teacher · 12 people"), and its
description when it has one.

Owns `QtCircleHeader`. Reads the members from the page's `CircleContext` and the
description through `Commands.circle_rows`. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.circle import CircleContext
from ui.live import LiveQuery
from ui.wording import plural

if TYPE_CHECKING:
    from app.services.rows import CircleRow


class QtCircleHeader(QWidget):
    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circle = circle
        self.name = QLabel(self)
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.name.setFont(font)
        self.name.setToolTip(circle.name)
        self.name.setText(circle.name)
        # Its width is what the row leaves (the name elided to it), never the name's own.
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.about = QLabel(self)  # my role, how many people

        self.about.setWordWrap(True)
        self.about.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.description.hide()
        layout = QVBoxLayout(self)  # lines that wrap or elide: never wider than the page
        layout.setContentsMargins(6, 4, 6, 2)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addWidget(self.about)
        layout.addWidget(self.description)
        self._query = LiveQuery(circle.session, self._fetch, self._show_row)
        circle.roles_changed.connect(self._roles)
        self._query.refresh()
        self._roles()

    async def _fetch(self) -> CircleRow | None:
        rows = await self.circle.session.commands.circle_rows()
        return next((row for row in rows if row.circle_id == self.circle.space.hex()), None)

    def _show_row(self, row: CircleRow | None) -> None:
        text = row.description.strip() if row is not None else ""
        self.description.setText(text)
        self.description.setVisible(bool(text))

    def _roles(self) -> None:
        roles = {
            "owner": self.tr("You own this circle"),
            "teacher": self.tr("You are a teacher"),
            "mentor": self.tr("You are a mentor"),
            "member": self.tr("You are a student"),
        }
        mine = next((m for m in self.circle.members if m.device == self.circle.session.me), None)
        people = len(self.circle.members)
        parts = [roles.get(mine.role, "")] if mine is not None else []
        if people:
            parts.append(plural(self.tr("%n (person/people)", "", people), people))
        self.about.setText("  ·  ".join(part for part in parts if part))
        self._query.refresh()  # the description may have moved with the members

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(self.width() - 16, 60)
        self.name.setText(
            QFontMetrics(self.name.font()).elidedText(self.circle.name, Qt.TextElideMode.ElideRight, room)
        )
