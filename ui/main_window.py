"""The main window: a sidebar with My notes and the person's circles, the chosen page on
the right, menus and shortcuts (Ctrl+N new, Ctrl+F search, Ctrl+Q quit), the sync status
bar, and window geometry plus the last open circle kept in `QSettings`.

Each circle in the sidebar shows how many items others added since the person last had
it open ("Algebra (3)", `app.services.unread`); the mark of what was seen is kept per circle in
`QSettings` (the data directory's desktop.ini), never in the circle itself. Only circles
the person is still in are listed; *Leave circle…* (menu, or the sidebar's context
menu) asks first, then leaves as `circle leave` does.

Given a glance (`app.services.glance`, `ui.launcher`), the window opens with its circles, their
counts and My notes' first page before the core is up; the core's first reads then
find the same and change nothing on screen. A circle chosen meanwhile opens once the
data is open (its page reads through the core); until then a line says so.

Owns `MainWindow`; emits `closed` when the person closes it (the launcher then stops
the runtime so trio finishes before Qt quits). GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileIconProvider,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from sync.ids import SpaceId
from ui.live import LiveQuery
from ui.notes_view import QtNotes
from ui.notifications import Notice, QtNotifier
from ui.session import Session
from ui.status import QtSyncStatus

if TYPE_CHECKING:  # imported when first used: not on the way to the first paint
    from PySide6.QtGui import QCloseEvent

    from app.services.glance import Glance
    from sync.changes import Changes
    from ui.circle_view import QtCircle
    from ui.dialogs import LeaveDialog
    from ui.peers_view import QtPeers

SPACE = Qt.ItemDataRole.UserRole
NAME = Qt.ItemDataRole.UserRole + 1  # the circle's name; the text may add an unread count
NOTES = "notes"


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        session: Session,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        glance: Glance | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        name = glance.name if glance is not None else session.my_name
        self.setWindowTitle(self.tr("StudyCircle — {name}").format(name=name))
        self.circles: dict[SpaceId, QtCircle] = {}
        self.circle_names: list[tuple[SpaceId, str]] = []
        self._pending_open: SpaceId | None = None  # a circle just made or joined: show it once listed
        self._restored_last = False
        self.unread: dict[SpaceId, int] = {}
        self._marks: dict[SpaceId, int] = {}  # seen, per circle (`app.services.unread`), as in settings
        self._looking: SpaceId | None = None  # the circle on screen: it has nothing unread

        self.sidebar = QListWidget(self)
        self.sidebar.setMaximumWidth(260)
        self.sidebar.currentItemChanged.connect(self._page_chosen)
        self.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        self.leave_box: LeaveDialog | None = None
        # The style's file, folder and computer icons, without PySide6 building its QStyle
        # type and enums (~10 ms of the start: the first paint needs no other QStyle).
        self.icons = QFileIconProvider()
        self.pages = QStackedWidget(self)
        self.notes = QtNotes(session, self, glance=glance)
        self.pages.addWidget(self.notes)
        self.opening = QLabel(self.tr("Opening the circle: StudyCircle is starting…"), self)
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.opening)  # a circle chosen before the data is open
        notes_item = QListWidgetItem(
            self.icons.icon(QFileIconProvider.IconType.File), self.tr("My notes")
        )
        notes_item.setData(SPACE, NOTES)
        self.sidebar.addItem(notes_item)
        splitter = QSplitter(self)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)

        self.peers_dock = QDockWidget(self.tr("Peers"), self)
        self.peers_dock.setObjectName("peers")
        self._peers: QtPeers | None = None  # built when the dock is first shown
        self.peers_dock.visibilityChanged.connect(lambda shown: self.peers if shown else None)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.peers_dock)
        self.peers_dock.hide()
        self.sync_status = QtSyncStatus(session, self)
        self.statusBar().addPermanentWidget(self.sync_status)
        session.runtime.failed.connect(self.show_error)
        self._menus()
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = self.icons.icon(QFileIconProvider.IconType.Computer)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("StudyCircle"))
            self.tray.messageClicked.connect(self._notice_clicked)
            self.tray.activated.connect(lambda _: self._bring_forward())
            self.tray.show()
        self.notifier = QtNotifier(session, self, tray=self.tray)

        self._circles_query = LiveQuery(session, self._fetch_circles, self._show_circles)
        self._unread_query = LiveQuery(session, self._fetch_unread, self._show_unread)
        session.changed.connect(self._on_changes)
        session.ready.connect(self._data_open)
        if glance is not None:  # shown now; the core reads them again once it is up
            self.unread = dict(glance.unread)
            self._show_circles(glance.circles)
            self._show_counts()
        self._circles_query.refresh()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)

    @property
    def peers(self) -> QtPeers:
        """The Peers panel (the dock's), built on first use: the window opens without it."""
        if self._peers is None:
            from ui.peers_view import QtPeers

            self._peers = QtPeers(self.session, self)
            self.peers_dock.setWidget(self._peers)
        return self._peers

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Circle"))
        for label, keys, handler in (
            (self.tr("&New circle…"), "Ctrl+Shift+N", self.new_circle),
            (self.tr("&Join with an invite code…"), "Ctrl+J", self.join_circle),
            (self.tr("&Leave circle…"), "", lambda: self.leave_circle()),
            (self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(label, self)
            action.setShortcut(keys)
            action.triggered.connect(handler)
            file_menu.addAction(action)
        self.leave_action = file_menu.actions()[2]
        self.leave_action.setEnabled(False)  # while a circle is open
        network_menu = self.menuBar().addMenu(self.tr("&Network"))
        peers_action = self.peers_dock.toggleViewAction()
        peers_action.setText(self.tr("&Peers"))
        peers_action.setShortcut("Ctrl+Shift+P")
        network_menu.addAction(peers_action)
        connect_action = QAction(self.tr("&Connect to address…"), self)
        connect_action.triggered.connect(self.connect_to_address)
        network_menu.addAction(connect_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        for label, keys, handler in (
            (self.tr("&New thread / note"), QKeySequence.StandardKey.New, self.new_item),
            (self.tr("&Find"), QKeySequence.StandardKey.Find, self.start_search),
        ):
            action = QAction(label, self)
            action.setShortcut(keys)
            action.triggered.connect(handler)
            edit_menu.addAction(action)

    # -- circles in the sidebar --------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        if any(space == changes.space for space, _ in self.circle_names):
            self._unread_query.refresh()
            from sync.changes import MEMBER_KINDS  # loaded by now (the core reported this)

            if changes.touches(MEMBER_KINDS):
                self._circles_query.refresh()  # I may have left, or been removed
        elif changes.space != self.notes.space:
            self._circles_query.refresh()  # a circle created, joined, or its first ops arrived

    async def _fetch_circles(self) -> list[tuple[SpaceId, str]]:
        from app.services import membership

        commands = self.session.commands
        circles = await commands.circles()
        current = await membership.current_circles(commands)
        return [(space, name) for space, name in circles if space in current]

    def _show_circles(self, circles: list[tuple[SpaceId, str]]) -> None:
        self.circle_names = circles
        self.notes.circles = circles
        listed = {space for space, _ in circles}
        for i in reversed(range(self.sidebar.count())):
            space = self.sidebar.item(i).data(SPACE)
            if space != NOTES and space not in listed:
                self._drop_circle(space)
        known = {self.sidebar.item(i).data(SPACE) for i in range(self.sidebar.count())}
        icon = self.icons.icon(QFileIconProvider.IconType.Folder)
        for space, name in circles:
            if space not in known:
                item = QListWidgetItem(icon, name)
                item.setData(SPACE, space)
                item.setData(NAME, name)
                self.sidebar.addItem(item)
                mark = self._stored_mark(space)
                if mark is not None:
                    self._marks[space] = mark
        self._unread_query.refresh()
        if self._pending_open is not None and any(space == self._pending_open for space, _ in circles):
            self.open_page(self._pending_open)
            self._pending_open = None
            self.statusBar().clearMessage()
        elif not self._restored_last:  # the first list: reopen where the person left off
            self._restored_last = True
            last = _stored_space(self.settings.value("circle/last"))
            self.open_page(last if last in listed else NOTES)
        elif self.sidebar.currentItem() is None:
            self.open_page(NOTES)

    def open_page(self, key: SpaceId | bytes | str) -> None:
        for i in range(self.sidebar.count()):
            if self.sidebar.item(i).data(SPACE) == key:
                self.sidebar.setCurrentRow(i)
                return
        self.sidebar.setCurrentRow(0)

    def _page_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        key = item.data(SPACE)
        self._looking = None if key == NOTES else key
        self.leave_action.setEnabled(key != NOTES)
        if key == NOTES:
            self.pages.setCurrentWidget(self.notes)
            return
        self.unread[key] = 0  # seen now; the next count stores the mark
        self._show_counts()
        self._unread_query.refresh()
        page = self.circles.get(key)
        if page is None and not self.session.is_open:  # its page reads through the core
            self.pages.setCurrentWidget(self.opening)
            return
        if page is None:
            # A circle's page and its tabs' modules: ~40 ms of imports the start of a window
            # opening on My notes does without (bench/startup.py, docs/benchmarks.md).
            from ui.circle_view import QtCircle

            page = self.circles[key] = QtCircle(self.session, key, item.data(NAME), self)
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)

    def _data_open(self) -> None:
        """The session is open: a circle chosen while it was starting opens now."""
        current = self.sidebar.currentItem()
        if current is not None and self.pages.currentWidget() is self.opening:
            self._page_chosen(current)

    # -- leaving a circle ---------------------------------------------------------------
    def _sidebar_menu(self, at: QPoint) -> None:
        item = self.sidebar.itemAt(at)
        if item is None or item.data(SPACE) == NOTES:
            return
        menu = self.sidebar_menu(item.data(SPACE))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.sidebar.viewport().mapToGlobal(at))

    def sidebar_menu(self, space: SpaceId) -> QMenu:
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Open"))
        open_action.setObjectName("open")
        open_action.triggered.connect(lambda: self.open_page(space))
        leave = menu.addAction(self.tr("Leave circle…"))
        leave.setObjectName("leave")
        leave.triggered.connect(lambda: self.leave_circle(space))
        return menu

    def leave_circle(self, space: SpaceId | None = None) -> None:
        """Ask, then leave `space` (default: the circle open)."""
        if space is None:
            current = self.sidebar.currentItem()
            space = current.data(SPACE) if current is not None else None
        name = next((name for known, name in self.circle_names if known == space), None)
        if space is None or space == NOTES or name is None:
            return
        from ui.dialogs import LeaveDialog

        box = self.leave_box = LeaveDialog(name, self)
        box.leave.clicked.connect(lambda: self._leave(space, name))
        box.open()

    def _leave(self, space: SpaceId, name: str) -> None:
        session = self.session

        def left(_: object) -> None:
            self._drop_circle(space)
            self.statusBar().showMessage(self.tr("You left {name}.").format(name=name), 8000)
            self._circles_query.refresh()

        self.session.run(lambda: session.commands.leave(space), left)  # read once open

    def _drop_circle(self, space: SpaceId) -> None:
        for i in range(self.sidebar.count()):
            if self.sidebar.item(i).data(SPACE) == space:
                was_current = self.sidebar.currentRow() == i
                self.sidebar.takeItem(i)
                if was_current:
                    self.open_page(NOTES)
                break
        # The page stays in the stack, unseen: deleting it (or removeWidget, which hands it
        # to Python to delete) would pull widgets from under queries still answering.
        self.circles.pop(space, None)
        self.circle_names = [(known, name) for known, name in self.circle_names if known != space]
        self.notes.circles = self.circle_names

    # -- unread counts ----------------------------------------------------------------
    def _stored_mark(self, space: SpaceId) -> int | None:
        value = self.settings.value(f"unread/{space.hex()}")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    async def _fetch_unread(self) -> tuple[int, dict[SpaceId, int], SpaceId | None]:
        from app.services import unread

        looking, marks = self._looking, dict(self._marks)  # plain values: no Qt off the GUI thread
        now, counts = await unread.counts(self.session.commands, marks)
        return now, counts, looking

    def _show_unread(self, result: tuple[int, dict[SpaceId, int], SpaceId | None]) -> None:
        now, counts, looked_at = result
        for space, _ in self.circle_names:
            # A circle never marked (new here) starts with nothing unread; one on screen
            # during the count, or now, has been seen up to this count.
            if space not in counts or space in (looked_at, self._looking):
                self._marks[space] = now
                self.settings.setValue(f"unread/{space.hex()}", now)
                counts[space] = 0
        self.unread = counts
        self._show_counts()

    def _show_counts(self) -> None:
        for i in range(self.sidebar.count()):
            item = self.sidebar.item(i)
            space = item.data(SPACE)
            if space == NOTES:
                continue
            count = self.unread.get(space, 0)
            name = item.data(NAME)
            item.setText(self.tr("{name} ({count})").format(name=name, count=count) if count else name)
            item.setToolTip(self.tr("%n new item(s) since you last looked", "", count) if count else "")
            font = item.font()
            font.setBold(count > 0)
            item.setFont(font)

    def _bring_forward(self) -> None:
        self.showNormal()
        self.activateWindow()

    def _notice_clicked(self) -> None:
        """The tray's last message was clicked: show its request."""
        if self.notifier.shown:
            self.show_notice(self.notifier.shown[-1])

    def show_notice(self, notice: Notice) -> None:
        self.showNormal()
        self.activateWindow()
        page = self.circle(notice.space)
        page.tabs.setCurrentWidget(page.helpdesk)
        page.helpdesk.show_request(notice.request)

    def circle(self, space: SpaceId) -> QtCircle:
        """The page of `space`, opened (tests and the screenshot script use this)."""
        self.open_page(space)
        return self.circles[space]

    # -- actions ----------------------------------------------------------------------
    def new_item(self) -> None:
        page = self._item_page()
        if page is not None:
            page.new_item()

    def start_search(self) -> None:
        page = self._item_page()
        if page is not None:
            page.start_search()

    def _item_page(self) -> QtCircle | QtNotes | None:
        page = self.pages.currentWidget()
        if page is self.notes:
            return self.notes
        return next((circle for circle in self.circles.values() if circle is page), None)

    def new_circle(self) -> None:
        from ui.dialogs import LineDialog

        dialog = LineDialog(
            self.tr("New circle"), self.tr("Name"), self.tr("e.g. Linear algebra, group B"), self
        )
        dialog.accepted.connect(lambda: self._create(dialog.value()))
        dialog.open()

    def _create(self, name: str) -> None:
        session = self.session
        self.session.run(lambda: session.commands.create_circle(name), self._created)  # once open

    def _created(self, space: SpaceId) -> None:
        self._pending_open = space
        self._circles_query.refresh()

    def join_circle(self) -> None:
        from ui.dialogs import LineDialog

        dialog = LineDialog(self.tr("Join a circle"), self.tr("Invite code"), "sc2.…", self)
        dialog.accepted.connect(lambda: self.join(dialog.value()))
        dialog.open()

    def join(self, code: str) -> None:
        core = self.session.core
        if core is None:  # the network is still starting: join as soon as it is up
            self.statusBar().showMessage(self.tr("Joining: starting the network first…"))
            self.session.online.connect(lambda: self.join(code), Qt.ConnectionType.SingleShotConnection)
            return
        self.statusBar().showMessage(self.tr("Joining: fetching the circle from the inviter…"))
        self.session.run(lambda: core.join(code), self._created)

    def connect_to_address(self) -> None:
        self.peers_dock.show()
        self.peers.ask_address()

    def dial(self, address: str) -> None:
        """Dial a peer (`--connect`): as soon as the network is up; failures are shown."""
        core = self.session.core
        if core is None:
            self.session.online.connect(lambda: self.dial(address), Qt.ConnectionType.SingleShotConnection)
            return
        self.session.run(
            lambda: core.sync.connect(address),
            None,
            lambda error: self.show_error(
                self.tr("Could not connect to {address}: {error}").format(address=address, error=error)
            ),
        )

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage("⚠ " + message, 15000)

    # -- closing ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        current = self.sidebar.currentItem()
        if current is not None:
            key = current.data(SPACE)
            self.settings.setValue("circle/last", key if key == NOTES else bytes(key).hex())
        self.settings.sync()
        event.accept()
        self.closed.emit()


def stored_marks(settings: QSettings) -> dict[bytes, int]:
    """Every circle's mark of what was seen, as `MainWindow` keeps them (for `app.services.glance`)."""
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


def _stored_space(value: object) -> bytes | None:
    """The circle a setting names (hex), if it names one."""
    if not isinstance(value, str) or value == NOTES:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None
