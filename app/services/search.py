"""Search in a circle and across every circle (Ctrl+F and Ctrl+Shift+F in the client,
`search` in the CLI): threads, replies, help requests, answers, progress notes,
resources and chat, as the searcher may see them (`sync.views.search_items`), each hit
naming the thread or request to open for it. My notes have their own full-text search
(`app.services.notes.search`); the search everywhere adds its hits.

Functions prefixed `_` run on the database worker (`Database.run`).
"""

from __future__ import annotations

import re

from app.errors import CommandError
from app.personal import shared_spaces
from app.services.commands import Commands
from app.services.items import names_in, when
from app.services.membership import current_spaces
from app.services.rows import SearchHit
from sync import views, writer
from sync.ids import SpaceId
from sync.replica import Replica
from sync.state import ItemRow

SNIPPET_CHARS = 90
_WORD = re.compile(r"\w+", re.UNICODE)
_OPENED_BY_PARENT = frozenset({"reply", "answer", "progress"})


def _words(text: str) -> list[str]:
    words = _WORD.findall(text)
    if not words:
        raise CommandError("Give at least one word to search for.")
    return words


_MARKUP = re.compile(r"\*\*|__|`+|^#{1,6}\s+|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", re.MULTILINE)


def snippet(text: str, words: list[str]) -> str:
    """One line of `text` around the first of `words` it holds (its start if none), with
    Markdown's emphasis, code and heading marks left out (`a * b` stays)."""
    line = " ".join(_MARKUP.sub("", text).split())
    folded = line.casefold()
    at = min((folded.find(word.casefold()) for word in words if word.casefold() in folded), default=0)
    start = max(0, at - SNIPPET_CHARS // 3)
    cut = line[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + cut + ("…" if start + SNIPPET_CHARS < len(line) else "")


def _hits(replica: Replica, space: SpaceId, text: str, limit: int) -> list[SearchHit]:
    replica.refresh()
    level = writer.my_level(replica, space)
    rows = views.search_items(replica.db, space, text, level, limit=limit)
    names = names_in(replica, space)
    circle = replica.context(space).name
    words = _WORD.findall(text)
    titles: dict[bytes, str] = {}

    def title_of(row: ItemRow) -> str:
        if row.type not in _OPENED_BY_PARENT or row.parent is None:
            return row.title
        if row.parent not in titles:
            parent = views.item(replica.db, space, row.parent)
            titles[row.parent] = parent.title if parent is not None else ""
        return titles[row.parent]

    return [
        SearchHit(
            circle_id=space.hex(),
            circle_name=circle,
            item_id=row.item_id.hex(),
            type=row.type,
            title=title_of(row),
            snippet=snippet(row.shown_text, words),
            author_name=names.get(row.author, ""),
            created=when(row.created_hlc),
            opens=(row.parent if row.type in _OPENED_BY_PARENT and row.parent else row.item_id).hex(),
        )
        for row in rows
    ]


async def in_circle(commands: Commands, space: SpaceId, text: str, *, limit: int = 50) -> list[SearchHit]:
    """Newest first."""
    _words(text)
    return await commands.database.run(_hits, commands.replica, space, text, limit)


def _everywhere(replica: Replica, text: str, limit: int) -> list[SearchHit]:
    replica.refresh()
    found: list[SearchHit] = []
    circles = current_spaces(replica) & set(shared_spaces(replica))  # not My notes, left, joining
    for space in sorted(circles):
        found += _hits(replica, space, text, limit)
    # Stable: each circle's hits stay newest first.
    return sorted(found, key=lambda hit: (hit.circle_name.casefold(), hit.circle_id))


async def everywhere(commands: Commands, text: str, *, limit_per_circle: int = 20) -> list[SearchHit]:
    """Every circle's hits, grouped by circle (by name), newest first in each."""
    _words(text)
    return await commands.database.run(_everywhere, commands.replica, text, limit_per_circle)
