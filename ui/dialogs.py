"""Small dialogs: writing a titled text (a help request, a thread), making a circle,
joining with a code, asking before what cannot be undone (leaving, redacting, removing
someone: Cancel is the default and Escape cancels), inviting (role, uses, expiry; the
code with a Copy button, or a room code shown large with a QR code of the long one).

Dialogs are opened with `open()` (never `exec()`, which would nest the event loop
inside a trio task) and report through `accepted`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ComposeDialog(QDialog):
    def __init__(self, caption: str, title_hint: str, text_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(title_hint)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(text_hint)
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("tags, separated by commas"))
        self.form = form = QFormLayout(self)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Text"), self.text)
        form.addRow(self.tr("Tags"), self.tags)
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, str, list[str]]:
        tags = [tag for tag in self.tags.text().split(",") if tag.strip()]
        return self.title.text(), self.text.toPlainText(), tags


class LineDialog(QDialog):
    """One line of input (a circle's name, an invite code)."""

    def __init__(self, caption: str, label: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(hint)
        self.line.setMinimumWidth(360)
        form = QFormLayout(self)
        form.addRow(label, self.line)
        form.addRow(_buttons(self))

    def value(self) -> str:
        return self.line.text().strip()


class ConfirmDialog(QMessageBox):
    """Are you sure? Asked before what cannot be undone: the question, what follows from it,
    and a button named for the act (`confirm`). Cancel is the default; Escape cancels."""

    def __init__(
        self, caption: str, question: str, detail: str, act: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(caption)
        self.setText(question)
        self.setInformativeText(detail)
        self.setStandardButtons(QMessageBox.StandardButton.Cancel)
        self.confirm = self.addButton(act, QMessageBox.ButtonRole.DestructiveRole)
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.setEscapeButton(QMessageBox.StandardButton.Cancel)


def confirm(
    parent: QWidget, caption: str, question: str, detail: str, act: str, then: Callable[[], object]
) -> ConfirmDialog:
    """Ask (window-modal, `open()`); `then()` only if the person confirms."""
    box = ConfirmDialog(caption, question, detail, act, parent)
    box.confirm.clicked.connect(then)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


class LeaveDialog(ConfirmDialog):
    """Are you sure you want to leave this circle?"""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        tr = lambda text: QCoreApplication.translate("LeaveDialog", text)  # noqa: E731
        super().__init__(
            tr("Leave circle"),
            tr("Leave “{name}”?").format(name=name),
            tr(
                "What it holds stays on this device, but you will no longer receive what its"
                " members write, nor write there. To come back you need a new invite."
            ),
            tr("Leave"),
            parent,
        )
        self.setIcon(QMessageBox.Icon.Question)
        self.leave = self.confirm


class InviteDialog(QDialog):
    """Choose role, uses and expiry; then shows the code with a Copy button."""

    def __init__(self, roles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Invite to the circle"))
        self.role = QComboBox(self)
        names = {"member": self.tr("member"), "mentor": self.tr("mentor"), "teacher": self.tr("teacher")}
        for role in roles:
            self.role.addItem(names.get(role, role), role)
        self.uses = QSpinBox(self)
        self.uses.setRange(1, 1000)
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(0.1, 24 * 366)
        self.hours.setValue(72)
        self.hours.setSuffix(self.tr(" hours"))
        self.make = QPushButton(self.tr("Make invite code"), self)
        self.make_room = QPushButton(self.tr("Make a room code (to read aloud)"), self)
        self.make_room.setToolTip(
            self.tr("A short code such as 7-guitar-harbor, for people on this network, for 10 minutes")
        )
        self.code = QPlainTextEdit(self)
        self.code.setReadOnly(True)
        self.code.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)  # fits 800x600 with a room code
        self.code.setPlaceholderText(self.tr("The code appears here: send it to the person you invite."))
        self.copy = QPushButton(self.tr("Copy"), self)
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self.copy_code)
        self.note = QLabel(self)
        form = QFormLayout(self)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Uses"), self.uses)
        form.addRow(self.tr("Expires in"), self.hours)
        form.addRow(self.make)
        form.addRow(self.code)
        form.addRow(self.copy, self.note)
        form.addRow(self.make_room)
        from ui.room_code_view import QtRoomCode

        self.room = QtRoomCode(self)
        self.room.hide()
        form.addRow(self.room)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        form.addRow(close)

    def show_code(self, code: str) -> None:
        self.code.setPlainText(code)
        self.copy.setEnabled(True)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code.toPlainText())
        self.note.setText(self.tr("Copied."))
