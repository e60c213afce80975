"""The Discussion tab: threads (newest first, a page at a time as the person scrolls:
`ui.paged_list`), one thread with its replies, a reply box, and context menus on threads
and replies (`ui.item_menu`): *Save to my notes* (Ctrl+Shift+S) for everyone and, for
teachers only, moderation (hide/unhide, lock/unlock, redact). Hidden items vanish for
students and are shown marked to teachers, as `app.services.discussion` reads them.

Owns `QtDiscussion` and `ThreadListModel`. GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import CommandError
from app.services import discussion
from app.services.paging import Cursor, Page
from app.services.rows import Item, Thread, ThreadSummary
from sync.changes import DISCUSSION_KINDS
from ui import wording
from ui.cards import QtCard, QtCardList
from ui.circle import CircleContext, QtCircleTab
from ui.composer import QtComposer
from ui.dialogs import ComposeDialog
from ui.empty_state import EmptyHint
from ui.item_menu import SAVE_KEYS, item_menu, save_to_notes
from ui.live import LiveQuery
from ui.markdown import show_markdown
from ui.paged_list import PagedListModel, QtPagedList
from ui.proportions import keep_proportions
from ui.wording import plural

translate = QCoreApplication.translate  # named so lupdate finds the strings

ID = Qt.ItemDataRole.UserRole  # an item's id (hex): threads' rows are in the model, replies' in `rows`
# Rows are never stored in items as Python dicts: PySide6 6.12 miscounts references
# to the True/False inside them, which crashed the client with thousands of rows.


def marks(widget: QObject, row: Item) -> str:
    flags = (
        (row.hidden, translate("Marks", "hidden")),
        (row.locked, translate("Marks", "locked")),
        (row.redacted, translate("Marks", "redacted")),
    )
    found = [word for flag, word in flags if flag]
    return ("  [" + translate("Marks", ", ", "list separator").join(found) + "]") if found else ""


class ThreadListModel(PagedListModel[ThreadSummary]):
    """The circle's threads, newest first, as `app.services.discussion.threads` pages them."""

    def __init__(self, circle: CircleContext, parent: QObject | None = None) -> None:
        super().__init__(circle.session, key="id", parent=parent)
        self.space = circle.space

    async def page(self, after: Cursor | None, limit: int) -> Page[ThreadSummary]:
        return await discussion.threads(self.session.commands, self.space, after=after, limit=limit)

    def text(self, row: ThreadSummary) -> str:
        line = plural(
            self.tr("{title}  ·  {who}  ·  %n repl(y/ies)  ·  {when}", "", row.replies), row.replies
        )
        tags = f"  ·  {wording.hashtags(row.tags)}" if row.tags else ""
        shown = line.format(title=row.title, who=row.author_name, when=wording.relative(row.created))
        return shown + tags + marks(self, row)

    def title(self, row: ThreadSummary) -> str:
        return row.title

    def detail(self, row: ThreadSummary) -> str:
        return self._detail(row, wording.relative(row.created))

    def tooltip(self, row: ThreadSummary) -> str:
        return f"{row.title}\n{self._detail(row, wording.full(row.created))}"

    def _detail(self, row: ThreadSummary, when: str) -> str:
        line = plural(self.tr("{who}  ·  {when}  ·  %n repl(y/ies)", "", row.replies), row.replies)
        tags = f"  ·  {wording.hashtags(row.tags)}" if row.tags else ""
        return line.format(who=row.author_name, when=when) + tags + marks(self, row)


class QtDiscussion(QtCircleTab):
    kinds = DISCUSSION_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.selected_id: str | None = None
        self.shown_thread: Thread | None = None
        self.rows: dict[str, Item] = {}  # the shown thread's replies, by id

        self.new_button = QPushButton(self.tr("New thread…"), self)
        self.new_button.setToolTip(self.tr("Start a thread (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_item)
        self.model = ThreadListModel(circle, self)
        self.model.reset_done.connect(self._listed)
        self.threads = QtPagedList(self.model, self)
        self.threads.chosen.connect(self._chosen)
        self.threads.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.threads.customContextMenuRequested.connect(self._thread_menu_at)
        self.total_label = QLabel(self)
        self.detail = QTextBrowser(self)
        self.detail.setOpenExternalLinks(True)
        self.replies = QtCardList(self.tr("No replies yet."), self)
        self.replies.menu_requested.connect(self._reply_menu_at)
        self.empty = EmptyHint(
            self.threads,
            self.tr("No threads yet — start one with New thread… (Ctrl+N)."),
            loaded=lambda: self.model.loaded,
        )
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
        left_layout.addWidget(self.total_label)
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
        keep_proportions(splitter, (1, 2))  # the list a third, the item two thirds, at any width
        QVBoxLayout(self).addWidget(splitter)

        self._thread_query = LiveQuery(self.session, self._fetch_thread, self._show_thread)
        self.model.refresh()
        self._show_thread(None)

    def on_touched(self) -> None:
        self._refresh()

    def on_roles(self) -> None:
        self._refresh()  # my role decides what is hidden from me

    def _refresh(self) -> None:
        self.model.refresh()
        if self.selected_id:
            self._thread_query.refresh()

    def _listed(self) -> None:
        self.threads.select_quietly(self.selected_id)
        total = self.model.total or 0
        many = plural(self.tr("%Ln thread(s)", "", total), total)
        self.total_label.setText(many)

    def _chosen(self, thread_id: str) -> None:
        self.selected_id = thread_id
        self._thread_query.refresh()

    def show_thread(self, thread_id: str) -> None:
        """Open a thread (e.g. a search hit), selected in the list if it is listed yet."""
        self.threads.select_quietly(thread_id)
        self._chosen(thread_id)

    async def _fetch_thread(self) -> tuple[str | None, Thread | None]:
        typed, commands = self.selected_id, self.session.commands
        if not typed:
            return None, None
        try:
            found = await discussion.find(commands, typed, frozenset({"thread"}), "thread")
        except CommandError:  # hidden from me, or deleted
            return typed, None
        return typed, await discussion.thread(commands, found)

    def _show_thread(self, result: tuple[str | None, Thread | None] | None) -> None:
        typed, thread = result if result is not None else (None, None)
        if thread is None and typed is not None and typed == self.selected_id:
            self.selected_id = None  # the thread asked for is gone from my view
            self.threads.select_quietly(None)
        self.shown_thread = thread
        self.replies.clear()
        self.rows.clear()
        self.composer.setVisible(thread is not None and (not thread.locked or self.circle.moderator))
        if thread is None:
            show_markdown(self.detail, self.tr("*Select a thread, or start one with Ctrl+N.*"))
            return
        head = self.tr("*{who}, {when}*").format(
            who=thread.author_name, when=wording.relative(thread.created)
        )
        if thread.tags:  # after the byline, never at a line's start (a Markdown heading)
            head += "  ·  " + wording.hashtags(thread.tags)
        show_markdown(self.detail, f"## {thread.title}{marks(self, thread)}\n\n{head}\n\n{thread.text}")
        for row in thread.replies:
            text = row.text if not row.redacted else self.tr("*(redacted by a teacher)*")
            header = f"{row.author_name} — {wording.relative(row.created)}{marks(self, row)}"
            card = self.replies.add(QtCard(row.id, header, text))
            card.header.setToolTip(
                self.tr("{who}, {when}").format(who=row.author_name, when=wording.full(row.created))
            )
            self.rows[row.id] = row

    def _thread_menu_at(self, at: QPoint) -> None:
        index = self.threads.indexAt(at)
        if index.isValid():
            self.thread_menu(index).popup(self.threads.viewport().mapToGlobal(at))

    def _reply_menu_at(self, card: QtCard, at: QPoint) -> None:
        self.item_menu(card).popup(at)

    def thread_menu(self, index: QModelIndex) -> QMenu:
        """The context menu of a thread in the list."""
        return item_menu(self, self.circle, self.model.row_at(index), lockable=True)

    def item_menu(self, card: QtCard) -> QMenu:
        """The context menu of a reply."""
        return item_menu(self, self.circle, self.row(card))

    def save_to_notes(self) -> None:
        """Ctrl+Shift+S: the selected reply, else the thread shown."""
        reply = self.replies.currentItem()
        typed = reply.item_id if reply is not None else self.selected_id
        if typed:
            save_to_notes(self, self.session, typed)

    def row(self, card: QtCard) -> Item:
        return self.rows[card.item_id]

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

        def select(op_id: Any) -> None:  # the list re-reads on the write's own Changes
            self.selected_id = op_id.hex()
            self._thread_query.refresh()

        self.session.run(lambda: discussion.new_thread(commands, space, title, text, tags), select)
