"""One circle: its header (`ui.circle_header`: name, my role, people, description) over
its tabs (Discussion, Chat, Help desk, Assignments, Resources, Surveys, Members), all on one
`CircleContext`. Owns `QtCircle`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStyle, QTabWidget, QVBoxLayout, QWidget

from app.services.rows import SearchHit
from sync.ids import SpaceId
from ui.assignments_view import QtAssignments
from ui.chat_view import QtChat
from ui.circle import CircleContext
from ui.circle_header import QtCircleHeader
from ui.discussion_view import QtDiscussion
from ui.helpdesk_view import QtHelpDesk
from ui.members_view import QtMembers
from ui.resources_view import QtResources
from ui.search_view import QtSearchBar
from ui.session import Session
from ui.surveys_view import QtSurveys


class _Tabs(QTabWidget):
    """Tabs as narrow as the tab shown allows: a QTabWidget is otherwise as wide as its
    widest tab, hidden ones included (the Assignments tab's 406 px took the room the
    Peers panel needs beside a discussion at 800×600)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        whole, current = super().minimumSizeHint(), self.currentWidget()
        if current is None:
            return whole
        frame = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + 4
        return QSize(current.minimumSizeHint().width() + frame, whole.height())


class QtCircle(QWidget):
    def __init__(self, session: Session, space: SpaceId, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = CircleContext(session, space, name, self)
        self.header = QtCircleHeader(self.context, self)
        self.discussion = QtDiscussion(self.context, self)
        self.chat = QtChat(self.context, self)
        self.helpdesk = QtHelpDesk(self.context, self)
        self.assignments = QtAssignments(self.context, self)
        self.resources = QtResources(self.context, self)
        self.members = QtMembers(self.context, self)
        self.surveys = QtSurveys(self.context, self)
        self.tabs = _Tabs(self)
        self.tabs.addTab(self.discussion, self.tr("Discussion"))
        self.tabs.addTab(self.chat, self.tr("Chat"))
        self.tabs.addTab(self.helpdesk, self.tr("Help desk"))
        self.tabs.addTab(self.assignments, self.tr("Assignments"))
        self.tabs.addTab(self.resources, self.tr("Resources"))
        self.tabs.addTab(self.surveys, self.tr("Surveys"))
        self.tabs.addTab(self.members, self.tr("Members"))
        self.search = QtSearchBar(session, space, self)
        self.search.chosen.connect(self.open_hit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.search)
        layout.addWidget(self.tabs, 1)

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
        """Ctrl+F: search this circle's posts, help, resources and chat."""
        self.search.start()

    def open_hit(self, hit: SearchHit) -> None:
        """Show a search hit where it lives: its thread, its request, the resource, the chat."""
        if hit.type in ("thread", "reply"):
            self.tabs.setCurrentWidget(self.discussion)
            self.discussion.show_thread(hit.opens)
        elif hit.type in ("help", "answer", "progress"):
            self.tabs.setCurrentWidget(self.helpdesk)
            self.helpdesk.show_request(hit.opens)
        elif hit.type == "resource":
            self.tabs.setCurrentWidget(self.resources)
            self.resources.show_resource(hit.opens)
        else:
            self.tabs.setCurrentWidget(self.chat)
