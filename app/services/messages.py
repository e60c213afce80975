"""Direct messages (issue 18): a conversation is a two-member space made from a circle
both people share, offered sealed to the other person like a pair (`app.services.coaching.
propose` with purpose "direct"); messages are `chat.say` ops in it, end-to-end encrypted
under its key. The other person joins with the code `coach offers` shows them.
"""

from __future__ import annotations

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import names_in, when, write_content
from app.services.rows import DirectMessage
from sync import coaching_views as cv
from sync import views, writer
from sync.ids import OpId, SpaceId
from sync.replica import Replica

MAX_MESSAGE = 10_000


def _conversations(replica: Replica) -> list[tuple[SpaceId, str]]:
    replica.refresh()
    return [
        (space, replica.context(space).name)
        for space in replica.spaces()
        if cv.space_type(replica.db, space) == "direct" and writer.my_level(replica, space)
    ]


async def conversations(commands: Commands) -> list[tuple[SpaceId, str]]:
    return await commands.database.run(_conversations, commands.replica)


async def resolve(commands: Commands, typed: str) -> SpaceId:
    from app.services.lookup import resolve_prefix

    rows = await conversations(commands)
    return resolve_prefix(typed, ((space, space) for space, _ in rows), noun="conversation",
                          hint="see `message list`")  # fmt: skip


async def send(commands: Commands, conversation: SpaceId, text: str) -> OpId:
    if not text.strip():
        raise CommandError("A message cannot be empty.")
    if len(text) > MAX_MESSAGE:
        raise CommandError(
            f"A message may be at most {MAX_MESSAGE:,} characters; this one has {len(text):,}."
        )
    return await write_content(commands, conversation, "chat.say", {"text": text})


def _read(replica: Replica, space: SpaceId, limit: int) -> list[DirectMessage]:
    replica.refresh()
    names = names_in(replica, space)
    me = replica.key.device_id
    rows = views.chat_log(replica.db, space, writer.my_level(replica, space), limit)
    return [
        DirectMessage(
            r.item_id.hex(), names.get(r.author, ""), r.shown_text, when(r.created_hlc), r.author == me
        )
        for r in rows
    ]


async def read(commands: Commands, conversation: SpaceId, limit: int = 200) -> list[DirectMessage]:
    return await commands.database.run(_read, commands.replica, conversation, limit)
