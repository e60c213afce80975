"""The Resources tab: the circle's library (links, texts, files, shared notes; newest first,
a page at a time as the person scrolls: `ui.paged_list`) with a preview and the resource's
files under it (`ui.resource_files`: open, save, how far one arriving has come), adding a
link, a text or files (`ui.resource_dialog`; files dropped on the tab open it with them
attached), and saving a resource into my notes. Owns `QtResources` and `ResourceListModel`.
GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import notes, resources
from app.services.paging import Cursor, Page
from app.services.rows import Resource
from sync.changes import RESOURCE_KINDS
from ui import wording
from ui.circle import CircleContext, QtCircleTab
from ui.discussion_view import marks
from ui.empty_state import EmptyHint
from ui.item_menu import moderation_menu
from ui.markdown import show_markdown
from ui.paged_list import PagedListModel, QtPagedList
from ui.proportions import keep_proportions
from ui.resource_files import QtResourceFiles
from ui.wording import plural

if TYPE_CHECKING:
    from ui.resource_dialog import ResourceDialog


class ResourceListModel(PagedListModel[Resource]):
    """The circle's library, newest first, as `app.services.resources.page` pages it."""

    def __init__(self, circle: CircleContext, parent: QObject | None = None) -> None:
        super().__init__(circle.session, key="id", parent=parent)
        self.space = circle.space

    async def page(self, after: Cursor | None, limit: int) -> Page[Resource]:
        return await resources.page(self.session.commands, self.space, after=after, limit=limit)

    def text(self, row: Resource) -> str:
        return f"{row.title}  ·  {row.author_name}{marks(self, row)}"

    def title(self, row: Resource) -> str:
        return row.title

    def detail(self, row: Resource) -> str:
        return self._detail(row, wording.relative(row.created))

    def tooltip(self, row: Resource) -> str:
        return f"{row.title}\n{self._detail(row, wording.full(row.created))}"

    def _detail(self, row: Resource, when: str) -> str:
        line = f"{row.author_name}  ·  {when}"
        if row.files:
            files = len(row.files)
            line += "  ·  " + plural(self.tr("%n file(s)", "", files), files)
        elif row.url:
            line += "  ·  " + row.url
        return line + marks(self, row)


class QtResources(QtCircleTab):
    kinds = RESOURCE_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.selected_id: str | None = None
        self.model = ResourceListModel(circle, self)
        self.model.reset_done.connect(self._listed)
        self.list = QtPagedList(self.model, self)
        self.list.chosen.connect(self._chosen)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.empty = EmptyHint(
            self.list,
            self.tr("No resources yet — add one with Add a resource… (Ctrl+N)."),
            loaded=lambda: self.model.loaded,
        )
        self.add_button = QPushButton(self.tr("Add a resource…"), self)
        self.add_button.clicked.connect(lambda: self.new_item())
        self.save_button = QPushButton(self.tr("Save to my notes"), self)
        self.save_button.clicked.connect(self.save_to_notes)
        self.preview = QTextBrowser(self)
        self.preview.setOpenExternalLinks(True)
        self.files = QtResourceFiles(self.session, self)
        self.files.arrived.connect(self.model.refresh)
        self.dialog: ResourceDialog | None = None  # the last "Add a resource" opened
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.files)
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
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        keep_proportions(splitter, (1, 2))  # the list a third, the item two thirds, at any width
        QVBoxLayout(self).addWidget(splitter)
        self.setAcceptDrops(True)  # files dropped here: "Add a resource" with them attached
        self.model.refresh()
        self._preview(None)

    def on_touched(self) -> None:
        self.model.refresh()

    def on_roles(self) -> None:
        self.model.refresh()

    def _listed(self) -> None:
        # The selection stays while its row is among those re-read; one hidden from me or
        # deleted is gone (so is one pushed past them by as many new resources: rare).
        row = self.model.row_of(self.selected_id)
        if row < 0:
            self.selected_id = None
        self.list.select_quietly(self.selected_id)
        self._preview(self.model.rows[row] if row >= 0 else None)

    def _chosen(self, resource_id: str) -> None:
        self.selected_id = resource_id
        self._preview(self.model.rows[self.model.row_of(resource_id)])

    def show_resource(self, resource_id: str) -> None:
        """Select a resource (e.g. a search hit) if it is among those listed yet."""
        row = self.model.row_of(resource_id)
        if row >= 0:
            self.selected_id = resource_id
            self.list.select_quietly(resource_id)
            self._preview(self.model.rows[row])

    def _preview(self, row: Resource | None) -> None:
        self.save_button.setEnabled(row is not None)
        self.files.show_files(self.circle.space, row.files if row is not None else ())
        if row is None:
            show_markdown(self.preview, self.tr("*Links, notes and files people shared with the circle.*"))
            return
        parts = [f"## {row.title}", self.tr("*shared by {who}*").format(who=row.author_name)]
        if row.url:
            parts.append(f"<{row.url}>")
        parts.append(row.text)
        show_markdown(self.preview, "\n\n".join(parts))

    def _menu(self, at: QPoint) -> None:
        index = self.list.indexAt(at)
        menu = moderation_menu(self, self.circle, self.model.row_at(index)) if index.isValid() else None
        if menu is not None:
            menu.popup(self.list.viewport().mapToGlobal(at))

    def new_item(self, files: list[Path] | None = None) -> ResourceDialog:
        """Open "Add a resource", with `files` attached (those that can be shared)."""
        from ui.resource_dialog import ResourceDialog

        dialog = self.dialog = ResourceDialog(self)
        dialog.accepted.connect(lambda: self._add(dialog))
        dialog.finished.connect(dialog.deleteLater)
        if files:
            dialog.attach(files)
        dialog.open()
        return dialog

    def _add(self, dialog: ResourceDialog) -> None:
        title, text, tags = dialog.values()
        url, files = dialog.url.text(), list(dialog.paths)
        commands, space = self.session.commands, self.circle.space
        self.session.run(
            lambda: resources.add(commands, space, title=title, text=text, url=url, tags=tags, files=files)
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from ui.resource_dialog import local_files_in

        if local_files_in(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        from ui.resource_dialog import local_files_in

        paths = local_files_in(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.new_item(paths)

    def save_to_notes(self) -> None:
        if self.selected_id is None:
            return
        commands, typed = self.session.commands, self.selected_id
        window = self.window()
        self.session.run(
            lambda: notes.save(commands, typed),
            lambda _: (
                window.statusBar().showMessage(self.tr("Saved to My notes."), 5000)
                if hasattr(window, "statusBar")
                else None
            ),
        )
