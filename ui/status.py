"""The status bar's account of sync, told truthfully from the sync service: peers
connected, "up to date" or "receiving N ops", "K peers are behind" (connected peers whose
gossip digest showed fewer ops than we hold, until a session with them ends:
`SyncStatus.behind`), and when the last sync ended.
Owns `QtSyncStatus`. GUI thread (reads the session's `network_status` snapshot).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ui.session import Session
from ui.wording import plural

if TYPE_CHECKING:
    from sync.changes import Changes


class QtSyncStatus(QLabel):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.receiving = 0  # ops taken in while sessions ran, since the last "up to date"
        session.peers_changed.connect(self.update_text)
        session.changed.connect(self._changed)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)  # the "last sync" time and session counts move on timers too
        self.timer.timeout.connect(self.update_text)
        self.timer.start()
        self.update_text()

    def _changed(self, changes: Changes) -> None:
        status = self.session.network_status
        if status is not None and status.sessions_running and changes.synced:
            self.receiving += len(changes.added)
        self.update_text()

    def update_text(self) -> None:
        status = self.session.network_status  # the core's objects belong to its thread
        if status is None:
            starting = self.session.is_open or self.session.starting
            self.setText(self.tr("Starting the network…") if starting else self.tr("Offline"))
            return
        peers = len(status.connected)
        parts = [plural(self.tr("%n peer(s) connected", "", peers), peers)]
        parts += self._progress(status.sessions_running, peers, status.peers_behind)
        if status.last_sync_ms is not None:
            when = datetime.fromtimestamp(status.last_sync_ms / 1000).strftime("%H:%M:%S")
            parts.append(self.tr("last sync {time}").format(time=when))
        if self.session.label:
            parts.append(self.session.label)
        self.setText("  ·  ".join(parts))

    def _progress(self, running: int, peers: int, behind: int) -> list[str]:
        """Receiving, syncing, up to date — and who is behind us, as far as is known."""
        words = []
        if running and self.receiving:
            words.append(plural(self.tr("receiving %n update(s)", "", self.receiving), self.receiving))
        elif running and not behind:
            words.append(self.tr("syncing…"))
        elif not running:
            self.receiving = 0
            if not behind:
                words.append(self.tr("up to date") if peers else self.tr("waiting for peers"))
        if behind:
            words.append(plural(self.tr("%n peer(s) (is/are) behind", "", behind), behind))
        return words
