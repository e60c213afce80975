"""The Peers panel: the peers this device has met — by the name they have in my circles
("Mia", the short peer id in the tooltip; a peer id only for a device no circle of mine
names) — and each one's session state (from the
sync service's `peer_states()`), my addresses to share (copyable), and *Connect to
address…* (dial a multiaddr; a failure is shown in the panel, worded for a person).

Owns `QtPeers` (a dock widget's contents). Refreshed from the session's `network_status`
on `peers_changed` and every second (states also move on timers). GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.flow_layout import FlowLayout
from ui.live import LiveQuery
from ui.session import Session


class QtPeers(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Peer"), self.tr("State"), self.tr("Connected")])
        self.tree.setRootIsDecorated(False)
        self.addresses = QPlainTextEdit(self)
        self.addresses.setTabChangesFocus(True)
        self.addresses.setReadOnly(True)
        self.addresses.setMaximumHeight(80)
        self.copy_button = QPushButton(self.tr("Copy my addresses"), self)
        self.copy_button.clicked.connect(self.copy_addresses)
        self.connect_button = QPushButton(self.tr("Connect to address…"), self)
        self.connect_button.clicked.connect(self.ask_address)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.names: dict[str, str] = {}  # peer id -> the name my circles give its device
        self._names_query = LiveQuery(session, self._fetch_names, self._show_names)
        buttons = FlowLayout()  # wraps in a narrow dock instead of widening the window
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Peers"), self))
        layout.addWidget(self.tree, 1)
        mine = QLabel(self.tr("My addresses (send one to a classmate whose network hides us)"), self)
        mine.setWordWrap(True)
        layout.addWidget(mine)
        layout.addWidget(self.addresses)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        session.peers_changed.connect(self.refresh)
        session.peers_changed.connect(self._names_query.refresh)
        self._names_query.refresh()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(250, super().sizeHint().height())  # a narrow dock: the page keeps the room

    def refresh(self) -> None:
        status = self.session.network_status  # the core's objects belong to its thread
        self.connect_button.setEnabled(status is not None)
        self.copy_button.setEnabled(status is not None)
        if status is None:
            self.addresses.setPlainText(self.tr("Starting the network…"))
            self.tree.clear()
            return
        addresses = "\n".join(status.addresses)
        if self.addresses.toPlainText() != addresses:
            self.addresses.setPlainText(addresses)
        connected, states = status.connected, status.states
        rows = sorted((str(peer), state, peer in connected) for peer, state in states.items())
        for peer in connected:
            if peer not in states:
                rows.append((str(peer), "connected", True))
        words = {  # p2p.session.SessionState's values
            "discovered": self.tr("discovered"),
            "dialing": self.tr("dialing"),
            "handshake": self.tr("handshake"),
            "syncing": self.tr("syncing"),
            "idle": self.tr("idle"),
            "closed": self.tr("closed"),
            "connected": self.tr("connected"),
        }
        self.tree.clear()
        for peer, state, is_connected in rows:
            short = peer if len(peer) <= 16 else f"{peer[:6]}…{peer[-6:]}"
            label = self.names.get(peer, short)
            item = QTreeWidgetItem(
                [label, words.get(state, state), self.tr("yes") if is_connected else self.tr("no")]
            )
            item.setToolTip(0, f"{label}\n{peer}" if label != short else peer)
            self.tree.addTopLevelItem(item)

    async def _fetch_names(self) -> dict[str, str]:
        """The peers met, by the name their device has in my circles (on the core thread)."""
        status = self.session.network_status
        if status is None:
            return {}
        from app.services.peer_names import peer_names

        return await peer_names(
            self.session.commands, {*map(str, status.states), *map(str, status.connected)}
        )

    def _show_names(self, names: dict[str, str]) -> None:
        if names != self.names:
            self.names = names
            self.refresh()

    def copy_addresses(self) -> None:
        QGuiApplication.clipboard().setText(self.addresses.toPlainText())
        self.message.setText(self.tr("Copied."))

    def ask_address(self) -> None:
        from ui.dialogs import LineDialog  # not with the window: it opens without dialogs

        dialog = LineDialog(
            self.tr("Connect to address"),
            self.tr("Address"),
            "/ip4/192.168.1.20/tcp/4001/p2p/12D3KooW…",
            self,
        )
        self.address_dialog = dialog
        dialog.accepted.connect(lambda: self.dial(dialog.value()))
        dialog.open()

    def dial(self, address: str) -> None:
        core = self.session.core
        if "/p2p/" not in address:
            self.message.setText(
                self.tr("That is not a full address: it must end in /p2p/ and the peer's id.")
            )
            return
        if core is None:  # asked before the network was up: dial once it is
            self.message.setText(self.tr("Connecting once the network is up…"))
            self.session.online.connect(lambda: self.dial(address), Qt.ConnectionType.SingleShotConnection)
            return
        self.message.setText(self.tr("Connecting…"))
        self.session.run(
            lambda: core.sync.connect(address),
            lambda _: self.message.setText(self.tr("Connected.")),
            lambda error: self.message.setText(self.tr("Could not connect: {error}").format(error=error)),
        )
