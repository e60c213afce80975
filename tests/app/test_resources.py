"""The circle's library from the app's side, on real SQLite files: a page at a time newest
first with the total (what the Resources tab reads), and the whole of it oldest first
(what `resource list` prints)."""

from __future__ import annotations

from app.services import resources
from tests.app.conftest import People


async def test_the_library_pages_newest_first_and_lists_oldest_first(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    added = [await resources.add(ana, space, title=f"Sheet {n}", text="Exercises.") for n in range(5)]

    first = await resources.page(ana, space, limit=3)
    rest = await resources.page(ana, space, after=first.after, limit=3)

    assert [row.id for row in first.rows + rest.rows] == [op.hex() for op in reversed(added)]
    assert (first.total, rest.after) == (5, None)
    assert [row.id for row in await resources.listing(ana, space)] == [op.hex() for op in added]
    assert first.rows[0].files == ()
