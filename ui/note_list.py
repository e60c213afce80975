"""The My notes list as a lazy model: a page of notes at a time, newest first, more as
the person scrolls (`canFetchMore`/`fetchMore`), so 100,000 notes cost one page of
rows to open. A search shows its (bounded) results in the same model.

Owns `NoteListModel` and `QtNoteList` (its view). Pages are fetched through the
session's `run` (never on the GUI thread); a refresh re-reads as many rows as are
loaded, and a page that arrives after a refresh started is dropped. GUI thread.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from app import notes
from app.errors import CommandError
from ui.live import LiveQuery
from ui.qt_compat import emit
from ui.session import Session

ID = Qt.ItemDataRole.UserRole
PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class NoteListModel(QAbstractListModel):
    reset_done = Signal()  # the rows were re-read (a refresh or a new search)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self.search = ""
        self.exhausted = True
        self.fetching = False
        self.generation = 0
        self._query = LiveQuery(session, self._fetch_first, self._reset)

    # -- Qt's model interface ----------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            tags = "  " + " ".join(f"#{t}" for t in row["tags"]) if row["tags"] else ""
            return row["title"] + tags
        if role == ID:
            return row["note_id"]
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted and not self.fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        commands, after, generation = self.session.commands, self.rows[-1]["note_id"], self.generation
        self.fetching = True

        async def page() -> list[dict[str, Any]]:
            return await notes.listing(commands, newest_first=True, limit=PAGE, after=after)

        self.fetching = self.session.run(page, lambda rows: self._append(generation, rows), self._failed)

    # -- reading -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._query.refresh()

    def set_search(self, text: str) -> None:
        self.search = text
        self._query.refresh()

    async def _fetch_first(self) -> tuple[bool, list[dict[str, Any]]]:
        commands, query = self.session.commands, self.search
        if query.strip():
            with contextlib.suppress(CommandError):  # no searchable word in it yet
                return True, await notes.search(commands, query)
        wanted = max(PAGE, len(self.rows))
        rows = await notes.listing(commands, newest_first=True, limit=wanted)
        return len(rows) < wanted, rows

    def _reset(self, result: tuple[bool, list[dict[str, Any]]]) -> None:
        self.generation += 1
        self.beginResetModel()
        self.exhausted, self.rows = result
        self.fetching = False
        self.endResetModel()
        emit(self.reset_done)

    def _append(self, generation: int, rows: list[dict[str, Any]]) -> None:
        self.fetching = False
        if generation != self.generation:
            return  # a refresh replaced the rows this page continued
        self.exhausted = len(rows) < PAGE
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def _failed(self, message: str) -> None:
        self.fetching = False
        emit(self.session.runtime.failed, message)

    def row_of(self, note_id: str | None) -> int:
        return next((i for i, row in enumerate(self.rows) if row["note_id"] == note_id), -1)


class QtNoteList(QListView):
    """The view over a `NoteListModel`; `note_chosen` carries the note id picked."""

    note_chosen = Signal(str)

    def __init__(self, model: NoteListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)  # no per-row size queries: scrolling 100k rows stays cheap
        self.notes = model
        self._quiet = False
        self.selectionModel().currentChanged.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            emit(self.note_chosen, current.data(ID))

    def select_quietly(self, note_id: str | None) -> None:
        """Mark `note_id` current (if loaded) without opening it again."""
        self._quiet = True
        try:
            row = self.notes.row_of(note_id)
            if row < 0:
                self.selectionModel().clear()
            else:
                self.setCurrentIndex(self.notes.index(row))
        finally:
            self._quiet = False

    # what tests and the screenshot script read
    def count(self) -> int:
        return self.notes.rowCount()

    def texts(self) -> list[str]:
        return [self.notes.data(self.notes.index(i)) for i in range(self.notes.rowCount())]

    def setCurrentRow(self, row: int) -> None:
        self.setCurrentIndex(self.notes.index(row))
