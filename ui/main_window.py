"""The main window: the sidebar (`ui.sidebar`: My notes and the person's circles, with
their unread counts, `ui.unread_counts`) beside the chosen page, the menus and shortcuts
(`ui.menus`), the sync status bar (`ui.status`), the Peers dock, tray notices, and the
geometry and last page kept between runs (`ui.window_state`).

The Coaching page (`ui.coaching_view`: my pairs, Find a coach, direct messages; built on
first use) opens from the menu (Ctrl+Shift+K). Pairs and conversations are spaces of
their own but not circles: the sidebar does not list them.

The Teacher's desk (`ui.desk_view`, built on first use) is a page of its own, opened
from the menu (Ctrl+Shift+D); it is the first page shown when the window was closed on
it, or on a first start of a person given a teacher's or mentor's role in a circle. Its
rows open their item in its circle.

Only circles the person is still in are listed; *Leave circle…* (menu, or the sidebar's
context menu) asks first, then leaves as `circle leave` does.

Given a glance (`app.services.glance`, `ui.launcher`), the window opens with its circles, their
counts and My notes' first page before the core is up; the core's first reads then
find the same and change nothing on screen. A circle chosen meanwhile opens once the
data is open (its page reads through the core); until then a line says so.

Closing (Ctrl+Q) first saves a note being written (`QtNotes.flush`).

Owns `MainWindow`; emits `closed` when the person closes it (the launcher then stops
the runtime so trio finishes before Qt quits). GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFileIconProvider,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QWidget,
)

from sync.ids import SpaceId
from ui import window_state
from ui.live import LiveQuery
from ui.menus import add_menus
from ui.notes_view import QtNotes
from ui.notifications import Notice, QtNotifier
from ui.session import Session
from ui.sidebar import NAME, NOTES, SPACE, QtSidebar
from ui.status import QtSyncStatus
from ui.unread_counts import UnreadCounts

DESK = "desk"  # the desk as the page the window was closed on (`window_state`)

if TYPE_CHECKING:  # imported when first used: not on the way to the first paint
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QShowEvent

    from app.services.glance import Glance
    from app.services.rows import SearchHit
    from sync.changes import Changes
    from ui.circle_view import QtCircle
    from ui.coaching_view import QtCoaching
    from ui.desk_view import QtDesk
    from ui.dialogs import LeaveDialog, LineDialog
    from ui.peers_view import QtPeers
    from ui.recognition_view import QtRecognition
    from ui.search_view import SearchEverywhereDialog


class _Pages(QStackedWidget):
    """The pages, as narrow as the page shown allows: a QStackedWidget is otherwise as wide
    as its widest page, hidden ones included, which squeezed the sidebar and the Peers
    panel on every page at 800×600."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


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
        self._close_anyway = False  # closing waited once for the open note to be saved
        self._desk: QtDesk | None = None
        self._coaching: QtCoaching | None = None
        self.private: set[SpaceId] = set()  # pairs and conversations: not listed as circles
        self.recognition: QtRecognition | None = None  # the contributions window last opened
        self.teaching: list[int] = []  # my level in each circle where I teach or mentor

        self.sidebar = QtSidebar(self)
        self.sidebar.currentItemChanged.connect(self._page_chosen)
        self.sidebar.leave_asked.connect(self.leave_circle)
        self.leave_box: LeaveDialog | None = None
        self.search_dialog: SearchEverywhereDialog | None = None
        self.join_dialog: LineDialog | None = None
        self.pages = _Pages(self)
        self.notes = QtNotes(session, self, glance=glance)
        self.notes.source_asked.connect(self.open_page)
        self.pages.addWidget(self.notes)
        self.opening = QLabel(self.tr("Opening the circle: StudyCircle is starting…"), self)
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.opening)  # a circle chosen before the data is open
        splitter = self.splitter = QSplitter(self)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)  # the sidebar keeps its width; the page takes the rest
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)  # hidden with Ctrl+B, not by a drag that loses it
        splitter.setCollapsible(1, False)
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
        self.leave_action, self.sidebar_action = add_menus(self)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = self.sidebar.icons.icon(QFileIconProvider.IconType.Computer)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("StudyCircle"))
            self.tray.messageClicked.connect(self._notice_clicked)
            self.tray.activated.connect(lambda _: self._bring_forward())
            self.tray.show()
        self.notifier = QtNotifier(session, self, tray=self.tray)

        self._circles_query = LiveQuery(session, self._fetch_circles, self._show_listing)
        listed = lambda: (space for space, _ in self.circle_names)  # noqa: E731
        self.unread = UnreadCounts(session, settings, self.sidebar, listed=listed)
        self._unread_query = self.unread.query  # the window's two queries, side by side (tests)
        session.changed.connect(self._on_changes)
        session.ready.connect(self._data_open)
        if glance is not None:  # shown now; the core reads them again once it is up
            self.unread.counts = dict(glance.unread)
            self._show_circles(glance.circles)
            self.unread.paint()
        self._circles_query.refresh()
        window_state.restore_geometry(self, settings)
        self._fitted = False

    @property
    def peers(self) -> QtPeers:
        """The Peers panel (the dock's), built on first use: the window opens without it."""
        if self._peers is None:
            from ui.peers_view import QtPeers

            self._peers = QtPeers(self.session, self)
            self.peers_dock.setWidget(self._peers)
        return self._peers

    # -- circles in the sidebar --------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        if any(space == changes.space for space, _ in self.circle_names):
            self._unread_query.refresh()
            from sync.changes import MEMBER_KINDS  # loaded by now (the core reported this)

            if changes.touches(MEMBER_KINDS):
                self._circles_query.refresh()  # I may have left, or been removed
        elif changes.space != self.notes.space and changes.space not in self.private:
            self._circles_query.refresh()  # a circle created, joined, or its first ops arrived

    async def _fetch_circles(
        self,
    ) -> tuple[list[tuple[SpaceId, str]], list[tuple[SpaceId, str]], list[int]]:
        """The circles this device is a member of, those it waits to be admitted to, and my
        level in those where I teach or mentor."""
        from app.services import coaching, desk, membership

        commands = self.session.commands
        circles = await commands.circles()
        current = await membership.current_circles(commands)
        waiting = await membership.waiting_circles(commands)
        roles = await desk.my_roles(commands)
        self.private = await coaching.private_spaces(commands)
        current -= self.private
        waiting = [(space, name) for space, name in waiting if space not in self.private]
        return [(space, name) for space, name in circles if space in current], waiting, roles

    def _show_listing(
        self, listing: tuple[list[tuple[SpaceId, str]], list[tuple[SpaceId, str]], list[int]]
    ) -> None:
        circles, waiting, self.teaching = listing
        self._show_circles(circles)
        self.sidebar.show_waiting(waiting)  # after them, greyed

    def _show_circles(self, circles: list[tuple[SpaceId, str]]) -> None:
        self.circle_names = circles
        self.notes.circles = circles
        listed = {space for space, _ in circles}
        for space in reversed(self.sidebar.circles()):
            if space not in listed:
                self._drop_circle(space)
        for space in self.sidebar.add_circles(circles):
            self.unread.listed(space)
        self.unread.refresh()
        if self._pending_open is not None and any(space == self._pending_open for space, _ in circles):
            self.open_page(self._pending_open)
            self._pending_open = None
            self.statusBar().clearMessage()
        elif not self._restored_last:  # the first list: reopen where the person left off
            self._restored_last = True
            last = window_state.last_circle(self.settings)
            if self._desk_first():
                self.show_desk()
            else:
                self.open_page(last if last in listed else NOTES)
        elif self.sidebar.currentItem() is None and self.pages.currentWidget() not in (
            self._desk,
            self._coaching,
        ):  # (the desk and the Coaching page are shown with no row current)
            self.open_page(NOTES)

    def open_page(self, key: SpaceId | bytes | str) -> None:
        self.sidebar.select(key)

    # -- the teacher's desk -------------------------------------------------------------
    def _desk_first(self) -> bool:
        """The window was closed on the desk, or this is a first start and someone made me
        a teacher or mentor somewhere (an owner of their own circles only is not asked)."""
        last = self.settings.value("circle/last")
        if last == DESK:
            return True
        from sync.policy import Level

        return last is None and any(level < Level.OWNER for level in self.teaching)

    @property
    def desk(self) -> QtDesk:
        """The desk page, built on first use."""
        if self._desk is None:
            from ui.desk_view import QtDesk

            self._desk = QtDesk(self.session, self)
            self._desk.open_request.connect(self.open_request)
            self._desk.open_assignment.connect(self.open_assignment)
            self.pages.addWidget(self._desk)
        return self._desk

    def show_desk(self) -> None:
        """Show the teacher's desk (Ctrl+Shift+D); no circle is current meanwhile."""
        if not self.session.is_open:  # it reads through the core
            self.session.ready.connect(self.show_desk, Qt.ConnectionType.SingleShotConnection)
            return
        # As for the Coaching page: the page first, focus on it, then no row current (a list
        # without a current row that takes the focus makes its first row, My notes, current).
        self.pages.setCurrentWidget(self.desk)
        self.desk.requests.setFocus()
        self.sidebar.setCurrentRow(-1)
        self.unread.looking = None
        self.leave_action.setEnabled(False)
        self.desk.query.refresh()

    @property
    def coaching(self) -> QtCoaching:
        """The Coaching page, built on first use."""
        if self._coaching is None:
            from ui.coaching_view import QtCoaching

            self._coaching = QtCoaching(self.session, self)
            self.pages.addWidget(self._coaching)
        return self._coaching

    def show_coaching(self) -> None:
        """Show the Coaching page (Ctrl+Shift+K); no circle is current meanwhile."""
        if not self.session.is_open:  # it reads through the core
            self.session.ready.connect(self.show_coaching, Qt.ConnectionType.SingleShotConnection)
            return
        # The page first, focus on it, then no row current: a list without a current row
        # that takes the focus makes its first row current (My notes would open over it).
        self.pages.setCurrentWidget(self.coaching)
        self.coaching.tabs.setFocus()
        self.sidebar.setCurrentRow(-1)
        self.unread.looking = None
        self.leave_action.setEnabled(False)

    def show_recognition(self, device_hex: str | None = None) -> None:
        """A person's contributions (default: mine), in a window of its own."""
        from ui.recognition_view import QtRecognition

        self.recognition = QtRecognition(self.session, device_hex, self)
        self.recognition.show()

    def open_request(self, space: SpaceId, request_id: str) -> None:
        """A help request, shown on its circle's Help desk."""
        page = self.circle(space)
        page.tabs.setCurrentWidget(page.helpdesk)
        page.helpdesk.show_request(request_id)

    def open_assignment(self, space: SpaceId, assignment_id: str) -> None:
        """An assignment, shown on its circle's Assignments tab."""
        page = self.circle(space)
        page.tabs.setCurrentWidget(page.assignments)
        page.assignments.show_assignment(assignment_id)

    def _page_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        key = item.data(SPACE)
        self.unread.looking = None if key == NOTES else key
        self.leave_action.setEnabled(key != NOTES)
        if key == NOTES:
            self.pages.setCurrentWidget(self.notes)
            return
        self.unread.seen(key)
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
    def leave_circle(self, space: SpaceId | None = None) -> None:
        """Ask, then leave `space` (default: the circle open)."""
        if space is None:
            space = self.sidebar.current_circle()
        name = next((name for known, name in self.circle_names if known == space), None)
        if space is None or name is None:
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
        if self.sidebar.take(space):  # it was open
            self.open_page(NOTES)
        # The page stays in the stack, unseen: deleting it (or removeWidget, which hands it
        # to Python to delete) would pull widgets from under queries still answering.
        self.circles.pop(space, None)
        self.circle_names = [(known, name) for known, name in self.circle_names if known != space]
        self.notes.circles = self.circle_names

    # -- tray notices -----------------------------------------------------------------
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
        if notice.assignment:
            self.open_assignment(notice.space, notice.assignment)
            return
        page = self.circle(notice.space)
        if notice.tab == "thread":
            page.tabs.setCurrentWidget(page.discussion)
            page.discussion.show_thread(notice.request)
            return
        page.tabs.setCurrentWidget(page.helpdesk)
        page.helpdesk.show_request(notice.request)

    def circle(self, space: SpaceId) -> QtCircle:
        """The page of `space`, opened (tests and the screenshot script use this)."""
        self.open_page(space)
        return self.circles[space]

    # -- actions ----------------------------------------------------------------------
    def toggle_sidebar(self, shown: bool | None = None) -> None:
        """Ctrl+B: hide the sidebar for room (at 800×600), or show it again."""
        shown = self.sidebar.isHidden() if shown is None else shown
        self.sidebar.setVisible(shown)
        self.sidebar_action.setChecked(shown)

    def new_item(self) -> None:
        page = self._item_page()
        if page is not None:
            page.new_item()

    def start_search(self) -> None:
        page = self._item_page()
        if page is not None:
            page.start_search()

    def search_everywhere(self) -> None:
        """Ctrl+Shift+F: every circle and My notes; a chosen hit opens where it lives."""
        if not self.session.is_open:
            return
        from ui.search_view import SearchEverywhereDialog

        dialog = self.search_dialog = SearchEverywhereDialog(self.session, self)
        dialog.chosen_hit.connect(self._open_hit)
        dialog.chosen_note.connect(self._open_note)
        dialog.open()

    def _open_hit(self, hit: SearchHit) -> None:
        self.circle(SpaceId(bytes.fromhex(hit.circle_id))).open_hit(hit)

    def _open_note(self, note_id: str) -> None:
        self.open_page(NOTES)
        self.notes.open_note(note_id)

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
        """Ask for a code; the dialog stays open until the join is under way, and a code
        that does not work is said there, the pasted code kept."""
        from ui.dialogs import LineDialog

        dialog = self.join_dialog = LineDialog(
            self.tr("Join a circle"),
            self.tr("Invite or room code"),
            "sc2.…  or  7-guitar-harbor",
            self,
            stays_open=True,
        )

        def failed(message: str) -> None:
            if dialog.isVisible():
                dialog.problem(message)
            else:  # closed meanwhile: the window says it
                self.show_error(message)

        def joined(_: object) -> None:
            dialog.accept()

        dialog.submitted.connect(
            lambda code: self.join(code, on_error=failed, on_done=joined, say=dialog.working)
        )
        dialog.open()

    def join(
        self,
        code: str,
        *,
        on_error: Callable[[str], None] | None = None,
        on_done: Callable[[object], None] | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        say = say or self.statusBar().showMessage
        core = self.session.core
        if core is None:  # the network is still starting: join as soon as it is up
            say(self.tr("Joining: starting the network first…"))
            self.session.online.connect(
                lambda: self.join(code, on_error=on_error, on_done=on_done, say=say),
                Qt.ConnectionType.SingleShotConnection,
            )
            return
        say(self.tr("Joining: looking for a member of the circle…"))

        async def joining() -> tuple[SpaceId, str]:
            space = await core.join(code, may_wait=True)
            return space, await core.join_status(space)

        def done(result: tuple[SpaceId, str]) -> None:
            if on_done is not None:
                on_done(result)
            self._joined(result)

        self.session.run(joining, done, on_error)

    def _joined(self, joined: tuple[SpaceId, str]) -> None:
        space, status = joined
        if status == "waiting":
            self.statusBar().showMessage(
                self.tr(
                    "No member of the circle is reachable yet: you'll be admitted automatically when one is."
                )
            )
            self._pending_open = space  # opened when a member admits us
            self._circles_query.refresh()
            return
        self._created(space)

    # -- this person's devices (ui.devices_view) ------------------------------------------------
    def link_device(self) -> None:
        from ui.devices_view import LinkDeviceDialog

        dialog = LinkDeviceDialog(self.session, self)
        self.link_dialog = dialog
        dialog.open()
        dialog.start()

    def my_devices(self) -> None:
        from ui.devices_view import DevicesDialog

        dialog = DevicesDialog(self.session, self)
        self.devices_dialog = dialog
        dialog.open()
        dialog.refresh()

    def join_as_device(self) -> None:
        from ui.dialogs import LineDialog

        dialog = LineDialog(
            self.tr("This is a new device of mine"),
            self.tr("Link code from your other device"),
            "12-otter-violin",
            self,
        )
        dialog.accepted.connect(lambda: self.join_device(dialog.value()))
        dialog.open()

    def join_device(self, code: str) -> None:
        core = self.session.core
        if core is None:
            later = Qt.ConnectionType.SingleShotConnection
            self.session.online.connect(lambda: self.join_device(code), later)
            return
        self.statusBar().showMessage(self.tr("Linking: looking for your other device…"))

        def linked(result: Any) -> None:
            if result.resumed:  # linked by an earlier try that stopped: it only caught up
                said = self.tr("This device was already linked to {name}; its history is up to date.")
            else:
                said = self.tr("Linked to {name}'s device: {spaces} circles and notes.")
            self.statusBar().showMessage(said.format(name=result.name, spaces=result.spaces))
            self._circles_query.refresh()

        self.session.run(lambda: core.join_device(code), linked, self.show_error)

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
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # now the frame (title bar, borders) is known: fit it in too
            self._fitted = True
            window_state.fit_to_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.notes.unsaved and (self.session.is_open or self.session.starting) and not self._close_anyway:
            # Closing ends the session: save the note first, then close (a failed save says
            # why, and the next close goes ahead).
            event.ignore()
            self._close_anyway = True
            self.notes.flush(self._close_saved)
            return
        on_desk = self._desk is not None and self.pages.currentWidget() is self._desk
        window_state.save(self, self.settings, DESK if on_desk else self.sidebar.current_key())
        event.accept()
        self.closed.emit()

    def _close_saved(self) -> None:
        self.close()
