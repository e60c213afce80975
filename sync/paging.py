"""Lists read a page at a time, in the core: a space's items of one type, newest first,
keyset-paged, and the counts a page shows beside it.

Owns `Cursor`, `newest_first` (the one keyset-paged read of a space's items), `count` and
`children_counts`. The order is by creation clock, then item id, both fixed by the ops
themselves, so every peer holding the same ops pages through the same list. Called on the
database worker (`app.services.paging` wraps the results for the views).
"""

from __future__ import annotations

import sqlite3

from sync import views
from sync.ids import SpaceId
from sync.policy import MODERATOR
from sync.state import ItemRow, hidden_items

CHUNK = 500  # ids bound into one SQL statement, well below SQLite's variable limit

#: Where the next page starts: the (created_hlc, item_id) of the last item read. A key, not
#: an item id, so a page still continues after that item is deleted or hidden meanwhile.
Cursor = tuple[int, bytes]


def _of_type(type_: str) -> tuple[str, tuple[str]]:
    return "type = ? AND deleted = 0", (type_,)


def newest_first(
    db: sqlite3.Connection,
    space: SpaceId,
    *,
    type_: str,
    viewer_level: int,
    after: Cursor | None = None,
    limit: int = -1,
) -> tuple[list[ItemRow], Cursor | None]:
    """Up to `limit` (-1: all) undeleted items of `type_` that the viewer may see, newest first,
    past `after`; and the cursor to the next page (None when none is left).

    Items hidden from this viewer are skipped after reading, so a page may take more than
    one read to fill: the cursor follows the last item *read*, shown or not.
    """
    where, params = _of_type(type_)
    found: list[ItemRow] = []
    while True:
        wanted = -1 if limit < 0 else limit - len(found)
        past = "" if after is None else " AND (created_hlc, item_id) < (?, ?)"
        read = views.items(
            db,
            space,
            where=f"({where}){past}",
            params=params + (after or ()),
            order="created_hlc DESC, item_id DESC",
            limit=wanted,
        )
        found += views.shown(read, viewer_level)
        if wanted < 0 or len(read) < wanted:
            return found, None
        last = read[-1]
        after = (last.created_hlc, bytes(last.item_id))
        if len(found) >= limit:
            return found, after


def count(db: sqlite3.Connection, space: SpaceId, *, type_: str, viewer_level: int) -> int:
    """How many undeleted items of `type_` this viewer sees (hidden ones only for moderators)."""
    where, params = _of_type(type_)
    matching = f"SELECT COUNT(*) FROM items WHERE space = ? AND ({where})"
    total: int = db.execute(matching, (space, *params)).fetchone()[0]
    if viewer_level >= MODERATOR:
        return total
    hidden = sorted(hidden_items(db, space))
    for start in range(0, len(hidden), CHUNK):
        ids = hidden[start : start + CHUNK]
        total -= db.execute(
            f"{matching} AND item_id IN ({','.join('?' * len(ids))})", (space, *params, *ids)
        ).fetchone()[0]
    return total


def children_counts(
    db: sqlite3.Connection, space: SpaceId, parents: list[bytes], type_: str
) -> dict[bytes, int]:
    """How many (undeleted) items of `type_` sit under each of `parents`: one index lookup
    per parent, where counting per parent over the space would read every reply."""
    counts: dict[bytes, int] = {}
    for start in range(0, len(parents), CHUNK):
        ids = parents[start : start + CHUNK]
        counts.update(
            db.execute(
                "SELECT parent, COUNT(*) FROM items WHERE space = ? AND type = ? AND deleted = 0"
                f" AND parent IN ({','.join('?' * len(ids))}) GROUP BY parent",
                (space, type_, *ids),
            ).fetchall()
        )
    return counts
