"""Personal notes: the person's own knowledge store, from the app's side.

Commands (add, edit, delete, share a note into a circle, save a circle item into my
notes) check their input and answer in words a person can act on before anything is
signed; queries (list, show with links and backlinks, search) read the materialized
state the note reducers keep. Notes live in the personal space (`app.personal`), made
on the first write. Import and export of Markdown folders are in `app.services.markdown_vault`.

The async functions run on trio; the `_underscored` ones on the database worker.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import trio

from app.errors import CommandError
from app.personal import NAME, PERSONAL, my_notes, shared_spaces
from app.services.commands import Commands
from app.services.lookup import resolve_prefix
from app.services.paging import Cursor, Page
from app.services.rows import Note, NoteFile, NoteLink, NoteSource, NoteSummary
from app.services.tags import clean_tags
from sync import blobs, fields, reads, views, writer
from sync import paging as core_paging
from sync.hlc import wall_ms
from sync.ids import HASH_LEN, OpId, SpaceId
from sync.policy import MODERATOR
from sync.reducers.common import LINK
from sync.replica import Replica
from sync.state import ItemRow
from sync.wire.body import encode_body
from sync.wire.op import MAX_PLAINTEXT_BYTES

HINT = "see `note list`"


@dataclass(frozen=True, slots=True)
class Draft:
    """A note as a person wrote it, checked and ready to sign."""

    title: str
    text: str
    tags: tuple[str, ...] = ()

    def fields(
        self, *, source: tuple[bytes, bytes] | None = None, files: list[Any] | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"title": self.title, "text": self.text, "tags": list(self.tags)}
        if files:
            body["files"] = files
        if source is not None:
            body["source"] = list(source)
        return body


# -- checking input -------------------------------------------------------------------------
def check_draft(title: str, text: str, tags: Iterable[str] = (), *, where: str = "") -> Draft:
    """A note's title, text and tags, or a refusal saying what to change.

    `where` starts each message (e.g. "notes/a.md: ") when checking many at once.
    """
    title = " ".join(title.split())  # one line: titles are what `[[links]]` name
    if not title:
        raise CommandError(f"{where}A note needs a title.")
    if len(title) > fields.MAX_TITLE:
        raise CommandError(
            f"{where}A note's title is at most {fields.MAX_TITLE:,} characters; this one has {len(title):,}."
        )
    if len(text) > fields.MAX_TEXT:
        raise CommandError(
            f"{where}A note's text is at most {fields.MAX_TEXT:,} characters; this one has {len(text):,}."
            " Split it into several notes and link them with [[Title]]."
        )
    draft = Draft(title, text, tuple(clean_tags(tags, where=where)))
    size = len(encode_body(draft.fields()))
    if size > MAX_PLAINTEXT_BYTES:  # many characters outside ASCII take several bytes each
        raise CommandError(
            f"{where}This note is {size:,} bytes once encoded; the most a single item can hold is"
            f" {MAX_PLAINTEXT_BYTES:,} bytes. Split it into several notes and link them with [[Title]]."
        )
    return draft


# -- the personal space ---------------------------------------------------------------------
def _my_notes(replica: Replica) -> SpaceId | None:
    replica.refresh()
    return my_notes(replica)


async def notes_space(commands: Commands, *, create: bool = True) -> SpaceId | None:
    """The personal space; made (once, with its `personal` mark) on the first write."""
    space = await commands.database.run(_my_notes, commands.replica)
    if space is None and create:
        space = await commands.write(
            writer.create_space,
            commands.replica,
            name=NAME,
            member_name=commands.identity.name,
            space_key=secrets.token_bytes(32),
            now_ms=commands.clock.now_ms(),
            settings={PERSONAL: True},
        )
    return space


async def _space(commands: Commands) -> SpaceId:
    space = await notes_space(commands)
    assert space is not None
    return space


# -- finding notes and circle items -----------------------------------------------------------
def _id_range(typed: str) -> tuple[bytes, bytes] | None:
    prefix = "".join(typed.split()).lower()
    if not prefix or len(prefix) > 2 * HASH_LEN or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return bytes.fromhex(prefix.ljust(2 * HASH_LEN, "0")), bytes.fromhex(prefix.ljust(2 * HASH_LEN, "f"))


def _find_note(replica: Replica, typed: str) -> ItemRow:
    replica.refresh()
    space = my_notes(replica)
    ids: list[OpId] = []
    bounds = _id_range(typed)
    if space is not None and bounds is not None:
        ids = reads.item_ids_between(replica.db, space, *bounds, limit=-1, type_="note")
    item_id: bytes = resolve_prefix(typed, ((i, i) for i in ids), noun="note", hint=HINT)
    assert space is not None
    found = views.item(replica.db, space, OpId(item_id))
    assert found is not None
    return found


async def find_note(commands: Commands, typed: str) -> ItemRow:
    """The note whose id starts with `typed`, or a refusal (unknown, ambiguous)."""
    return await commands.database.run(_find_note, commands.replica, typed)


@dataclass(frozen=True, slots=True)
class CircleItem:
    space: SpaceId
    circle_name: str
    item: ItemRow


def _find_circle_item(replica: Replica, typed: str) -> CircleItem:
    replica.refresh()
    candidates: list[tuple[bytes, CircleItem]] = []
    bounds = _id_range(typed)
    if bounds is not None:  # else nothing matches: resolve_prefix says so
        for space in shared_spaces(replica):
            level = writer.my_level(replica, space)
            for item_id in reads.item_ids_between(replica.db, space, *bounds, limit=20):
                row = views.item(replica.db, space, OpId(item_id))
                if row is not None and views.shown([row], level):
                    candidates.append((item_id, CircleItem(space, replica.context(space).name, row)))
    return resolve_prefix(
        typed, candidates, noun="circle item", hint="give the id of a thread, resource, request…"
    )


# -- commands -------------------------------------------------------------------------------
async def add(commands: Commands, title: str, text: str, tags: Iterable[str] = ()) -> OpId:
    draft = check_draft(title, text, tags)
    space = await _space(commands)
    op, _ = await commands.write(
        writer.write, commands.replica, space, "note.put", draft.fields(), now_ms=commands.clock.now_ms()
    )
    return op.op_id


async def edit(
    commands: Commands,
    note: ItemRow,
    *,
    title: str | None = None,
    text: str | None = None,
    tags: Iterable[str] | None = None,
) -> OpId:
    """Replace what is given of title, text and tags (an edit carries all three)."""
    draft = check_draft(
        note.title if title is None else title,
        note.text if text is None else text,
        note.tags if tags is None else tags,
    )
    if (draft.title, draft.text, tuple(sorted(draft.tags))) == (
        note.title,
        note.text,
        tuple(sorted(note.tags)),
    ):
        raise CommandError("Nothing to change: give a new --title, --body, --file or --tag.")
    body = {"item": note.item_id, **draft.fields()}
    op, _ = await commands.write(
        writer.write,
        commands.replica,
        await _space(commands),
        "item.edit",
        body,
        now_ms=commands.clock.now_ms(),
    )
    return op.op_id


async def delete(commands: Commands, note: ItemRow) -> OpId:
    op, _ = await commands.write(
        writer.write,
        commands.replica,
        await _space(commands),
        "item.delete",
        {"item": note.item_id},
        now_ms=commands.clock.now_ms(),
    )
    return op.op_id


async def share(commands: Commands, note: ItemRow, circle: SpaceId) -> OpId:
    """Put a copy of the note into a circle's library, saying where it came from."""
    files = note.extra.get("files", [])
    if not note.text.strip() and not files:
        raise CommandError("This note is empty: write something in it before sharing it.")
    space = await _space(commands)
    body: dict[str, Any] = {
        "title": note.title,
        "text": note.text,
        "tags": list(note.tags),
        "source": [space, note.item_id],
    }
    if files:
        body["files"] = files
    return await _write_with_files(commands, "resource.add", body, source=space, target=circle)


async def _write_with_files(
    commands: Commands, kind: str, body: dict[str, Any], *, source: SpaceId, target: SpaceId
) -> OpId:
    """Write a copy of an item into `target`, its files held there as they were in `source`.

    The person copies the files along, as if added anew: the files this device holds in
    `source` become held (and served) in `target` too; any other file is wanted there like
    one another member shared. Undone if the op is not written.
    """
    carried: list[bytes] = []
    try:
        for blob, _, _ in blobs.files_of(body):
            carry = functools.partial(blobs.carry, commands.replica.store, blob, source=source, target=target)
            if await commands.database.run(carry):
                carried.append(blob)
        op, _ = await commands.write(
            writer.write, commands.replica, target, kind, body, now_ms=commands.clock.now_ms()
        )
        return op.op_id
    except BaseException:
        with trio.CancelScope(shield=True):
            for blob in carried:
                remove = functools.partial(blobs.remove, commands.replica.store, blob, space=target)
                await commands.database.run(remove)
        raise


def _saved_title(found: CircleItem) -> str:
    item = found.item
    if item.title.strip():
        return item.title
    words = " ".join(item.shown_text.split())
    start = words[:80] + ("…" if len(words) > 80 else "")
    kind = {"answer": "Answer", "reply": "Reply", "progress": "Progress", "chat": "Chat"}.get(
        item.type, "Saved"
    )
    return f"{kind} in {found.circle_name}: {start}" if start else f"{kind} from {found.circle_name}"


async def save(commands: Commands, typed: str) -> tuple[OpId, CircleItem]:
    """Copy a circle's item into my notes, with provenance [circle, item]."""
    found = await commands.database.run(_find_circle_item, commands.replica, typed)
    item = found.item
    if item.redacted:
        raise CommandError("That item's text was redacted by a teacher; there is nothing to save.")
    text = item.shown_text
    if item.extra.get("url"):
        text = f"<{item.extra['url']}>\n\n{text}" if text else f"<{item.extra['url']}>"
    draft = check_draft(_saved_title(found)[: fields.MAX_TITLE], text, item.tags)
    space = await _space(commands)
    body = draft.fields(source=(found.space, item.item_id), files=item.extra.get("files"))
    return await _write_with_files(commands, "note.put", body, source=found.space, target=space), found


# -- queries --------------------------------------------------------------------------------
def created(row: ItemRow) -> str:
    return datetime.fromtimestamp(wall_ms(row.created_hlc) / 1000, UTC).isoformat(timespec="seconds")


def summary(row: ItemRow) -> NoteSummary:
    return NoteSummary(note_id=row.item_id.hex(), title=row.title, tags=tuple(row.tags), created=created(row))


def _listing(replica: Replica, tag: str | None) -> list[NoteSummary]:
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return []
    rows = reads.notes(replica.db, space, tag=tag)
    return [summary(row) for row in views.shown(rows, MODERATOR)]


async def listing(commands: Commands, tag: str | None = None) -> list[NoteSummary]:
    """My notes, oldest first; with `tag`, only those carrying it."""
    wanted = None
    if tag is not None:
        cleaned = clean_tags([tag])
        if not cleaned:
            raise CommandError("Give a tag to filter by.")
        wanted = cleaned[0]
    return await commands.database.run(_listing, commands.replica, wanted)


def _page(replica: Replica, after: Cursor | None, limit: int) -> Page[NoteSummary]:
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return Page([], None)
    rows, next_page = core_paging.newest_first(
        replica.db, space, type_="note", viewer_level=MODERATOR, after=after, limit=limit
    )
    return Page([summary(row) for row in rows], next_page)


async def page(commands: Commands, *, after: Cursor | None = None, limit: int = -1) -> Page[NoteSummary]:
    """My notes, newest first: a page of at most `limit` (-1: all), starting past `after`
    (the previous page's `after`). Not counted: the list shows no total."""
    return await commands.database.run(_page, commands.replica, after, limit)


def _titled(replica: Replica, prefix: str, limit: int) -> list[NoteSummary]:
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return []
    rows = reads.notes_titled(replica.db, space, prefix, limit=limit)
    return [summary(row) for row in rows]


async def titled(commands: Commands, prefix: str, *, limit: int = 20) -> list[NoteSummary]:
    """Notes whose title starts with `prefix` (case-insensitive), by title: for `[[` completion
    and for following a `[[link]]`."""
    return await commands.database.run(_titled, commands.replica, prefix.strip(), limit)


def _links(replica: Replica, space: SpaceId, note: ItemRow) -> list[NoteLink]:
    """Every `[[link]]` in the text, in order, with the notes its title names (none: dangling)."""
    by_title: dict[str, list[str]] = {}
    for row in views.linked(replica.db, space, note):
        by_title.setdefault(row.title.strip().lower(), []).append(row.item_id.hex())
    links, seen = [], set()
    for match in LINK.finditer(note.text):
        title = match.group(1).strip()
        if not title or title.lower() in seen:
            continue
        seen.add(title.lower())
        links.append(NoteLink(title, tuple(by_title.get(title.lower(), []))))
    return links


def _show(replica: Replica, note: ItemRow) -> Note:
    replica.refresh()
    space = my_notes(replica)
    assert space is not None
    source = None
    if "source" in note.extra:
        source_space, source_item = note.extra["source"]
        source = NoteSource(source_space.hex(), source_item.hex())
    files = None
    if "files" in note.extra:
        files = tuple(NoteFile(blob.hex(), name, size) for blob, name, size in note.extra["files"])
    return Note(
        note_id=note.item_id.hex(),
        title=note.title,
        tags=tuple(note.tags),
        created=created(note),
        text=note.text,
        source=source,
        files=files,
        links=tuple(_links(replica, space, note)),
        backlinks=tuple(
            summary(row) for row in views.backlinks(replica.db, space, note) if row.item_id != note.item_id
        ),
    )


async def show(commands: Commands, note: ItemRow) -> Note:
    """A note with its text, tags, provenance, outgoing links and backlinks."""
    return await commands.database.run(_show, commands.replica, note)


def search_rows(replica: Replica, query: str, *, limit: int = 50) -> list[ItemRow]:
    """Notes matching every word of `query` (the last as a prefix), best first.

    What `note search` runs; the benchmark times this same function.
    """
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return []
    return views.search_notes(replica.db, space, query, limit=limit)


async def search(commands: Commands, query: str, *, limit: int = 50) -> list[NoteSummary]:
    if not views.fts_query(query):
        raise CommandError("Give at least one word to search for.")
    rows = await commands.database.run(lambda: search_rows(commands.replica, query, limit=limit))
    return [summary(row) for row in rows]
