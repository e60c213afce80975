"""The circle's threads a page at a time (`app.services.discussion.threads` over `app.services.paging`), on
real SQLite files: newest first with a total, pages that join up exactly, a cursor that
survives the deletion of the row it names, hidden threads skipped for students (pages
still full) and marked for teachers, and the same order on two peers holding the same ops.
"""

from __future__ import annotations

from pathlib import Path

from app.services import discussion
from app.services.commands import Commands
from app.services.paging import Page
from sync import writer
from sync.ids import OpId, SpaceId
from tests.app.conftest import People
from tests.cli.helpers import join_in_process, sync_in_process


def home_of(commands: Commands) -> Path:
    return commands.replica.store.path.parent


async def threads_by(
    commands: Commands, space: SpaceId, titles: list[str], *, now_ms: int | None = None
) -> list[OpId]:
    """Threads written in this order (one transaction), so each is newer than the last."""
    ops, _ = await commands.write(
        writer.write_many,
        commands.replica,
        space,
        [("item.put", {"title": title, "text": "", "tags": []}) for title in titles],
        now_ms=commands.clock.now_ms() if now_ms is None else now_ms,
    )
    return [op.op_id for op in ops]


async def every_page(commands: Commands, space: SpaceId, limit: int) -> list[Page]:
    pages = [await discussion.threads(commands, space, limit=limit)]
    while pages[-1].after is not None:
        pages.append(await discussion.threads(commands, space, after=pages[-1].after, limit=limit))
    return pages


async def test_threads_come_a_page_at_a_time_newest_first_with_the_total(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    ids = await threads_by(ana, space, [f"Thread {n}" for n in range(25)])
    await discussion.reply(ana, await discussion.find(ana, ids[-1].hex()), "First!")
    await discussion.reply(ana, await discussion.find(ana, ids[-1].hex()), "Second.")

    pages = await every_page(ana, space, 10)

    assert [len(page.rows) for page in pages] == [10, 10, 5]
    assert [page.total for page in pages] == [25, None, None]  # counted with the first page
    listed = [row.id for page in pages for row in page.rows]
    assert listed == [op.hex() for op in reversed(ids)]  # newest first, each once
    assert pages[0].rows[0].replies == 2 and pages[0].rows[1].replies == 0
    whole = await discussion.threads(ana, space)
    assert whole.after is None and [row.id for row in whole.rows] == listed


async def test_a_page_continues_past_a_thread_deleted_meanwhile(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    ids = await threads_by(ana, space, [f"Thread {n}" for n in range(6)])
    first = await discussion.threads(ana, space, limit=3)
    assert first.rows[-1].id == ids[3].hex()
    await ana.write(
        writer.write, ana.replica, space, "item.delete", {"item": ids[3]}, now_ms=ana.clock.now_ms()
    )

    rest = await discussion.threads(ana, space, after=first.after, limit=3)

    assert [row.id for row in rest.rows] == [ids[2].hex(), ids[1].hex(), ids[0].hex()]
    assert (await discussion.threads(ana, space)).total == 5


async def test_students_pages_skip_hidden_threads_and_still_fill_teachers_see_them_marked(
    people: People,
) -> None:
    teacher, student = people("teacher"), people("student")
    space = await teacher.create_circle("Physics")
    code = await teacher.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(teacher), home_of(student), code, now_ms=teacher.clock.now_ms())
    ids = await threads_by(teacher, space, [f"Thread {n}" for n in range(12)])
    for hidden in ids[-4:-1]:  # three of the four newest: all on the first page
        await discussion.moderate(teacher, await discussion.find(teacher, hidden.hex()), "hide")
    sync_in_process(home_of(teacher), home_of(student), space)

    first = await discussion.threads(student, space, limit=5)
    assert [row.id for row in first.rows] == [ids[n].hex() for n in (11, 7, 6, 5, 4)]
    assert first.total == 9 and not any(row.hidden for row in first.rows)
    pages = [first, *(await every_page(student, space, 5))[1:]]
    assert sum(len(page.rows) for page in pages) == 9

    seen = (await discussion.threads(teacher, space, limit=5)).rows
    assert [row.id for row in seen] == [ids[n].hex() for n in (11, 10, 9, 8, 7)]
    assert [bool(row.hidden) for row in seen] == [False, True, True, True, False]
    assert (await discussion.threads(teacher, space)).total == 12


async def test_two_peers_holding_the_same_ops_page_the_same_threads_in_the_same_order(
    people: People,
) -> None:
    ana, ben = people("ana"), people("ben")
    space = await ana.create_circle("Physics")
    code = await ana.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(ana), home_of(ben), code, now_ms=ana.clock.now_ms())
    # Written apart at the same wall time: concurrent, and pairs of them share a clock
    # value, so the order rests on the item id and no page may drop one of a pair.
    at = ana.clock.now_ms() + 60_000
    await threads_by(ana, space, [f"Ana {n}" for n in range(7)], now_ms=at)
    await threads_by(ben, space, [f"Ben {n}" for n in range(7)], now_ms=at)
    sync_in_process(home_of(ana), home_of(ben), space)

    def ids(pages: list[Page]) -> list[str]:
        return [row.id for page in pages for row in page.rows]

    assert ids(await every_page(ana, space, 3)) == ids(await every_page(ben, space, 3))
    assert len(ids(await every_page(ben, space, 3))) == 14
