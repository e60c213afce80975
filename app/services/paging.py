"""Lists read a page at a time: the circle's threads and My notes, newest first, so a view
holding 100,000 of them reads (and builds) only what is on screen.

Owns `Page`, what a view or the CLI gets for one page. The reads themselves are the
core's (`sync.paging`: keyset-paged, the same order on every peer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sync.paging import Cursor

__all__ = ["Cursor", "Page"]

RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    """A page of a list as the UI and the CLI show it: rows of one kind (`app.services.rows`)."""

    rows: list[RowT]
    after: Cursor | None  # pass it back for the next page; None: this page is the last
    # Rows in the whole list, for this viewer; None when not counted: counting reads every
    # row (25 ms at 100,000 threads), so a list counts with its first page only, if at all.
    total: int | None = None
