"""My notes: the list (or search results, Ctrl+F), an editor with a live Markdown
preview where `[[Title]]` links open the note they name (typing `[[` completes titles,
`ui.note_editor`), the note's backlinks, saving
(Ctrl+S) and sharing a note into a circle's library. Everything through `app.services.notes`.

Owns `QtNotes`. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sync.ids import SpaceId
from ui.live import LiveQuery
from ui.markdown import note_title, show_markdown
from ui.note_editor import QtNoteEditor
from ui.note_list import NoteListModel
from ui.paged_list import QtPagedList
from ui.session import Session

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

    from app.services.glance import Glance
    from app.services.rows import Note, NoteSummary
    from sync.changes import Changes

ID = Qt.ItemDataRole.UserRole


class QtNotes(QWidget):
    def __init__(
        self, session: Session, parent: QWidget | None = None, *, glance: Glance | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.space: SpaceId | None = None
        self.note: Any = None  # the ItemRow being edited; None: a new note
        self.circles: list[tuple[SpaceId, str]] = []
        self._opening: str | None = None  # the note asked for, until it is shown

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search notes (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.model = NoteListModel(session, self)
        self.model.reset_done.connect(self._list_reset)
        self.list = QtPagedList(self.model, self)
        self.list.chosen.connect(self.open_note)
        self.new_button = QPushButton(self.tr("New note"), self)
        self.new_button.setToolTip(self.tr("Ctrl+N"))
        self.new_button.clicked.connect(self.new_item)

        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("Title"))
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("tags, separated by commas"))
        self.editor = QtNoteEditor(session, self)
        self.editor.setPlaceholderText(self.tr("Write in Markdown; link other notes with [[Their title]]."))
        self.editor.textChanged.connect(self._preview)
        self.preview = QTextBrowser(self)
        self.preview.setOpenLinks(False)
        self.preview.anchorClicked.connect(self._link_clicked)
        self.backlinks = QListWidget(self)
        self.backlinks.setMaximumHeight(110)
        self.backlinks.itemActivated.connect(lambda item: self.open_note(item.data(ID)))
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setToolTip(self.tr("Ctrl+S"))
        self.save_button.clicked.connect(self.save)
        self.share_button = QToolButton(self)
        self.share_button.setText(self.tr("Share to a circle"))
        self.share_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.share_menu = QMenu(self)
        self.share_button.setMenu(self.share_menu)
        self.share_menu.aboutToShow.connect(self._fill_share_menu)
        save_shortcut = QAction(self)
        save_shortcut.setShortcut("Ctrl+S")
        save_shortcut.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.triggered.connect(self.save)
        self.addAction(save_shortcut)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.new_button)
        panes = QSplitter(self)
        panes.addWidget(self.editor)
        panes.addWidget(self.preview)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 2)
        head.addWidget(self.tags, 1)
        head.addWidget(self.save_button)
        head.addWidget(self.share_button)
        right_layout.addLayout(head)
        right_layout.addWidget(panes, 1)
        right_layout.addWidget(QLabel(self.tr("Linked from"), self))
        right_layout.addWidget(self.backlinks)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        QVBoxLayout(self).addWidget(splitter)

        self._note_query = LiveQuery(session, self._fetch_note, self._show_note)
        session.changed.connect(self._on_changes)
        if glance is not None:  # the first page as the glance read it; the core reads it again
            self.space = glance.notes_space
            self.model.show_rows(glance.notes, glance.notes_after)
        self.model.refresh()
        session.run(self._fetch_space, self._got_space)
        self.new_item()

    # -- the list and search ---------------------------------------------------------
    async def _fetch_space(self) -> SpaceId | None:
        from app.services import notes  # after the first paint (ui.launcher)

        return await notes.notes_space(self.session.commands, create=False)

    def _got_space(self, space: SpaceId | None) -> None:
        self.space = space

    def _on_changes(self, changes: Changes) -> None:
        if self.space is None or changes.space == self.space:
            if self.space is None:
                self.session.run(self._fetch_space, self._got_space)
            self.model.refresh()
            if self.note is not None:
                self._note_query.refresh()

    def _list_reset(self) -> None:
        # the note being opened (a click made before the core was up, say), else the open one
        wanted = self._opening or (self.note.item_id.hex() if self.note is not None else None)
        self.list.select_quietly(wanted)

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)

    def start_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- one note --------------------------------------------------------------------
    def open_note(self, note_id: str) -> None:
        self._opening = note_id
        self._note_query.refresh()

    async def _fetch_note(self) -> tuple[Any, Note] | None:
        typed = self._opening or (self.note.item_id.hex() if self.note is not None else None)
        if typed is None:
            return None
        from app.services import notes

        row = await notes.find_note(self.session.commands, typed)
        return row, await notes.show(self.session.commands, row)

    def _show_note(self, result: tuple[Any, Note] | None) -> None:
        opening, self._opening = self._opening, None
        if result is None:
            return
        row, shown = result
        if opening is not None or self.note is None or row.item_id != self.note.item_id or not self._dirty():
            self.note = row
            self.title.setText(row.title)
            self.tags.setText(", ".join(row.tags))
            self.editor.setPlainText(row.text)
        self.backlinks.clear()
        for link in shown.backlinks:
            item = QListWidgetItem(link.title)
            item.setData(ID, link.note_id)
            self.backlinks.addItem(item)

    def _dirty(self) -> bool:
        note = self.note
        return note is not None and (
            self.title.text() != note.title or self.editor.toPlainText() != note.text
        )

    def _preview(self) -> None:
        show_markdown(self.preview, self.editor.toPlainText())

    def _link_clicked(self, url: QUrl) -> None:
        title = note_title(url)
        if title is None:
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)
            return
        session, wanted = self.session, title.strip()

        def follow(rows: list[NoteSummary]) -> None:
            match = next((row for row in rows if row.title.strip().lower() == wanted.lower()), None)
            if match is not None:
                self.open_note(match.note_id)
            else:
                self.new_item()
                self.title.setText(title)  # a link to a note not written yet: start it

        async def work() -> list[NoteSummary]:
            from app.services import notes

            return await notes.titled(session.commands, wanted, limit=50)  # once open

        self.session.run(work, follow)

    def new_item(self) -> None:
        self.note = None
        self.list.select_quietly(None)
        self.title.clear()
        self.tags.clear()
        self.editor.clear()
        self.backlinks.clear()
        self.title.setFocus()

    def save(self) -> None:
        session, note = self.session, self.note
        title, text = self.title.text(), self.editor.toPlainText()
        tags = [tag for tag in self.tags.text().split(",") if tag.strip()]

        async def work() -> str:
            from app.services import notes

            commands = session.commands  # read when the work runs: the session is open then
            if note is None:
                return (await notes.add(commands, title, text, tags)).hex()
            await notes.edit(commands, note, title=title, text=text, tags=tags)
            return note.item_id.hex()

        self.session.run(work, self.open_note)

    # -- sharing ---------------------------------------------------------------------
    def _fill_share_menu(self) -> None:
        self.share_menu.clear()
        if self.note is None:
            self.share_menu.addAction(self.tr("Save the note first")).setEnabled(False)
            return
        for space, name in self.circles:
            action = self.share_menu.addAction(name)
            action.triggered.connect(lambda _=False, s=space: self.share(s))
        if not self.circles:
            self.share_menu.addAction(self.tr("You are in no circle yet")).setEnabled(False)

    def share(self, circle: SpaceId) -> None:
        session, note = self.session, self.note
        if note is None:
            return
        window = self.window()

        async def work() -> Any:
            from app.services import notes

            return await notes.share(session.commands, note, circle)

        self.session.run(
            work,
            lambda _: (
                window.statusBar().showMessage(self.tr("Shared to the circle's resources."), 5000)
                if hasattr(window, "statusBar")
                else None
            ),
        )
