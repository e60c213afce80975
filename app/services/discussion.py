"""Discussion, chat, thanks and moderation from the app's side: threads (a page at a
time, `app.services.paging`) with replies, the circle chat, thanking a helper, editing and
deleting one's own posts, the teachers' hide / unhide / lock / unlock / redact, and the
per-circle record of who helped.

The async functions run on trio; the `_underscored` ones on the database worker.
"""

from __future__ import annotations

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, as_row, find_item, my_devices, names_in, write_content
from app.services.paging import Cursor, Page
from app.services.rows import Helper, Item, Thread, ThreadSummary
from app.services.tags import clean_tags
from sync import paging as core_paging
from sync import views, writer
from sync.ids import OpId, SpaceId
from sync.reducers.common import TITLED
from sync.replica import Replica

MODERATION = ("hide", "unhide", "lock", "unlock", "redact")


async def find(
    commands: Commands, typed: str, types: frozenset[str] | None = None, noun: str = "item"
) -> Found:
    return await commands.database.run(lambda: find_item(commands.replica, typed, types, noun=noun))


async def new_thread(commands: Commands, space: SpaceId, title: str, text: str, tags: list[str]) -> OpId:
    if not title.strip():
        raise CommandError("A thread needs a title.")
    fields = {"title": title.strip(), "text": text, "tags": clean_tags(tags)}
    return await write_content(commands, space, "item.put", fields)


async def reply(commands: Commands, target: Found, text: str) -> OpId:
    """A reply under a thread or resource; on a help request, an answer (or, from the
    person who asked, a progress note)."""
    if not text.strip():
        raise CommandError("A reply cannot be empty.")
    item = target.item
    if item.type == "help":
        mine = item.author in await commands.database.run(my_devices, commands.replica, target.space)
        kind = "help.progress" if mine else "help.answer"  # I asked it, from any of my devices
        return await write_content(commands, target.space, kind, {"request": item.item_id, "text": text})
    if item.type not in ("thread", "resource"):
        raise CommandError("Replies go under a thread, a resource or a help request.")
    return await write_content(commands, target.space, "item.reply", {"parent": item.item_id, "text": text})


async def chat(commands: Commands, space: SpaceId, text: str) -> OpId:
    if not text.strip():
        raise CommandError("A chat message cannot be empty.")
    if len(text) > 10_000:
        raise CommandError("A chat message is at most 10,000 characters; post a thread for longer text.")
    return await write_content(commands, space, "chat.say", {"text": text})


async def thank(commands: Commands, target: Found, on: bool = True) -> OpId:
    fields = {"item": target.item.item_id, "reaction": "thanks", "on": on}
    return await write_content(commands, target.space, "react.set", fields)


async def _check_mine(commands: Commands, target: Found, verb: str) -> None:
    """Mine if any device of my person wrote it (the core's rule: `Applied.by_author_of`)."""
    mine = await commands.database.run(my_devices, commands.replica, target.space)
    if target.item.author not in mine:
        raise CommandError(f"Only its author can {verb} this; a teacher may hide or redact it.")


async def edit(
    commands: Commands,
    target: Found,
    text: str,
    *,
    title: str | None = None,
    tags: list[str] | None = None,
) -> OpId:
    """Replace my post's text (and, for a thread, resource or help request, its title and
    tags: unchanged when not given). Only the author may; every member sees the new text."""
    await _check_mine(commands, target, "edit")
    item = target.item
    titled = item.type in TITLED
    new_title = " ".join((item.title if title is None else title).split()) if titled else ""
    if titled and not new_title:
        raise CommandError("It needs a title.")
    if not titled and not text.strip():
        raise CommandError("The text cannot be empty; delete the post instead.")
    new_tags = clean_tags(list(item.tags) if tags is None else tags) if titled else []
    if (new_title, text, tuple(new_tags)) == (item.title if titled else "", item.text, tuple(item.tags)):
        raise CommandError("Nothing to change.")
    fields = {"item": item.item_id, "title": new_title, "text": text, "tags": new_tags}
    return await write_content(commands, target.space, "item.edit", fields)


async def delete(commands: Commands, target: Found) -> OpId:
    """Delete my post, for everyone. Only the author may."""
    await _check_mine(commands, target, "delete")
    return await write_content(commands, target.space, "item.delete", {"item": target.item.item_id})


async def moderate(commands: Commands, target: Found, action: str) -> OpId:
    if action not in MODERATION:
        raise ValueError(action)
    return await write_content(commands, target.space, f"mod.{action}", {"item": target.item.item_id})


def _threads(replica: Replica, space: SpaceId, after: Cursor | None, limit: int) -> Page[ThreadSummary]:
    replica.refresh()
    level = writer.my_level(replica, space)
    names = names_in(replica, space)
    rows, next_page = core_paging.newest_first(
        replica.db, space, type_="thread", viewer_level=level, after=after, limit=limit
    )
    counts = core_paging.children_counts(replica.db, space, [row.item_id for row in rows], "reply")
    first = after is None
    return Page(
        [as_row(ThreadSummary, row, names, replies=counts.get(row.item_id, 0)) for row in rows],
        next_page,
        core_paging.count(replica.db, space, type_="thread", viewer_level=level) if first else None,
    )


async def threads(
    commands: Commands, space: SpaceId, *, after: Cursor | None = None, limit: int = -1
) -> Page[ThreadSummary]:
    """The circle's threads, newest first, with their reply counts: a page of at most
    `limit` (-1: all), starting past `after` (the previous page's `after`); the first page
    says how many there are. Hidden threads are listed (marked) only for teachers."""
    return await commands.database.run(_threads, commands.replica, space, after, limit)


def _thread(replica: Replica, target: Found) -> Thread:
    replica.refresh()
    names = names_in(replica, target.space)
    replies = views.children(replica.db, target.space, target.item.item_id, target.level, "reply")
    return as_row(Thread, target.item, names, replies=tuple(as_row(Item, row, names) for row in replies))


async def thread(commands: Commands, target: Found) -> Thread:
    return await commands.database.run(_thread, commands.replica, target)


def _chat_log(replica: Replica, space: SpaceId, limit: int) -> list[Item]:
    replica.refresh()
    names = names_in(replica, space)
    level = writer.my_level(replica, space)
    return [as_row(Item, row, names) for row in views.chat_log(replica.db, space, level, limit)]


async def chat_log(commands: Commands, space: SpaceId, limit: int = 200) -> list[Item]:
    return await commands.database.run(_chat_log, commands.replica, space, limit)


def _helpers(replica: Replica, space: SpaceId) -> list[Helper]:
    replica.refresh()
    return [
        Helper(r.device.hex(), r.name, r.answers, r.accepted, r.thanks)
        for r in views.recognition(replica.db, space, names_in(replica, space))
    ]


async def helpers(commands: Commands, space: SpaceId) -> list[Helper]:
    return await commands.database.run(_helpers, commands.replica, space)
