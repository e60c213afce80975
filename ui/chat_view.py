"""The Chat tab: the circle's chat in causal order, each line with its time of day (the
full date on hover) and a heading ("Today", "Yesterday", "Friday 4 December") where the
day changes, and a line to write in (Enter or Ctrl+Enter sends). Teachers get the
moderation menu on lines. Owns `QtChat`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import discussion
from app.services.rows import Item
from sync.changes import CHAT_KINDS
from ui import wording
from ui.circle import CircleContext, QtCircleTab
from ui.discussion_view import ID, marks
from ui.empty_state import EmptyHint
from ui.item_menu import moderation_menu
from ui.live import LiveQuery


class QtChat(QtCircleTab):
    kinds = CHAT_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.rows: dict[str, Item] = {}
        self.log = QListWidget(self)
        self.log.setWordWrap(True)
        self.log.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.log.customContextMenuRequested.connect(self._menu)
        self.line = QLineEdit(self)
        self.empty = EmptyHint(
            self.log, self.tr("No messages yet — say hello below."), loaded=lambda: self._query.runs > 0
        )
        self.line.setPlaceholderText(self.tr("Say something to the circle…"))
        self.line.returnPressed.connect(self.send)
        self.button = QPushButton(self.tr("Send"), self)
        self.button.clicked.connect(self.send)
        row = QHBoxLayout()
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.log, 1)
        layout.addLayout(row)
        self._query = LiveQuery(
            self.session, lambda: discussion.chat_log(self.session.commands, circle.space), self._show
        )
        self._query.refresh()

    def on_touched(self) -> None:
        self._query.refresh()

    def on_roles(self) -> None:
        self._query.refresh()

    def _show(self, lines: list[Item]) -> None:
        at_end = self.log.verticalScrollBar().value() == self.log.verticalScrollBar().maximum()
        self.log.clear()
        self.rows = {row.id: row for row in lines}
        now, day = wording.local_now(), ""
        for row in lines:
            if wording.day_of(row.created, now) != day:
                day = wording.day_of(row.created, now)
                self._add_heading(wording.day_heading(row.created, now))
            when = wording.clock(row.created, now)
            text = row.text if not row.redacted else self.tr("(redacted by a teacher)")
            item = QListWidgetItem(f"{when}  {row.author_name}: {text}{marks(self, row)}")
            item.setToolTip(wording.full(row.created, now))
            item.setData(ID, row.id)
            self.log.addItem(item)
        if at_end:
            self.log.scrollToBottom()

    def _add_heading(self, text: str) -> None:
        heading = QListWidgetItem(text)
        heading.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: no line of the chat
        heading.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.log.addItem(heading)

    def _menu(self, at: QPoint) -> None:
        item = self.log.itemAt(at)
        row = self.rows.get(item.data(ID)) if item is not None else None
        menu = moderation_menu(self, self.circle, row) if row is not None else None
        if menu is not None:
            menu.popup(self.log.viewport().mapToGlobal(at))

    def send(self) -> None:
        text = self.line.text()
        if not text.strip():
            return
        commands, space = self.session.commands, self.circle.space
        self.session.run(lambda: discussion.chat(commands, space, text), lambda _: self.line.clear())
