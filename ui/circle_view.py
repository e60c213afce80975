"""One circle: its tabs (Discussion, Chat, Help desk, Assignments, Resources, Members) over one
`CircleContext`. Owns `QtCircle`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from sync.ids import SpaceId
from ui.assignments_view import QtAssignments
from ui.chat_view import QtChat
from ui.circle import CircleContext
from ui.discussion_view import QtDiscussion
from ui.helpdesk_view import QtHelpDesk
from ui.members_view import QtMembers
from ui.resources_view import QtResources
from ui.session import Session


class QtCircle(QWidget):
    def __init__(self, session: Session, space: SpaceId, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = CircleContext(session, space, name, self)
        self.discussion = QtDiscussion(self.context, self)
        self.chat = QtChat(self.context, self)
        self.helpdesk = QtHelpDesk(self.context, self)
        self.assignments = QtAssignments(self.context, self)
        self.resources = QtResources(self.context, self)
        self.members = QtMembers(self.context, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.discussion, self.tr("Discussion"))
        self.tabs.addTab(self.chat, self.tr("Chat"))
        self.tabs.addTab(self.helpdesk, self.tr("Help desk"))
        self.tabs.addTab(self.assignments, self.tr("Assignments"))
        self.tabs.addTab(self.resources, self.tr("Resources"))
        self.tabs.addTab(self.members, self.tr("Members"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def new_item(self) -> None:
        """Ctrl+N: a help request on the Help desk, a resource in Resources, else a thread."""
        current = self.tabs.currentWidget()
        if current is self.helpdesk:
            self.helpdesk.ask()
        elif current is self.resources:
            self.resources.new_item()
        else:
            self.tabs.setCurrentWidget(self.discussion)
            self.discussion.new_item()

    def start_search(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.helpdesk:
            self.helpdesk.filter.setFocus()
        elif current is self.chat:
            self.chat.line.setFocus()
        else:
            self.discussion.threads.setFocus()
