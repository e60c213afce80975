"""The person's devices in the desktop client: *Link a device…* shows a link code large
and waits for the new device (`Core.link_device`, `Core.wait_link`); *My devices…* lists
this person's devices and unlinks a lost one after asking (`Core.devices`,
`Core.unlink_device`); *This is a new device of mine…* enters a link code on a new
device (`Core.join_device`). GUI thread; the work runs on the core thread through the
session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.room_code_view import big_code_label

if TYPE_CHECKING:
    from ui.session import Session

DEVICE = Qt.ItemDataRole.UserRole


class LinkDeviceDialog(QDialog):
    """A link code, large, while this device waits for the new one; then who was linked."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Link a device"))
        self.code = big_code_label(self)
        self.code.setText("…")
        self.caption = QLabel(self.tr("Making a link code…"), self)
        self.caption.setWordWrap(True)
        self.caption.setMinimumWidth(360)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addWidget(self.caption)
        layout.addWidget(self.buttons)
        self.linked: Any = None
        self.finished.connect(self._closed)

    def start(self) -> None:
        core = self.session.core
        if core is None:
            self.caption.setText(self.tr("Starting the network…"))
            self.session.online.connect(self.start, Qt.ConnectionType.SingleShotConnection)
            return
        self.session.run(core.link_device, self._shown, self._failed)

    def _shown(self, pending: Any) -> None:
        core = self.session.core
        self.code.setText(pending.code.text())
        self.caption.setText(
            self.tr(
                "On your new device, start StudyCircle and choose “This is a new device of mine…”"
                " (or run `studycircle device join CODE`), then type this code. It works once, for"
                " a few minutes, on this network; 3 wrong tries lock it. Waiting…"
            )
        )
        if core is not None:
            self.session.run(core.wait_link, self._linked, self._failed)

    def _linked(self, linked: Any) -> None:
        self.linked = linked
        self.code.setText("✓")
        self.caption.setText(
            self.tr("Linked «{name}»: it now holds your {spaces} circles and notes.").format(
                name=linked.name, spaces=linked.spaces
            )
        )

    def _failed(self, message: str) -> None:
        self.code.setText("—")
        self.caption.setText(message)

    def _closed(self) -> None:
        core = self.session.core
        if core is not None and self.linked is None:
            core.device_links.close()  # the code stops working with the dialog


class DevicesDialog(QDialog):
    """This person's devices; a lost one is unlinked (after a question) from everything."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("My devices"))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Device"), self.tr("Id"), self.tr("Circles")])
        self.tree.setRootIsDecorated(False)
        self.tree.itemSelectionChanged.connect(self._selected)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.unlink = QPushButton(self.tr("Unlink…"), self)
        self.unlink.setEnabled(False)
        self.unlink.clicked.connect(self.ask_unlink)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.unlink, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.confirm: QMessageBox | None = None
        self.resize(520, 300)

    def refresh(self) -> None:
        core = self.session.core
        if core is not None:
            self.session.run(core.devices, self._show, self.note.setText)

    def _show(self, rows: list[Any]) -> None:
        self.tree.clear()
        for row in rows:
            name = row.name + (self.tr("  (this device)") if row.this else "")
            item = QTreeWidgetItem([name, row.device.hex()[:12], str(row.circles)])
            item.setData(0, DEVICE, row)
            self.tree.addTopLevelItem(item)
        self._selected()

    def _chosen(self) -> Any:
        items = self.tree.selectedItems()
        return items[0].data(0, DEVICE) if items else None

    def _selected(self) -> None:
        row = self._chosen()
        self.unlink.setEnabled(row is not None and not row.this)

    def ask_unlink(self) -> None:
        row = self._chosen()
        if row is None or row.this:
            return
        confirm = QMessageBox(self)
        confirm.setIcon(QMessageBox.Icon.Question)
        confirm.setWindowTitle(self.tr("Unlink device"))
        confirm.setText(self.tr("Unlink «{name}» ({id})?").format(name=row.name, id=row.device.hex()[:12]))
        confirm.setInformativeText(
            self.tr(
                "It will read nothing written from now on in your circles and notes (their keys"
                " change), and cannot be linked again. What it holds already stays on it."
            )
        )
        confirm.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
        confirm.buttonClicked.connect(
            lambda button: (
                self._unlink(row)
                if confirm.standardButton(button) == QMessageBox.StandardButton.Yes
                else None
            )
        )
        self.confirm = confirm
        confirm.open()

    def _unlink(self, row: Any) -> None:
        core = self.session.core
        if core is None:
            return

        def done(result: tuple[Any, int]) -> None:
            self.note.setText(self.tr("Unlinked from {spaces} circles and notes.").format(spaces=result[1]))
            self.refresh()

        self.session.run(lambda: core.unlink_device(row.device.hex()), done, self.note.setText)
