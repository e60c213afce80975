"""Direct messages (the Coaching page's third tab): my conversations with members of a
shared circle on the left (each a two-member space of its own, end-to-end encrypted;
one is started from *Find a coach*, "Send a message…"), the chosen one's messages, and a
line to write in (Enter or Ctrl+Enter sends).

Re-read live when a message arrives in the conversation shown, or a conversation is
joined. Owns `QtMessages`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services import messages
from app.services.rows import DirectMessage
from sync.changes import MEMBER_KINDS, Changes
from sync.ids import SpaceId
from ui import wording
from ui.empty_state import EmptyHint
from ui.live import LiveQuery
from ui.session import Session

ID = Qt.ItemDataRole.UserRole


class QtMessages(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.conversations: list[tuple[SpaceId, str]] = []
        self.current: SpaceId | None = None
        self.list = QListWidget(self)
        self.list.setObjectName("conversations")
        self.list.currentItemChanged.connect(self._chosen)
        self.list_empty = EmptyHint(
            self.list,
            self.tr("No conversations yet — start one from Find a coach, Send a message…"),
            loaded=lambda: self.query.runs > 0,
        )
        self.log = QListWidget(self)
        self.log.setWordWrap(True)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self.tr("Write a message…"))
        self.line.returnPressed.connect(self.send)
        send_keys = QShortcut(QKeySequence("Ctrl+Return"), self.line)
        send_keys.activated.connect(self.send)
        self.button = QPushButton(self.tr("&Send"), self)
        self.button.clicked.connect(self.send)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.hide()
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.addWidget(self.log, 1)
        column.addWidget(self.problem)
        row = QHBoxLayout()
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        column.addLayout(row)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.query = LiveQuery(session, lambda: messages.conversations(session.commands), self._show_list)
        self.log_query = LiveQuery(session, self._fetch_log, self._show_log)
        session.changed.connect(self._on_changes)
        self.query.refresh()

    def _on_changes(self, changes: Changes) -> None:
        if changes.space == self.current:
            self.log_query.refresh()
        if changes.touches(MEMBER_KINDS) and changes.space not in {s for s, _ in self.conversations}:
            self.query.refresh()  # a conversation joined, perhaps

    def _show_list(self, rows: list[tuple[SpaceId, str]]) -> None:
        self.conversations = rows
        kept = self.current
        self.list.blockSignals(True)
        self.list.clear()
        for space, name in rows:
            item = QListWidgetItem(name.removeprefix("Messages: "))
            item.setData(ID, space.hex())
            self.list.addItem(item)
            if space == kept:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def show_conversation(self, space: SpaceId) -> None:
        """Choose `space` once listed (a conversation just accepted)."""
        self.current = space
        self.query.refresh()
        self.log_query.refresh()

    def _chosen(self, item: QListWidgetItem | None) -> None:
        self.current = SpaceId(bytes.fromhex(item.data(ID))) if item is not None else None
        self.log_query.refresh()

    async def _fetch_log(self) -> list[DirectMessage]:
        if self.current is None:
            return []
        return await messages.read(self.session.commands, self.current)

    def _show_log(self, rows: list[DirectMessage]) -> None:
        self.log.clear()
        now = wording.local_now()
        for row in rows:
            item = QListWidgetItem(f"{wording.clock(row.created, now)}  {row.author_name}: {row.text}")
            item.setToolTip(wording.full(row.created, now))
            if row.mine:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight)
            self.log.addItem(item)
        self.log.scrollToBottom()

    def send(self) -> None:
        text, space = self.line.text(), self.current
        if not text.strip() or space is None:
            return
        commands = self.session.commands
        self.problem.hide()

        def sent(_: object) -> None:
            self.line.clear()
            self.log_query.refresh()

        def failed(message: str) -> None:
            self.problem.setText("⚠ " + message)
            self.problem.show()

        self.session.run(lambda: messages.send(commands, space, text), sent, failed)
