"""Content ops from the app's side: finding an item in any of this device's circles
from the id (or unique prefix) a person typed, writing a content op with errors worded
for them, and an item as the typed row (`app.services.rows`) the CLI prints and the UI
shows.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from app.errors import CommandError
from app.services.commands import Commands
from app.services.lookup import resolve_prefix
from app.services.rows import Item, ItemSource
from sync import reads, views, writer
from sync.fields import MAX_TEXT, MAX_TITLE
from sync.hlc import wall_ms
from sync.ids import HASH_LEN, OpId, SpaceId
from sync.replica import Replica
from sync.state import ItemRow

NOUN = {
    "thread": "thread",
    "reply": "reply",
    "chat": "chat message",
    "resource": "resource",
    "help": "help request",
    "answer": "answer",
    "progress": "progress note",
    "note": "note",
}
_HEX = frozenset(string.hexdigits)
RowT = TypeVar("RowT", bound=Item)


@dataclass(frozen=True, slots=True)
class Found:
    space: SpaceId
    item: ItemRow
    level: int  # the viewer's level in that space


def find_item(
    replica: Replica, typed: str, types: frozenset[str] | None = None, *, noun: str = "item"
) -> Found:
    """The one visible item (of `types`) whose id starts with `typed`, in any space here.

    Runs on the database worker (`commands.database.run`)."""
    replica.refresh()
    prefix = "".join(typed.split()).lower()
    candidates: list[tuple[bytes, Found]] = []
    if prefix and set(prefix) <= _HEX and len(prefix) <= 2 * HASH_LEN:
        low = bytes.fromhex(prefix.ljust(2 * HASH_LEN, "0"))
        high = bytes.fromhex(prefix.ljust(2 * HASH_LEN, "f"))
        for space in replica.spaces():
            level = writer.my_level(replica, space)
            for item_id in reads.item_ids_between(replica.db, space, low, high, limit=5):
                row = views.item(replica.db, space, OpId(item_id))
                if row is None or (types is not None and row.type not in types):
                    continue
                if views.shown([row], level):
                    candidates.append((item_id, Found(space, row, level)))
    return resolve_prefix(typed, candidates, noun=noun)


def check_lengths(fields: dict[str, Any]) -> None:
    """Refuse oversize text before anything is signed, saying how much fits."""
    for key, limit, what in (("title", MAX_TITLE, "A title"), ("text", MAX_TEXT, "A text")):
        value = fields.get(key)
        if isinstance(value, str) and len(value) > limit:
            raise CommandError(
                f"{what} may be at most {limit:,} characters; this one has {len(value):,}."
                + (" Share long material as a file or a link." if key == "text" else "")
            )


async def write_content(commands: Commands, space: SpaceId, kind: str, fields: dict[str, Any]) -> OpId:
    # `fields` is an op's body on its way to `sync.writer`, a mapping on purpose: its shape is the
    # wire's, per `kind`, and `sync.content` checks it (rows going the other way are typed).
    check_lengths(fields)
    op, _ = await commands.write(
        writer.write, commands.replica, space, kind, fields, now_ms=commands.clock.now_ms()
    )
    return op.op_id


def my_devices(replica: Replica, space: SpaceId) -> frozenset[bytes]:
    """This device and every other device of its person in `space` (unlinked ones too):
    what any of them wrote is "mine" (docs/protocol.md, "Persons and devices")."""
    me = replica.key.device_id
    context = replica.context(space)
    return frozenset({me, *context.devices_of(context.person_of(me))})


def names_in(replica: Replica, space: SpaceId) -> dict[bytes, str]:
    """Authors' names, former members' included: a removed member's posts keep its name."""
    return {device: name for device, name in replica.context(space).author_names().items()}


def when(hlc: int) -> str:
    return datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC).isoformat(timespec="seconds")


def as_row(kind: type[RowT], row: ItemRow, names: dict[bytes, str], **more: Any) -> RowT:
    """An item as a typed row (`kind`: `Item` or a richer one, whose own fields are `more`);
    a redacted body is empty, hidden items say so."""
    extra = row.extra  # the reducers' typed bodies, kept as the content schema checked them
    source = extra.get("source")
    return kind(
        id=row.item_id.hex(),
        type=row.type,
        author=row.author.hex(),
        author_name=names.get(row.author, ""),
        created=when(row.created_hlc),
        text=row.shown_text,
        title=row.title,
        parent=row.parent.hex() if row.parent else "",
        tags=tuple(row.tags),
        hidden=row.hidden,
        locked=row.locked,
        redacted=row.redacted,
        url=extra.get("url", ""),
        source=None if source is None else ItemSource(source[0].hex(), source[1].hex()),
        link=extra["link"].hex() if "link" in extra else "",
        **more,
    )


def as_line(row: ItemRow, names: dict[bytes, str]) -> str:
    """One line for a terminal: short id, who, and the title or the start of the text."""
    marks = "".join(f" [{flag}]" for flag in ("hidden", "locked", "redacted") if getattr(row, flag))
    words = row.title or " ".join(row.shown_text.split())[:80]
    return f"{row.item_id.hex()[:12]}  {names.get(row.author, '?')}: {words}{marks}"
