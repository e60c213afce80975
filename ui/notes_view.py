"""My notes: the list (or search results, Ctrl+F), an editor with a live Markdown
preview where `[[Title]]` links open the note they name (typing `[[` completes titles,
`ui.note_editor`), the note's backlinks, saving, sharing a note into a circle's
library, and deleting it (asked first). Everything through `app.services.notes`.
The reflection journal (`app.services.journal`): "New reflection" starts a note tagged
`reflection` from prompts, "Reflections only" filters the list, and the Share menu
shares a note into a coaching pair as a reflection the partner can comment on.

Nothing typed is lost: edits are saved a second after the last keystroke, before another
note (or a new one) opens, on Ctrl+S, and before the window closes (`flush`, which
`ui.main_window` awaits). A save never reloads the editor, so the cursor, the selection,
the scroll position and the undo history stay; a line beside the title says whether the
note is saved. Saves run one at a time: a new note is added once, then edited.

Owns `QtNotes`. GUI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
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
from ui.empty_state import EmptyHint
from ui.live import LiveQuery
from ui.note_editor import QtNoteEditor
from ui.note_list import NoteListModel
from ui.paged_list import QtPagedList
from ui.proportions import keep_proportions
from ui.session import Session

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

    from app.services.glance import Glance
    from app.services.rows import Note, NoteSummary
    from sync.changes import Changes

ID = Qt.ItemDataRole.UserRole
AUTOSAVE_MS = 1000  # after the last keystroke
SIDE_BY_SIDE_FROM = 820  # px of the page: narrower, the preview goes under the editor
Fields = tuple[str, str, tuple[str, ...]]  # title, text, tags as typed
EMPTY: Fields = ("", "", ())


def untitled(text: str) -> str:
    """A title for a note written without one: its first line (Markdown heading marks off)."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:80]
    return ""


class QtNotes(QWidget):
    source_asked = Signal(object)  # a circle's SpaceId: open it (a saved note's source)

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, glance: Glance | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.space: SpaceId | None = None
        self.note: Any = None  # the ItemRow being edited; None: a new note
        self.circles: list[tuple[SpaceId, str]] = []
        self.pairs: list[tuple[SpaceId, str]] = []  # coaching pairs to share a reflection into
        self.share_error: str | None = None  # why the last share into a pair failed
        self._asked: str | None = None  # the note clicked, while the open one is saved
        self._opening: str | None = None  # the note asked for, until it is shown
        self._base: Fields = EMPTY  # the open note as last loaded or saved
        self._saving = False  # a save is running on the core thread
        self._after_save: list[Callable[[], None]] = []  # what waits for the save (a switch, closing)
        self.save_error: str | None = None  # why the last save failed
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self._autosave)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search notes (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.model = NoteListModel(session, self)
        self.model.reset_done.connect(self._list_reset)
        self.list = QtPagedList(self.model, self)
        self.list.chosen.connect(self.open_note)
        self.empty = EmptyHint(self.list, self._empty_text, loaded=lambda: self.model.loaded)
        self.new_button = QPushButton(self.tr("New note"), self)
        self.new_button.setToolTip(self.tr("Ctrl+N"))
        self.new_button.clicked.connect(self.new_item)
        self.new_reflection_button = QPushButton(self.tr("New reflection"), self)
        self.new_reflection_button.setToolTip(
            self.tr("A journal entry from prompts: what happened, what you noticed, what you will try next")
        )
        self.new_reflection_button.clicked.connect(self.new_reflection)
        self.reflections_only = QCheckBox(self.tr("Reflections only"), self)
        self.reflections_only.toggled.connect(self._filter_changed)

        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("Title"))
        self.title.textEdited.connect(self._edited)
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("tags, separated by commas"))
        self.tags.textEdited.connect(self._edited)
        self.editor = QtNoteEditor(session, self)
        self.editor.setPlaceholderText(self.tr("Write in Markdown; link other notes with [[Their title]]."))
        self.editor.textChanged.connect(self._preview)
        self.editor.textChanged.connect(self._edited)
        self.source = QLabel(self)  # where a note saved from a circle came from
        self.source.setObjectName("note-source")
        self.source.setWordWrap(True)
        self.source.hide()
        self.source.linkActivated.connect(lambda space: self.source_asked.emit(bytes.fromhex(space)))
        self.state = QLabel(self)  # saved or not
        self.state.setObjectName("save-state")
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
        self.share_button.setText(self.tr("Share"))
        self.share_button.setToolTip(self.tr("Share to a circle's resources, or into a coaching pair"))
        self.share_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.share_menu = QMenu(self)
        self.share_button.setMenu(self.share_menu)
        self.share_menu.aboutToShow.connect(self._fill_share_menu)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.setToolTip(self.tr("Delete this note (it asks first)"))
        self.delete_button.clicked.connect(self.delete_note)
        save_shortcut = QAction(self)
        save_shortcut.setShortcut("Ctrl+S")
        save_shortcut.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.triggered.connect(self.save)
        self.addAction(save_shortcut)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.reflections_only)
        left_layout.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.new_reflection_button)
        left_layout.addLayout(buttons)
        panes = self.panes = QSplitter(self)  # side by side; the preview below when narrow
        panes.addWidget(self.editor)
        panes.addWidget(self.preview)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)  # a row of its own: readable at 800×600
        right_layout.addWidget(self.source)
        head = QHBoxLayout()
        head.addWidget(self.tags, 1)
        head.addWidget(self.state)
        head.addWidget(self.save_button)
        head.addWidget(self.share_button)
        head.addWidget(self.delete_button)
        right_layout.addLayout(head)
        right_layout.addWidget(panes, 1)
        right_layout.addWidget(QLabel(self.tr("Linked from"), self))
        right_layout.addWidget(self.backlinks)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        keep_proportions(splitter, (1, 3))  # the list a quarter: the note gets the room
        QVBoxLayout(self).addWidget(splitter)

        self._note_query = LiveQuery(session, self._fetch_note, self._show_note)
        session.changed.connect(self._on_changes)
        if glance is not None:  # the first page as the glance read it; the core reads it again
            self.space = glance.notes_space
            self.model.show_rows(glance.notes, glance.notes_after)
        self.model.refresh()
        session.run(self._fetch_space, self._got_space)
        self._fetch_pairs()
        self.new_item()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < SIDE_BY_SIDE_FROM
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.panes.orientation() != wanted:
            self.panes.setOrientation(wanted)

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
        wanted = self._asked or self._opening or (self.note.item_id.hex() if self.note is not None else None)
        self.list.select_quietly(wanted)

    def _empty_text(self) -> str:
        typed = self.search.text().strip()
        if typed:
            return self.tr("No note matches “{typed}”.").format(typed=typed)
        if self.reflections_only.isChecked():
            return self.tr("No reflections yet — start one with New reflection.")
        return self.tr("No notes yet — write one with New note (Ctrl+N).")

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)

    def _filter_changed(self, only: bool) -> None:
        self.model.set_reflections_only(only)

    def start_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- one note --------------------------------------------------------------------
    def open_note(self, note_id: str) -> None:
        """Open a note, once what is typed in the open one is saved."""
        self._asked = note_id
        self.flush(lambda: self._open(note_id), on_failure=self._stay)

    def _open(self, note_id: str) -> None:
        self._asked, self._opening = None, note_id
        self._note_query.refresh()

    def _stay(self) -> None:
        """A switch is given up (the open note could not be saved): the list says so too."""
        self._asked = None
        self.list.select_quietly(self.note.item_id.hex() if self.note is not None else None)

    async def _fetch_note(self) -> tuple[str | None, Any, Note] | None:
        opening = self._opening
        typed = opening or (self.note.item_id.hex() if self.note is not None else None)
        if typed is None:
            return None
        from app.services import notes

        row = await notes.find_note(self.session.commands, typed)
        return opening, row, await notes.show(self.session.commands, row)

    def _show_note(self, result: tuple[str | None, Any, Note] | None) -> None:
        if result is None:
            return
        opening, row, shown = result
        if self._opening is not None and opening != self._opening:
            return  # read before another note was asked for: its read is queued
        self._opening = None
        stored: Fields = (row.title, row.text, tuple(row.tags))
        same = self.note is not None and row.item_id == self.note.item_id
        if not same:
            self.note, self._base = row, stored  # another note: load it
            self.title.setText(row.title)
            self.tags.setText(", ".join(row.tags))
            self.editor.setPlainText(row.text)
            self._show_state()
        else:  # the open note, read again (saved here, or edited elsewhere)
            self.note = row
            if not self._dirty() and not self._saving and stored != self._fields():
                self._base = stored  # edited elsewhere, nothing typed here: show theirs
                self._load_keeping_place(row)
        self._show_source(shown)
        self.backlinks.clear()
        for link in shown.backlinks:
            item = QListWidgetItem(link.title)
            item.setData(ID, link.note_id)
            self.backlinks.addItem(item)

    def _show_source(self, shown: Note) -> None:
        """'Saved from Algebra (open)': where a note saved from a circle came from."""
        source = shown.source
        if source is None:
            self.source.hide()
            return
        name = next((name for space, name in self.circles if space.hex() == source.space), None)
        if name is None:
            self.source.setText(self.tr("Saved from a circle you are no longer in."))
        else:
            self.source.setText(
                self.tr("Saved from {circle} — <a href='{space}'>open the circle</a>").format(
                    circle=html.escape(name), space=source.space
                )
            )
        self.source.show()

    def _load_keeping_place(self, row: Any) -> None:
        if self.title.text() != row.title:
            self.title.setText(row.title)
        if self._typed_tags() != tuple(row.tags):
            self.tags.setText(", ".join(row.tags))
        if self.editor.toPlainText() != row.text:
            position = self.editor.textCursor().position()
            scroll = self.editor.verticalScrollBar().value()
            self.editor.setPlainText(row.text)
            cursor = self.editor.textCursor()
            cursor.setPosition(min(position, len(row.text)))
            self.editor.setTextCursor(cursor)
            self.editor.verticalScrollBar().setValue(scroll)
        self._show_state()

    # -- saving ----------------------------------------------------------------------
    def _typed_tags(self) -> tuple[str, ...]:
        return tuple(tag.strip() for tag in self.tags.text().split(",") if tag.strip())

    def _fields(self) -> Fields:
        return self.title.text(), self.editor.toPlainText(), self._typed_tags()

    def _dirty(self) -> bool:
        """Typed and not saved. A new note counts once it has a title or text."""
        title, text, tags = self._fields()
        if self.note is None and not title.strip() and not text.strip():
            return False
        return (title, text, tags) != self._base

    @property
    def unsaved(self) -> bool:
        return self._dirty()

    def _edited(self) -> None:
        if self._dirty():
            self.autosave.start()  # restarted by each keystroke
        self._show_state()

    def _show_state(self) -> None:
        if self.save_error is not None and self._dirty():
            text, tip = self.tr("⚠ Not saved"), self.save_error
        elif self._saving:
            text, tip = self.tr("Saving…"), ""
        elif self._dirty():
            text = self.tr("● Unsaved")
            tip = self.tr("Saved a second after you stop typing, or now with Ctrl+S")
        elif self.note is not None:
            text, tip = self.tr("Saved"), ""
        else:
            text, tip = "", ""
        self.state.setText(text)
        self.state.setToolTip(tip)

    def _autosave(self) -> None:
        if self._dirty() and not self._saving:
            self.save()

    def flush(self, then: Callable[[], None], *, on_failure: Callable[[], None] | None = None) -> None:
        """Save what is typed, then `then()`; if the save fails, `on_failure()` instead."""
        if self._saving:
            self._after_save.append(lambda: self.flush(then, on_failure=on_failure))
            return
        if not self._dirty():
            then()
            return
        self._after_save.append(then)
        self.save(on_failure=on_failure)

    def _preview(self) -> None:
        from ui.markdown import show_markdown  # not before the first paint: no note is open

        show_markdown(self.preview, self.editor.toPlainText())

    def _link_clicked(self, url: QUrl) -> None:
        from ui.markdown import note_title

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
                self.new_item(title)  # a link to a note not written yet: start it

        async def work() -> list[NoteSummary]:
            from app.services import notes

            return await notes.titled(session.commands, wanted, limit=50)  # once open

        self.session.run(work, follow)

    def new_item(self, title: str = "") -> None:
        """Start a new note (titled `title`), once what is typed in the open one is saved."""
        self.flush(lambda: self._new_note(title))

    def prompts(self) -> str:
        """A new reflection's text: the journal's prompts as headings, room under each."""
        asked = (self.tr("What happened?"), self.tr("What did I notice?"), self.tr("What will I try next?"))
        return "\n\n".join(f"## {prompt}\n" for prompt in asked)

    def new_reflection(self) -> None:
        """Start a reflection (tagged `reflection`, from the prompts), once the open note is saved."""
        self.flush(self._new_reflection)

    def _new_reflection(self) -> None:
        from datetime import datetime

        self._new_note(self.tr("Reflection {date}").format(date=datetime.now().strftime("%Y-%m-%d")))
        self.tags.setText("reflection")
        self.editor.setPlainText(self.prompts())
        self._base = self._fields()  # the prompts alone are not worth saving: typing is
        self._show_state()
        self.editor.setFocus()
        cursor = self.editor.textCursor()  # under the first prompt
        cursor.setPosition(self.editor.toPlainText().index("\n") + 1)
        self.editor.setTextCursor(cursor)

    def _new_note(self, title: str = "") -> None:
        self.source.hide()
        self.note, self._base = None, EMPTY
        self.autosave.stop()
        self.list.select_quietly(None)
        self.title.clear()
        self.tags.clear()
        self.editor.clear()
        self.backlinks.clear()
        self.title.setText(title)
        self._show_state()
        self.title.setFocus()

    def save(self, *, on_failure: Callable[[], None] | None = None) -> None:
        """Save what is typed (Ctrl+S, the autosave, `flush`). The editor is left alone."""
        self.autosave.stop()
        if self._saving:  # one at a time: this one follows
            self._after_save.append(self._autosave)
            return
        if not self._dirty():
            self._run_after_save()
            return
        session, note = self.session, self.note
        fields = self._fields()
        title, text, tags = fields
        if not title.strip():
            title = untitled(text)
            self.title.setText(title)
            fields = (title, text, tags)

        async def work() -> Any:
            from app.services import notes

            commands = session.commands  # read when the work runs: the session is open then
            if note is None:
                added = await notes.add(commands, title, text, tags)
                return await notes.find_note(commands, added.hex())
            await notes.edit(commands, note, title=title, text=text, tags=tags)
            return await notes.find_note(commands, note.item_id.hex())

        def saved(row: Any) -> None:
            self._saving, self.save_error = False, None
            self.note, self._base = row, fields
            if self._dirty():
                self.autosave.start()  # typed on while it saved
            self._show_state()
            self._run_after_save()

        def failed(message: str) -> None:
            self._saving, self.save_error = False, message
            self._show_state()
            window = self.window()
            if hasattr(window, "show_error"):
                window.show_error(self.tr("The note is not saved: {error}").format(error=message))
            waiting, self._after_save = self._after_save, []
            del waiting  # the switch or the closing that waited is given up
            if on_failure is not None:
                on_failure()

        self._saving = self.session.run(work, saved, failed)
        self._show_state()

    def _run_after_save(self) -> None:
        waiting, self._after_save = self._after_save, []
        for then in waiting:
            then()

    # -- deleting --------------------------------------------------------------------
    def delete_note(self) -> None:
        """Ask, then delete the open note (a new one not saved yet is just dropped)."""
        note = self.note
        if note is None:
            self._new_note()
            return
        from ui.dialogs import confirm

        self.delete_box = confirm(
            self,
            self.tr("Delete note"),
            self.tr("Delete “{title}”?").format(title=self.title.text() or note.title),
            self.tr("It is deleted from My notes on all your devices. Copies shared to a circle stay there."),
            self.tr("Delete"),
            lambda: self._delete(note),
        )

    def _delete(self, note: Any) -> None:
        if self.note is None or self.note.item_id != note.item_id:
            return  # another note was opened meanwhile
        self.autosave.stop()
        self._base = self._fields()  # what was typed goes with the note: nothing to save
        session = self.session

        async def work() -> Any:
            from app.services import notes

            return await notes.delete(session.commands, note)

        def deleted(_: Any) -> None:
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(self.tr("Note deleted."), 5000)

        self._new_note()
        self.session.run(work, deleted)

    # -- sharing ---------------------------------------------------------------------
    def _fill_share_menu(self) -> None:
        self.share_menu.clear()
        if self.note is None:
            self.share_menu.addAction(self.tr("Save the note first")).setEnabled(False)
            return
        self.share_menu.addSection(self.tr("To a circle's resources"))
        for space, name in self.circles:
            action = self.share_menu.addAction(name)
            action.triggered.connect(lambda _=False, s=space: self.share(s))
        if not self.circles:
            self.share_menu.addAction(self.tr("You are in no circle yet")).setEnabled(False)
        self.share_menu.addSection(self.tr("Share into pair (as a reflection)"))
        for space, name in self.pairs:
            action = self.share_menu.addAction(name)
            action.setObjectName("share-pair")
            action.triggered.connect(lambda _=False, s=space: self.share_into_pair(s))
        if not self.pairs:
            self.share_menu.addAction(self.tr("You are in no coaching pair")).setEnabled(False)
        self._fetch_pairs()  # for the next time the menu opens

    def _fetch_pairs(self) -> None:
        session = self.session

        async def work() -> list[tuple[SpaceId, str]]:
            from app.services import coaching

            rows = await coaching.pairs(session.commands)
            return [
                (SpaceId(bytes.fromhex(r.pair)), f"{r.name} ({', '.join(p for p in r.people if p)})")
                for r in rows
                if r.formed and not r.ended
            ]

        def got(pairs: list[tuple[SpaceId, str]]) -> None:
            self.pairs = pairs

        self.session.run(work, got)

    def share_into_pair(self, pair: SpaceId) -> None:
        """Share the open note into a coaching pair as a reflection of its latest open cycle."""
        session, note = self.session, self.note
        if note is None:
            return
        window = self.window()

        async def work() -> Any:
            from app.services import journal

            return await journal.share_into_pair(session.commands, note, pair)

        def shared(_: Any) -> None:
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage(
                    self.tr("Shared into the pair as a reflection: your partner can comment on it."), 5000
                )

        def failed(message: str) -> None:
            self.share_error = message
            if hasattr(window, "show_error"):
                window.show_error(self.tr("Not shared: {error}").format(error=message))

        self.share_error = None
        self.session.run(work, shared, failed)

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
