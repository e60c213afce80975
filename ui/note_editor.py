"""The Markdown editor of a note, completing `[[` links with the titles of my notes: after
`[[` a popup lists the notes whose title starts with what follows (`app.services.notes.titled`);
Enter or Tab takes one and closes the link with `]]`, Escape dismisses the popup.

Owns `QtNoteEditor`. GUI thread; the title lookups run through the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit, QWidget

from ui.live import LiveQuery
from ui.session import Session

if TYPE_CHECKING:  # the app's modules come after the first paint (ui.launcher)
    from app.services.rows import NoteSummary

OPEN, CLOSE = "[[", "]]"
POPUP_KEYS = {Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}


def link_prefix(line_before_cursor: str) -> str | None:
    """What has been typed of a `[[link` that the cursor is in, or None when not in one."""
    start = line_before_cursor.rfind(OPEN)
    if start < 0:
        return None
    typed = line_before_cursor[start + len(OPEN) :]
    return None if CLOSE in typed or "[" in typed or "]" in typed else typed


class QtNoteEditor(QPlainTextEdit):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.titles = QStringListModel(self)
        self.completer = QCompleter(self.titles, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self.insert_link)
        self._prefix: str | None = None
        self._query = LiveQuery(session, self._fetch_titles, self._show_titles)

    def prefix(self) -> str | None:
        cursor = self.textCursor()
        return link_prefix(cursor.block().text()[: cursor.positionInBlock()])

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a QCompleter always has one
        return popup

    def _typed(self) -> None:
        """After a key press (not when a note is loaded): complete the link the cursor is in."""
        self._prefix = self.prefix()
        if self._prefix is None:
            self._popup().hide()
            return
        self._query.refresh()

    async def _fetch_titles(self) -> tuple[str | None, list[NoteSummary]]:
        prefix = self._prefix
        if prefix is None:
            return None, []
        from app.services import notes  # after the first paint (ui.launcher)

        return prefix, await notes.titled(self.session.commands, prefix, limit=20)

    def _show_titles(self, found: tuple[str | None, list[NoteSummary]]) -> None:
        prefix, rows = found
        if prefix is None or prefix != self._prefix:
            return  # typed on: a newer lookup is queued
        self.titles.setStringList([row.title for row in rows])
        self.completer.setCompletionPrefix(prefix)
        if not rows:
            self._popup().hide()
            return
        popup = self._popup()
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        area = self.cursorRect()
        area.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        self.completer.complete(area)

    def insert_link(self, title: str) -> None:
        """Replace what was typed of the link with `title]]`."""
        typed = self.prefix()
        if typed is None:
            return
        cursor = self.textCursor()
        closed = cursor.block().text()[cursor.positionInBlock() :].startswith(CLOSE)
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(typed))
        cursor.insertText(title)
        if closed:  # completing inside an existing [[link]]: step over its ]]
            cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor, len(CLOSE))
        else:
            cursor.insertText(CLOSE)
        self.setTextCursor(cursor)
        self._prefix = None
        self._popup().hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._popup().isVisible() and event.key() in POPUP_KEYS:
            event.ignore()  # the completer takes these
            return
        super().keyPressEvent(event)
        self._typed()
