"""The circle's resource library from the app's side: add a link, a text or files, list
what the library holds (a shared note arrives here too, through `app.services.notes.share`),
save a resource's files into a folder, and one file of it where the desktop opens it or where
the person chose to save it.

A file becomes a blob in this device's store, held in the circle, before the op that
names it is signed, so the author always has the bytes to serve there; other members'
devices fetch them (`app.network.blob_service`). A file counts as downloaded in a circle only
if it is held in that circle (`sync.blobs.held_in`), not merely here for another one.
The async functions run on trio; the `_underscored` ones on the database worker.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import trio

from app.errors import CommandError
from app.services import files as local_files
from app.services.commands import Commands
from app.services.items import Found, as_row, check_lengths, find_item, names_in, write_content
from app.services.paging import Cursor, Page
from app.services.rows import Resource, ResourceFile, SavedFile
from app.services.tags import clean_tags
from sync import blobs, writer
from sync import paging as core_paging
from sync.content import MAX_FILES as MAX_FILES  # the dialog checks it too
from sync.ids import OpId, SpaceId
from sync.replica import Replica
from sync.state import ItemRow

NOT_HERE = "not downloaded yet — run `serve` or `sync` with a peer that has it"


async def add(
    commands: Commands,
    space: SpaceId,
    *,
    title: str,
    text: str = "",
    url: str = "",
    tags: list[str] | None = None,
    files: Sequence[Path] = (),
) -> OpId:
    """Add a resource; each file is checked (and refused in one line) before anything is stored."""
    if not title.strip():
        raise CommandError("A resource needs a title.")
    url = url.strip()
    if url and not url.startswith(("https://", "http://")):
        raise CommandError("A link must start with http:// or https://.")
    if not (text.strip() or url or files):
        raise CommandError("A resource needs a link, a text or a file.")
    if len(files) > MAX_FILES:
        raise CommandError(f"A resource holds at most {MAX_FILES} files; this one has {len(files)}.")
    fields: dict[str, Any] = {"title": title.strip(), "text": text, "tags": clean_tags(tags or [])}
    if url:
        fields["url"] = url
    check_lengths(fields)
    checked = [local_files.check(Path(path)) for path in files]
    stored: list[bytes] = []  # blobs new in the circle, removed again if the op is not written
    try:
        refs = []
        for local in checked:
            blob, chunks = await trio.to_thread.run_sync(local_files.read, local)
            put = functools.partial(blobs.put_chunks, commands.replica.store, blob, chunks, space=space)
            if await commands.database.run(put):
                stored.append(blob)
            refs.append([blob, local.name, local.size])
        if refs:
            fields["files"] = refs
        return await write_content(commands, space, "resource.add", fields)
    except BaseException:
        with trio.CancelScope(shield=True):
            for blob in stored:
                remove = functools.partial(blobs.remove, commands.replica.store, blob, space=space)
                await commands.database.run(remove)
        raise


def _files_of(replica: Replica, space: SpaceId, row: ItemRow) -> tuple[ResourceFile, ...]:
    return tuple(
        ResourceFile(blob.hex(), name, size, blobs.held_in(replica.db, space, blob))
        for blob, name, size in blobs.files_of(row.extra)
    )


def _page(replica: Replica, space: SpaceId, after: Cursor | None, limit: int) -> Page[Resource]:
    replica.refresh()
    level = writer.my_level(replica, space)
    names = names_in(replica, space)
    rows, next_page = core_paging.newest_first(
        replica.db, space, type_="resource", viewer_level=level, after=after, limit=limit
    )
    first = after is None
    total = core_paging.count(replica.db, space, type_="resource", viewer_level=level) if first else None
    listed = [as_row(Resource, row, names, files=_files_of(replica, space, row)) for row in rows]
    return Page(listed, next_page, total)


async def page(
    commands: Commands, space: SpaceId, *, after: Cursor | None = None, limit: int = -1
) -> Page[Resource]:
    """The library, newest first: a page of at most `limit` (-1: all) past `after` (the
    previous page's `after`); the first page says how many there are. Hidden resources
    only for moderators (marked)."""
    return await commands.database.run(_page, commands.replica, space, after, limit)


async def listing(commands: Commands, space: SpaceId) -> list[Resource]:
    """The whole library, oldest first; hidden resources only for moderators (marked)."""
    return (await page(commands, space)).rows[::-1]


async def find(commands: Commands, typed: str) -> Found:
    return await commands.database.run(
        lambda: find_item(commands.replica, typed, frozenset({"resource"}), noun="resource")
    )


def _save(replica: Replica, found: Found, directory: Path) -> list[SavedFile]:
    replica.refresh()
    if found.item.redacted:
        raise CommandError("This resource was redacted by a teacher; its files are not shared.")
    refs = blobs.files_of(found.item.extra)
    if not refs:
        raise CommandError("This resource has no files (see `resource list` for its link or text).")
    missing = [name for blob, name, _ in refs if not blobs.held_in(replica.db, found.space, blob)]
    if missing:
        raise CommandError(f"{', '.join(missing)}: {NOT_HERE}.")
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} is a file, not a folder.")
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    for blob, name, size in refs:
        path = local_files.write_out(replica.db, blob, directory, name)
        saved.append(SavedFile(name, size, str(path)))
    return saved


async def save_files(commands: Commands, found: Found, directory: Path) -> list[SavedFile]:
    """Write every file of the resource into `directory`, or nothing if one is not here yet."""
    return await commands.database.run(_save, commands.replica, found, directory)


def _file_here(replica: Replica, space: SpaceId, blob: bytes) -> None:
    """Refuse, in one line, a file no live resource of `space` names or not here for it yet."""
    replica.refresh()
    if not blobs.referenced(replica.db, space, blob):
        raise CommandError("No resource of this circle shares that file now (deleted or redacted?).")
    if not blobs.held_in(replica.db, space, blob):
        raise CommandError(f"This file is {NOT_HERE}.")


def _open_copy(replica: Replica, space: SpaceId, blob: bytes, name: str, directory: Path) -> SavedFile:
    _file_here(replica, space, blob)
    path = local_files.copy_in(replica.db, blob, directory / blob.hex()[:16], name)
    return SavedFile(path.name, path.stat().st_size, str(path))


async def open_copy(commands: Commands, space: SpaceId, file: ResourceFile, directory: Path) -> SavedFile:
    """A copy of one of the circle's files inside `directory` (a folder of the data home,
    `app.paths.opened_files_path`), to open with another program: under a name of its own
    that cannot leave the folder, reused while it still holds the file's bytes, never
    replacing anything."""
    return await commands.database.run(
        _open_copy, commands.replica, space, bytes.fromhex(file.blob), file.name, directory
    )


def _save_as(replica: Replica, space: SpaceId, blob: bytes, target: Path) -> SavedFile:
    _file_here(replica, space, blob)
    path = local_files.write_to(replica.db, blob, target)
    return SavedFile(path.name, path.stat().st_size, str(path))


async def save_file_as(commands: Commands, space: SpaceId, file: ResourceFile, target: Path) -> SavedFile:
    """Write one of the circle's files to `target`, a path the person chose (and agreed to replace)."""
    return await commands.database.run(_save_as, commands.replica, space, bytes.fromhex(file.blob), target)


def safe_file_name(file: ResourceFile) -> str:
    """The name to offer when saving `file`: another member chose it, so never a path."""
    return local_files.safe_name(file.name, bytes.fromhex(file.blob))
