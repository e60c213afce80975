"""The circle's resource library from the app's side: add a link or a text, list what
the library holds (a shared note arrives here too, through `app.notes.share`).

The async functions run on trio; `_listing` on the database worker.
"""

from __future__ import annotations

from typing import Any

from app.commands import Commands
from app.errors import CommandError
from app.helpdesk import clean_tags
from app.items import as_data, names_in, write_content
from sync import views, writer
from sync.ids import OpId, SpaceId
from sync.replica import Replica


async def add(
    commands: Commands,
    space: SpaceId,
    *,
    title: str,
    text: str = "",
    url: str = "",
    tags: list[str] | None = None,
) -> OpId:
    if not title.strip():
        raise CommandError("A resource needs a title.")
    url = url.strip()
    if url and not url.startswith(("https://", "http://")):
        raise CommandError("A link must start with http:// or https://.")
    if not (text.strip() or url):
        raise CommandError("A resource needs a link or a text.")
    fields: dict[str, Any] = {"title": title.strip(), "text": text, "tags": clean_tags(tags or [])}
    if url:
        fields["url"] = url
    return await write_content(commands, space, "resource.add", fields)


def _listing(replica: Replica, space: SpaceId) -> list[dict[str, Any]]:
    replica.refresh()
    level = writer.my_level(replica, space)
    names = names_in(replica, space)
    return [as_data(row, names) for row in views.of_type(replica.db, space, "resource", level)]


async def listing(commands: Commands, space: SpaceId) -> list[dict[str, Any]]:
    """The library, oldest first; hidden resources only for moderators (marked)."""
    return await commands.database.run(_listing, commands.replica, space)
