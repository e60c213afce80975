"""The Coaching page (Ctrl+Shift+K, Circle menu): three tabs — *My pairs*
(`ui.pairs_view`), *Find a coach* (`ui.find_coach_view`) and *Messages*
(`ui.messages_view`). An offer accepted in Find a coach opens its pair or conversation.

Owns `QtCoaching`. Imported when the page is first shown. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from sync.ids import SpaceId
from ui.find_coach_view import QtFindCoach
from ui.messages_view import QtMessages
from ui.pairs_view import QtPairs
from ui.session import Session


class QtCoaching(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pairs = QtPairs(session, self)
        self.finder = QtFindCoach(session, self)
        self.messages = QtMessages(session, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.pairs, self.tr("My &pairs"))
        self.tabs.addTab(self.finder, self.tr("&Find a coach"))
        self.tabs.addTab(self.messages, self.tr("&Messages"))
        self.finder.joined.connect(self._joined)
        self.finder.proposed.connect(
            lambda purpose: (self.pairs if purpose == "pair" else self.messages).query.refresh()
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _joined(self, space: SpaceId, purpose: str) -> None:
        if purpose == "pair":
            self.pairs.pair = space
            self.pairs.query.refresh()
            self.tabs.setCurrentWidget(self.pairs)
        else:
            self.messages.show_conversation(space)
            self.tabs.setCurrentWidget(self.messages)
