"""Small dialogs: writing a titled text (a help request, a thread), making a circle,
joining with a code, asking before what cannot be undone (leaving, redacting, removing
someone: Cancel is the default and Escape cancels), inviting (role, uses, expiry; the
code with a Copy button, or a room code shown large with a QR code of the long one).

Dialogs are opened with `open()` (never `exec()`, which would nest the event loop
inside a trio task) and report through `accepted`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
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
        self.text.setTabChangesFocus(True)  # Tab moves on, as in the other boxes of a form
        self.text.setPlaceholderText(text_hint)
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(QCoreApplication.translate("ComposeDialog", "tags, separated by commas"))
        self.form = form = QFormLayout(self)
        form.addRow(QCoreApplication.translate("ComposeDialog", "Title"), self.title)
        form.addRow(QCoreApplication.translate("ComposeDialog", "Text"), self.text)
        form.addRow(QCoreApplication.translate("ComposeDialog", "Tags"), self.tags)
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, str, list[str]]:
        tags = [tag for tag in self.tags.text().split(",") if tag.strip()]
        return self.title.text(), self.text.toPlainText(), tags


class LineDialog(QDialog):
    """One line of input (a circle's name, an invite code).

    `stays_open`: OK emits `submitted` with the line and the dialog stays open, OK
    disabled, while the window works on it (`working`); `problem()` then shows what went
    wrong on a line of the dialog, the text kept to correct, and `accept()` closes it."""

    submitted = Signal(str)

    def __init__(
        self,
        caption: str,
        label: str,
        hint: str = "",
        parent: QWidget | None = None,
        *,
        stays_open: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(hint)
        self.line.setMinimumWidth(360)
        self.note = QLabel(self)  # what is happening, or what went wrong
        self.note.setWordWrap(True)
        self.note.hide()
        form = QFormLayout(self)
        form.addRow(label, self.line)
        form.addRow(self.note)
        self.buttons = _buttons(self)
        form.addRow(self.buttons)
        if stays_open:
            self.buttons.accepted.disconnect(self.accept)
            self.buttons.accepted.connect(self._submit)
            self.line.textEdited.connect(lambda _: self.note.hide())

    def value(self) -> str:
        return self.line.text().strip()

    def _submit(self) -> None:
        if self.value():
            self.submitted.emit(self.value())

    def working(self, text: str) -> None:
        self.ok.setEnabled(False)
        self._say(text, problem=False)

    def problem(self, text: str) -> None:
        self.ok.setEnabled(True)
        self._say(" ".join(text.split()), problem=True)  # one line
        self.line.setFocus()
        self.line.selectAll()

    def _say(self, text: str, *, problem: bool) -> None:
        self.note.setText(("⚠ " if problem else "") + text)
        self.note.setObjectName("problem" if problem else "")
        self.note.show()

    @property
    def ok(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button


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
        translate = QCoreApplication.translate
        super().__init__(
            translate("LeaveDialog", "Leave circle"),
            translate("LeaveDialog", "Leave “{name}”?").format(name=name),
            translate(
                "LeaveDialog",
                "What it holds stays on this device, but you will no longer receive what its"
                " members write, nor write there. To come back you need a new invite.",
            ),
            translate("LeaveDialog", "Leave"),
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
        names = {"member": self.tr("student"), "mentor": self.tr("mentor"), "teacher": self.tr("teacher")}
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
        self.code.setTabChangesFocus(True)
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
