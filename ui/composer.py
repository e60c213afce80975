"""A text box with a send button under it, at its right (the box takes the pane's whole
width, readable in a narrow pane): Ctrl+Enter sends, Tab moves on to the button. GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class QtComposer(QWidget):
    submitted = Signal(str)

    def __init__(self, placeholder: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setTabChangesFocus(True)  # Tab reaches the Send button
        self.editor.setPlaceholderText(placeholder)
        self.editor.setMaximumHeight(90)
        self.editor.setMinimumHeight(48)
        self.button = QPushButton(button, self)
        self.button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.button.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout.addLayout(row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.editor)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.submit)

    def submit(self) -> None:
        text = self.editor.toPlainText()
        if text.strip():
            self.submitted.emit(text)

    def clear(self) -> None:
        self.editor.clear()
