"""The My notes list: a `ui.paged_list` model over `app.services.notes.page`, newest first, more as
the person scrolls, so 100,000 notes cost one page of rows to open. A search shows its
(bounded) results in the same model.

Owns `NoteListModel` (its view is a `QtPagedList`). GUI thread; pages are read through
the session.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ui import wording
from ui.paged_list import PagedListModel
from ui.session import Session

if TYPE_CHECKING:  # the app's modules come after the first paint (ui.launcher)
    from app.services.paging import Cursor, Page
    from app.services.rows import NoteSummary


class NoteListModel(PagedListModel["NoteSummary"]):
    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(session, key="note_id", parent=parent)
        self.search = ""
        self.reflections_only = False  # the journal's reflections (notes tagged `reflection`)

    async def page(self, after: Cursor | None, limit: int) -> Page[NoteSummary]:
        from app.services import notes

        return await notes.page(self.session.commands, after=after, limit=limit)

    async def first_rows(self, wanted: int) -> Page[NoteSummary]:
        from app.errors import CommandError
        from app.services import notes
        from app.services.paging import Page

        query = self.search
        if query.strip():
            with contextlib.suppress(CommandError):  # no searchable word in it yet
                found = await notes.search(self.session.commands, query)
                if self.reflections_only:
                    found = [row for row in found if "reflection" in row.tags]
                return Page(found, None)
        if self.reflections_only:
            from app.services import journal

            return Page(list(reversed(await journal.listing(self.session.commands))), None)  # newest first
        return await self.page(None, wanted)

    def text(self, row: NoteSummary) -> str:
        tags = "  " + " ".join(f"#{t}" for t in row.tags) if row.tags else ""
        return row.title + tags

    def title(self, row: NoteSummary) -> str:
        return row.title

    def detail(self, row: NoteSummary) -> str:
        return self._detail(row, wording.relative(row.created))

    def tooltip(self, row: NoteSummary) -> str:
        return f"{row.title}\n{self._detail(row, wording.full(row.created))}"

    def _detail(self, row: NoteSummary, when: str) -> str:
        return f"{when}  ·  {wording.hashtags(row.tags)}" if row.tags else when

    def set_search(self, text: str) -> None:
        self.search = text
        self.refresh()

    def set_reflections_only(self, only: bool) -> None:
        self.reflections_only = only
        self.refresh()
