"""The Resources tab: the circle's library (links, texts, shared notes) with a preview,
adding a link or a text, and saving a resource into my notes. Owns `QtResources`. GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import notes, resources
from sync.changes import Changes
from ui.circle import CircleContext
from ui.dialogs import ComposeDialog
from ui.discussion_view import ID, marks
from ui.item_menu import moderation_menu
from ui.live import LiveQuery
from ui.markdown import show_markdown


class QtResources(QWidget):
    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circle = circle
        self.session = circle.session
        self.rows: dict[str, dict[str, Any]] = {}
        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(self._selected)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.add_button = QPushButton(self.tr("Add a resource…"), self)
        self.add_button.clicked.connect(self.new_item)
        self.save_button = QPushButton(self.tr("Save to my notes"), self)
        self.save_button.clicked.connect(self.save_to_notes)
        self.preview = QTextBrowser(self)
        self.preview.setOpenExternalLinks(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.list)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self._query = LiveQuery(
            self.session, lambda: resources.listing(self.session.commands, circle.space), self._show
        )
        self.session.changed.connect(self._on_changes)
        circle.roles_changed.connect(self._query.refresh)
        self._query.refresh()
        self._selected(None)

    def _on_changes(self, changes: Changes) -> None:
        if changes.space == self.circle.space:
            self._query.refresh()

    def _show(self, rows: list[dict[str, Any]]) -> None:
        keep = self.list.currentItem().data(ID) if self.list.currentItem() else None
        self.rows = {row["id"]: row for row in rows}
        self.list.blockSignals(True)
        self.list.clear()
        for row in reversed(rows):
            item = QListWidgetItem(f"{row.get('title', '')}  ·  {row['author_name']}{marks(self, row)}")
            item.setData(ID, row["id"])
            self.list.addItem(item)
            if row["id"] == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._selected(self.list.currentItem())

    def _selected(self, item: QListWidgetItem | None) -> None:
        self.save_button.setEnabled(item is not None)
        if item is None:
            show_markdown(self.preview, self.tr("*Links, notes and files people shared with the circle.*"))
            return
        row = self.rows[item.data(ID)]
        parts = [f"## {row.get('title', '')}", self.tr("*shared by {who}*").format(who=row["author_name"])]
        if row.get("url"):
            parts.append(f"<{row['url']}>")
        parts.append(row["text"])
        show_markdown(self.preview, "\n\n".join(parts))

    def _menu(self, at: QPoint) -> None:
        item = self.list.itemAt(at)
        menu = moderation_menu(self, self.circle, self.rows[item.data(ID)]) if item is not None else None
        if menu is not None:
            menu.popup(self.list.viewport().mapToGlobal(at))

    def new_item(self) -> None:
        dialog = ComposeDialog(
            self.tr("Add a resource"), self.tr("Title"), self.tr("A description, or the text itself"), self
        )
        dialog.url = QLineEdit(dialog)  # type: ignore[attr-defined]
        dialog.url.setPlaceholderText("https://…")  # type: ignore[attr-defined]
        dialog.form.insertRow(1, self.tr("Link"), dialog.url)  # type: ignore[attr-defined]
        dialog.accepted.connect(lambda: self._add(dialog))
        dialog.open()

    def _add(self, dialog: ComposeDialog) -> None:
        title, text, tags = dialog.values()
        url = dialog.url.text()  # type: ignore[attr-defined]
        commands, space = self.session.commands, self.circle.space
        self.session.run(lambda: resources.add(commands, space, title=title, text=text, url=url, tags=tags))

    def save_to_notes(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        commands, typed = self.session.commands, item.data(ID)
        window = self.window()
        self.session.run(
            lambda: notes.save(commands, typed),
            lambda _: (
                window.statusBar().showMessage(self.tr("Saved to My notes."), 5000)
                if hasattr(window, "statusBar")
                else None
            ),
        )
