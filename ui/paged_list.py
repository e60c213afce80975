"""A long list as a lazy model: a page of rows at a time, more as the person scrolls
(`canFetchMore`/`fetchMore`), so a list of 100,000 costs one page of rows to open or
to refresh. What My notes and the Discussion tab's threads are built on.

Owns `PagedListModel` (subclasses say how to read a page, `app.services.paging.Page`, and how a
row reads: its one-line `text`, or a `title` over a `detail` line, painted by
`ui.two_line_rows`) and `QtPagedList` (its view). Pages are fetched through the session's `run`
(never on the GUI thread); a refresh re-reads as many rows as are loaded, and a page that
arrives after a refresh started is dropped; a refresh that reads the rows already shown
(e.g. the core's first read after a first paint from `app.services.glance`) changes nothing on
screen: no reset, the selection and the scroll position stay. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from app.services.glance import PAGE  # the first paint's page is the lists' page
from ui.live import LiveQuery
from ui.session import Session
from ui.two_line_rows import DETAIL, TITLE, TwoLineRows

if TYPE_CHECKING:  # the app's modules come after the first paint (ui.launcher)
    from app.services.paging import Cursor, Page

ID = Qt.ItemDataRole.UserRole  # a row's id (hex)
Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")  # a row of `app.services.rows`


class PagedListModel(QAbstractListModel, Generic[RowT]):
    """Rows (`app.services.rows` values, each with its id, hex, in the attribute named `key`)
    read a page at a time."""

    reset_done = Signal()  # the rows were re-read (a refresh)

    def __init__(self, session: Session, *, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.key = key
        self.rows: list[RowT] = []
        self.total: int | None = None  # rows in the whole list, loaded or not, if counted
        self.after: Cursor | None = None  # where the next page starts; None: all are loaded
        self.fetching = False
        self.generation = 0
        self.loaded = False  # rows were read (or painted from a glance) at least once
        self._query = LiveQuery(session, self._fetch_first, self._reset)

    # -- what a subclass says ----------------------------------------------------------
    async def page(self, after: Cursor | None, limit: int) -> Page[RowT]:
        """Read a page (on the core thread, through the session)."""
        raise NotImplementedError

    def text(self, row: RowT) -> str:
        """The row as the list shows it."""
        raise NotImplementedError

    def title(self, row: RowT) -> str:
        """The row's first line in the list (`ui.two_line_rows`): by default its text."""
        return self.text(row)

    def detail(self, row: RowT) -> str | None:
        """The row's second, muted line (who · when · counts), or None for one line."""
        return None

    def tooltip(self, row: RowT) -> str | None:
        """What hovering the row shows: by default both lines whole (either may be elided)."""
        detail = self.detail(row)
        return self.text(row) if detail is None else f"{self.title(row)}\n{detail}"

    async def first_rows(self, wanted: int) -> Page[RowT]:
        """What a refresh shows: the first `wanted` rows (a subclass may show others, e.g.
        search results)."""
        return await self.page(None, wanted)

    # -- Qt's model interface ----------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row)
        if role == ID:
            return self.row_id(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        if role == TITLE:
            return self.title(row)
        if role == DETAIL:
            return self.detail(row)
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.after is not None and not self.fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        after, generation = self.after, self.generation
        self.fetching = self.session.run(
            lambda: self.page(after, PAGE), lambda page: self._append(generation, page), self._failed
        )

    # -- reading -----------------------------------------------------------------------
    def refresh(self) -> None:
        self._query.refresh()

    async def _fetch_first(self) -> Page[RowT]:
        return await self.first_rows(max(PAGE, len(self.rows)))

    def _reset(self, page: Page[RowT]) -> None:
        self.show_rows(page.rows, page.after, page.total)

    def show_rows(self, rows: list[RowT], after: Cursor | None, total: int | None = None) -> None:
        """Show `rows` as the list's first rows (what a refresh read, or a first paint's)."""
        self.loaded = True
        if rows == self.rows:  # the same rows: nothing to redraw, nothing to lose
            self.total = total
            if not self.fetching:  # else the page being fetched continues these rows
                self.after = after
            self.reset_done.emit()  # re-read all the same
            return
        self.generation += 1
        self.fetching = False
        self.beginResetModel()
        self.rows, self.after, self.total = rows, after, total
        self.endResetModel()
        self.reset_done.emit()

    def _append(self, generation: int, page: Page[RowT]) -> None:
        self.fetching = False
        if generation != self.generation:
            return  # a refresh replaced the rows this page continued
        self.after = page.after
        if page.rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()

    def _failed(self, message: str) -> None:
        self.fetching = False
        self.session.runtime.failed.emit(message)

    def row_id(self, row: RowT) -> str:
        id_: str = getattr(row, self.key)  # every row kind has its id as a hex str
        return id_

    def row_of(self, row_id: str | None) -> int:
        return next((i for i, row in enumerate(self.rows) if self.row_id(row) == row_id), -1)

    def row_at(self, index: Index) -> RowT:
        return self.rows[index.row()]


class QtPagedList(QListView):
    """The view over a `PagedListModel`; `chosen` carries the id of the row picked."""

    chosen = Signal(str)

    def __init__(self, model: PagedListModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)  # no per-row size queries: scrolling 100k rows stays cheap
        # A long row is elided ("…") with the whole of it in its tooltip, not scrolled sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(TwoLineRows(self))  # a title over who · when · counts, each elided
        self.paged = model
        self._quiet = False
        self.selectionModel().currentChanged.connect(self._current_changed)

    def _current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self.chosen.emit(current.data(ID))

    def select_quietly(self, row_id: str | None) -> None:
        """Mark `row_id` current (if loaded) without choosing it again."""
        self._quiet = True
        try:
            row = self.paged.row_of(row_id)
            if row < 0:
                self.selectionModel().clear()
            else:
                self.setCurrentIndex(self.paged.index(row))
        finally:
            self._quiet = False

    # what tests and the screenshot script read
    def count(self) -> int:
        return self.paged.rowCount()

    def texts(self) -> list[str]:
        return [self.paged.data(self.paged.index(i)) for i in range(self.paged.rowCount())]

    def setCurrentRow(self, row: int) -> None:
        self.setCurrentIndex(self.paged.index(row))
