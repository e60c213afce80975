"""The Discussion tab: threads, one thread with its replies, a reply box, and context
menus on threads and replies (`ui.item_menu`): *Save to my notes* (Ctrl+Shift+S) for
everyone and, for teachers only, moderation (hide/unhide, lock/unlock, redact). Hidden
items vanish for students and are shown marked to teachers, as `app.discussion` reads them.

Owns `QtDiscussion`. GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import discussion
from sync.changes import Changes
from ui.circle import CircleContext
from ui.composer import QtComposer
from ui.dialogs import ComposeDialog
from ui.item_menu import SAVE_KEYS, item_menu, save_to_notes
from ui.live import LiveQuery
from ui.markdown import show_markdown

ID = Qt.ItemDataRole.UserRole  # an item's id (hex); its row is kept in the view's `rows`
# Rows are never stored in items as Python dicts: PySide6 6.12 miscounts references
# to the True/False inside them, which crashed the client with thousands of rows.


def marks(widget: QWidget, row: dict[str, Any]) -> str:
    words = {"hidden": widget.tr("hidden"), "locked": widget.tr("locked"), "redacted": widget.tr("redacted")}
    found = [word for key, word in words.items() if row.get(key)]
    return ("  [" + ", ".join(found) + "]") if found else ""


class QtDiscussion(QWidget):
    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circle = circle
        self.session = circle.session
        self.selected_id: str | None = None
        self.shown_thread: dict[str, Any] | None = None
        self.rows: dict[str, dict[str, Any]] = {}  # by id: threads and the shown thread's replies

        self.new_button = QPushButton(self.tr("New thread…"), self)
        self.new_button.setToolTip(self.tr("Start a thread (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        self.threads = QListWidget(self)
        self.threads.currentItemChanged.connect(self._selected)
        self.threads.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.threads.customContextMenuRequested.connect(lambda at: self._menu(self.threads, at, True))
        self.detail = QTextBrowser(self)
        self.detail.setOpenExternalLinks(True)
        self.replies = QListWidget(self)
        self.replies.setWordWrap(True)
        self.replies.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.replies.customContextMenuRequested.connect(lambda at: self._menu(self.replies, at, False))
        self.composer = QtComposer(self.tr("Write a reply (Markdown)…"), self.tr("Reply"), self)
        self.composer.submitted.connect(self.reply)
        save = QAction(self.tr("Save to my notes"), self)
        save.setShortcut(SAVE_KEYS)
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(self.save_to_notes)
        self.addAction(save)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.threads)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 2)
        right_layout.addWidget(self.replies, 2)
        right_layout.addWidget(self.composer)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)

        commands = lambda: self.session.commands  # noqa: E731 (the core may reopen)
        self._list_query = LiveQuery(
            self.session, lambda: discussion.threads(commands(), circle.space), self._show_threads
        )
        self._thread_query = LiveQuery(self.session, self._fetch_thread, self._show_thread)
        self.session.changed.connect(self._on_changes)
        circle.roles_changed.connect(self._list_query.refresh)
        self._list_query.refresh()
        self._show_thread(None)

    def _on_changes(self, changes: Changes) -> None:
        if changes.space == self.circle.space:
            self._list_query.refresh()
            if self.selected_id:
                self._thread_query.refresh()

    def _show_threads(self, threads: list[dict[str, Any]]) -> None:
        self.rows.update((row["id"], row) for row in threads)
        self.threads.blockSignals(True)
        self.threads.clear()
        for row in reversed(threads):
            line = self.tr("{title}  ·  {who}  ·  {n} replies").format(
                title=row.get("title", ""), who=row["author_name"], n=row["replies"]
            )
            item = QListWidgetItem(line + marks(self, row))
            item.setData(ID, row["id"])
            self.threads.addItem(item)
            if row["id"] == self.selected_id:
                self.threads.setCurrentItem(item)
        self.threads.blockSignals(False)
        if self.selected_id and not any(
            self.threads.item(i).data(ID) == self.selected_id for i in range(self.threads.count())
        ):
            self.selected_id = None  # hidden from me, or deleted
            self._show_thread(None)
        elif self.selected_id:
            self._thread_query.refresh()

    def _selected(self, item: QListWidgetItem | None) -> None:
        self.selected_id = item.data(ID) if item is not None else None
        self._thread_query.refresh()

    async def _fetch_thread(self) -> dict[str, Any] | None:
        if not self.selected_id:
            return None
        commands = self.session.commands
        found = await discussion.find(commands, self.selected_id, frozenset({"thread"}), "thread")
        return await discussion.thread(commands, found)

    def _show_thread(self, thread: dict[str, Any] | None) -> None:
        self.shown_thread = thread
        self.replies.clear()
        self.composer.setVisible(thread is not None and (not thread.get("locked") or self.circle.moderator))
        if thread is None:
            show_markdown(self.detail, self.tr("*Select a thread, or start one with Ctrl+N.*"))
            return
        head = self.tr("*{who}, {when}*").format(who=thread["author_name"], when=thread["created"])
        show_markdown(
            self.detail, f"## {thread.get('title', '')}{marks(self, thread)}\n\n{head}\n\n{thread['text']}"
        )
        for row in thread["replies"]:
            text = row["text"] if not row.get("redacted") else self.tr("(redacted by a teacher)")
            item = QListWidgetItem(f"{row['author_name']}: {text}{marks(self, row)}")
            item.setData(ID, row["id"])
            self.rows[row["id"]] = row
            self.replies.addItem(item)

    def _menu(self, widget: QListWidget, at: QPoint, lockable: bool) -> None:
        item = widget.itemAt(at)
        if item is not None:
            self.item_menu(item).popup(widget.viewport().mapToGlobal(at))

    def item_menu(self, item: QListWidgetItem) -> QMenu:
        """The context menu of a thread or a reply."""
        return item_menu(self, self.circle, self.row(item), lockable=item.listWidget() is self.threads)

    def save_to_notes(self) -> None:
        """Ctrl+Shift+S: the selected reply, else the thread shown."""
        reply = self.replies.currentItem()
        typed = reply.data(ID) if reply is not None else self.selected_id
        if typed:
            save_to_notes(self, self.session, typed)

    def row(self, item: QListWidgetItem) -> dict[str, Any]:
        return self.rows[item.data(ID)]

    def reply(self, text: str) -> None:
        if not self.selected_id:
            return
        commands, typed = self.session.commands, self.selected_id

        async def work() -> None:
            await discussion.reply(commands, await discussion.find(commands, typed), text)

        self.session.run(work, lambda _: self.composer.clear())

    def new_item(self) -> None:
        dialog = ComposeDialog(
            self.tr("New thread"), self.tr("What is it about?"), self.tr("Say more (Markdown)"), self
        )
        dialog.accepted.connect(lambda: self._create(dialog))
        dialog.open()

    def _create(self, dialog: ComposeDialog) -> None:
        title, text, tags = dialog.values()
        commands, space = self.session.commands, self.circle.space

        def select(op_id: Any) -> None:
            self.selected_id = op_id.hex()
            self._list_query.refresh()

        self.session.run(lambda: discussion.new_thread(commands, space, title, text, tags), select)
