"""Search in the client: Ctrl+F opens a search bar over the circle shown (threads,
replies, help requests, answers, progress notes, resources, chat); Ctrl+Shift+F a
window that searches every circle and My notes, hits grouped by circle. Choosing a hit
opens it where it lives (`QtCircle.open_hit`, `QtNotes.open_note`). Both search as
the person types (after a short pause), through `app.services.search` as the CLI's
`search` does.

Owns `QtSearchBar` and `SearchEverywhereDialog`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import notes, search
from app.services.rows import NoteSummary, SearchHit
from sync.views import fts_query
from ui.session import Session

translate = QCoreApplication.translate  # named so lupdate finds the strings

PAUSE_MS = 200  # typing pauses this long before a search runs
MAX_LIST_HEIGHT = 260
HIT = Qt.ItemDataRole.UserRole


def kind_word(widget: QObject, kind: str) -> str:
    return {
        "thread": translate("QtSearchBar", "Thread"),
        "reply": translate("QtSearchBar", "Reply"),
        "help": translate("QtSearchBar", "Help request"),
        "answer": translate("QtSearchBar", "Answer"),
        "progress": translate("QtSearchBar", "Progress note"),
        "resource": translate("QtSearchBar", "Resource"),
        "chat": translate("QtSearchBar", "Chat"),
    }.get(kind, kind)


def hits_found(widget: QObject, count: int) -> str:
    return (
        translate("QtSearchBar", "1 hit")
        if count == 1
        else translate("QtSearchBar", "{n} hits").format(n=count)
    )


def hit_text(widget: QObject, hit: SearchHit) -> str:
    """Two lines: what and where, then who said what."""
    where = f"{kind_word(widget, hit.type)} · {hit.title}" if hit.title else kind_word(widget, hit.type)
    who = hit.author_name or translate("QtSearchBar", "someone")
    return f"{where}\n{who}: {hit.snippet}"


class _Typing(QObject):
    """Runs `search(text)` once typing pauses; a newer text supersedes an older run's answer."""

    def __init__(
        self,
        session: Session,
        line: QLineEdit,
        search: Callable[[str], Awaitable[Any]],
        show: Callable[[str, Any], None],
    ) -> None:
        super().__init__(line)
        self.session, self.line, self.search, self.show = session, line, search, show
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.run)
        line.textChanged.connect(lambda _: self.timer.start())
        self.runs = 0

    def run(self) -> None:
        text = self.line.text()
        if not fts_query(text):  # no word yet: nothing to ask the core
            self.show(text, None)
            return
        self.session.run(lambda: self.search(text), lambda found: self._answered(text, found))

    def _answered(self, text: str, found: Any) -> None:
        if text == self.line.text():  # else a newer search is on its way
            self.runs += 1
            self.show(text, found)


class QtSearchBar(QWidget):
    """Ctrl+F over one circle: a line to type in and the hits, newest first; Enter or a
    click opens the current hit, Escape closes the bar."""

    chosen = Signal(object)  # SearchHit

    def __init__(self, session: Session, space: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self.tr("Search this circle: posts, help, resources, chat…"))
        self.line.setClearButtonEnabled(True)
        self.line.returnPressed.connect(self._open_current)
        self.line.installEventFilter(self)
        close = QPushButton(self.tr("Close"), self)
        close.setToolTip(self.tr("Close the search (Esc)"))
        close.clicked.connect(self.close_search)
        self.status = QLabel(self)
        self.hits = QListWidget(self)
        self.hits.setWordWrap(True)
        self.hits.setAlternatingRowColors(True)
        self.hits.setSpacing(2)
        self.hits.itemActivated.connect(self._open)
        self.hits.itemClicked.connect(self._open)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.line, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.hits)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.found: list[SearchHit] = []
        self.typing = _Typing(
            session, self.line, lambda text: search.in_circle(session.commands, space, text), self._show
        )
        self._show("", None)
        self.hide()

    def start(self) -> None:
        self.show()
        self.line.setFocus()
        self.line.selectAll()

    def close_search(self) -> None:
        self.hide()
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()

    def _show(self, text: str, found: list[SearchHit] | None) -> None:
        self.found = found or []
        self.hits.clear()
        for hit in self.found:
            item = QListWidgetItem(hit_text(self, hit))
            item.setToolTip(hit.snippet)
            item.setData(HIT, hit.item_id)
            self.hits.addItem(item)
        self.hits.setVisible(bool(self.found))
        if self.found:  # as tall as its hits, up to MAX_LIST_HEIGHT
            gap = 2 * self.hits.spacing()
            rows = sum(self.hits.sizeHintForRow(row) + gap for row in range(self.hits.count()))
            self.hits.setFixedHeight(min(rows + 2 * self.hits.frameWidth() + 2, MAX_LIST_HEIGHT))
        if found is None:
            self.status.setText(self.tr("Type a word to search for."))
        elif not self.found:
            self.status.setText(self.tr("Nothing found for “{text}”.").format(text=text))
        else:
            self.status.setText(hits_found(self, len(self.found)) + self.tr(", newest first"))
        if self.found:
            self.hits.setCurrentRow(0)

    def _open_current(self) -> None:
        item = self.hits.currentItem()
        if item is not None:
            self._open(item)

    def _open(self, item: QListWidgetItem) -> None:
        hit = next((hit for hit in self.found if hit.item_id == item.data(HIT)), None)
        if hit is not None:
            self.chosen.emit(hit)

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        if watched is self.line and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_search()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.hits.count():
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.hits.setCurrentRow(max(0, min(self.hits.count() - 1, self.hits.currentRow() + step)))
                return True
        return super().eventFilter(watched, event)


class SearchEverywhereDialog(QDialog):
    """Ctrl+Shift+F: every circle I am in and My notes, hits grouped by circle."""

    chosen_hit = Signal(object)  # SearchHit
    chosen_note = Signal(str)  # note id (hex)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Search everywhere"))
        self.resize(640, 480)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self.tr("Search every circle and My notes…"))
        self.line.setClearButtonEnabled(True)
        self.line.returnPressed.connect(self._open_current)
        self.status = QLabel(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._open)
        self.tree.itemDoubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.line)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.hits: dict[str, SearchHit] = {}
        commands = session.commands

        async def everything(text: str) -> tuple[list[SearchHit], list[NoteSummary]]:
            return await search.everywhere(commands, text), await notes.search(commands, text)

        self.typing = _Typing(session, self.line, everything, self._show)
        self._show("", None)

    def _show(self, text: str, found: tuple[list[SearchHit], list[NoteSummary]] | None) -> None:
        hits, found_notes = found if found is not None else ([], [])
        self.tree.clear()
        self.hits = {hit.item_id: hit for hit in hits}
        groups: dict[str, QTreeWidgetItem] = {}
        for hit in hits:
            group = groups.get(hit.circle_id)
            if group is None:
                group = groups[hit.circle_id] = QTreeWidgetItem(self.tree, [hit.circle_name])
                group.setFirstColumnSpanned(True)
            child = QTreeWidgetItem(group, [hit_text(self, hit)])
            child.setData(0, HIT, ("hit", hit.item_id))
            child.setToolTip(0, hit.snippet)
        if found_notes:
            group = QTreeWidgetItem(self.tree, [self.tr("My notes")])
            for note in found_notes:
                QTreeWidgetItem(group, [note.title]).setData(0, HIT, ("note", note.note_id))
        self.tree.expandAll()
        total = len(hits) + len(found_notes)
        if found is None:
            self.status.setText(self.tr("Type a word to search for."))
        elif total == 0:
            self.status.setText(self.tr("Nothing found for “{text}”.").format(text=text))
        else:
            self.status.setText(hits_found(self, total))
        group = self.tree.topLevelItem(0)
        first = group.child(0) if group is not None else None
        if first is not None:
            self.tree.setCurrentItem(first)

    def _open_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._open(item)

    def _open(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, HIT)
        if not data:
            return
        kind, key = data
        if kind == "hit" and key in self.hits:
            self.chosen_hit.emit(self.hits[key])
        elif kind == "note":
            self.chosen_note.emit(key)
        self.accept()
