"""The reflection journal (issue 18): each person's reflections are notes in My notes
tagged `reflection`, started from prompts (What happened? What did I notice? What will I
try next?); one can be shared into a coaching pair, where it becomes a reflection of a
cycle (`cycle.reflect`) that the partner can comment on (`cycle.feedback` under it).

A reflection stays private to the person's own devices (the personal space) until they
share it; sharing writes a copy into the pair's space, readable by the pair's members
only. Editing the note later does not change the shared copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from app.errors import CommandError
from app.services import notes
from app.services.commands import Commands
from app.services.items import write_content
from app.services.rows import NoteSummary
from sync import coaching_views as cv
from sync import fields
from sync.ids import OpId, SpaceId
from sync.replica import Replica
from sync.state import ItemRow

TAG = "reflection"
PROMPTS = ("What happened?", "What did I notice?", "What will I try next?")


def template(prompts: Iterable[str] = PROMPTS) -> str:
    """A new reflection's text: one Markdown heading per prompt, room under each."""
    return "\n\n".join(f"## {prompt}\n" for prompt in prompts)


def default_title(now_ms: int) -> str:
    return "Reflection " + datetime.fromtimestamp(now_ms / 1000, UTC).strftime("%Y-%m-%d")


def is_reflection(tags: Iterable[str]) -> bool:
    return TAG in tags


async def add(commands: Commands, title: str = "", text: str = "", tags: Iterable[str] = ()) -> OpId:
    """A new reflection in My notes: the prompts when no text is given, dated when untitled."""
    return await notes.add(
        commands,
        title.strip() or default_title(commands.clock.now_ms()),
        text if text.strip() else template(),
        [*tags, TAG],
    )


async def listing(commands: Commands) -> list[NoteSummary]:
    """My reflections, oldest first."""
    return await notes.listing(commands, TAG)


def _cycle(replica: Replica, pair: SpaceId, typed: str | None) -> ItemRow:
    replica.refresh()
    cycles = cv.cycles(replica.db, pair)
    if typed is not None:
        wanted = "".join(typed.split()).lower()
        found = [c.item for c in cycles if c.item.item_id.hex().startswith(wanted)] if wanted else []
        if len(found) != 1:
            problem = (
                f"No cycle of this pair starts with {typed!r}"
                if not found
                else f"{typed!r} names several cycles"
            )
            raise CommandError(problem + "; see `coach show PAIR`.")
        return found[0]
    if not cycles:
        raise CommandError(
            "This pair has no cycle yet: open one (`coach cycle`, or in Coaching) before sharing"
            " a reflection."
        )
    open_ones = [c for c in cycles if c.closed is None]
    return (open_ones or cycles)[-1].item  # the latest open cycle, else the latest


def shared_text(note: ItemRow) -> str:
    return f"**{note.title}**\n\n{note.text.strip()}"


async def share_into_pair(
    commands: Commands, note: ItemRow, pair: SpaceId, cycle: str | None = None
) -> tuple[OpId, str]:
    """Share a journal entry into `pair` as a reflection of a cycle (the latest open one
    unless `cycle` names another); returns the reflection's id and the cycle's."""
    if not note.text.strip():
        raise CommandError("This note is empty: write your reflection before sharing it.")
    text = shared_text(note)
    if len(text) > fields.MAX_TEXT:
        raise CommandError(
            f"A shared reflection is at most {fields.MAX_TEXT:,} characters with its title; this one has"
            f" {len(text):,}. Shorten it first."
        )
    row = await commands.database.run(_cycle, commands.replica, pair, cycle)
    fields_ = {"cycle": row.item_id, "text": text}
    return await write_content(commands, pair, "cycle.reflect", fields_), row.item_id.hex()
