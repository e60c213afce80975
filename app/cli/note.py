"""Command group: my notes — add, list, show, search, edit, delete, share into a circle,
save a circle item, import and export a folder of Markdown files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.base import CommandLine, emit
from app.errors import CommandError
from app.services import coaching, journal, markdown_vault, notes
from app.services.commands import Commands
from app.services.rows import NoteSummary

#: `--file` larger than this is refused before it is read (a note holds 200,000 characters).
MAX_FILE_BYTES = markdown_vault.MAX_FILE_BYTES


def _read_body(args: argparse.Namespace) -> str | None:
    """The text from --body or --file (None if neither was given)."""
    if args.file is None:
        return args.body
    path = Path(args.file).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(
                f"{path} is {size / 1_000_000:,.1f} MB; a note holds at most 200,000 characters."
                " Split it into several notes."
            )
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CommandError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a folder; to bring in a folder of notes use `note import`.") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not UTF-8 text (at byte {error.start}); save it as UTF-8.") from None


def _line(row: NoteSummary) -> str:
    tags = " ".join(f"#{tag}" for tag in row.tags)
    return f"{row.note_id[:12]}  {row.title}{'  ' + tags if tags else ''}"


async def cmd_add(args: argparse.Namespace, commands: Commands) -> None:
    if args.reflection:  # the reflection journal: prompts when no text, dated when untitled
        note = await journal.add(commands, args.title or "", _read_body(args) or "", args.tag)
    else:
        note = await notes.add(commands, args.title or "", _read_body(args) or "", args.tag)
    emit(args, {"note_id": note.hex()}, note.hex())


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    if args.reflections and args.tag:
        raise CommandError("Give --reflections or --tag, not both.")
    rows = await (journal.listing(commands) if args.reflections else notes.listing(commands, args.tag))
    emit(args, {"notes": [row.to_json() for row in rows]}, "\n".join(_line(row) for row in rows))


async def cmd_show(args: argparse.Namespace, commands: Commands) -> None:
    data = await notes.show(commands, await notes.find_note(commands, args.note))
    lines = [f"# {data.title}", f"id {data.note_id}  created {data.created}"]
    if data.tags:
        lines.append("tags: " + ", ".join(data.tags))
    if data.source is not None:
        lines.append(f"saved from circle {data.source.space[:12]}, item {data.source.item[:12]}")
    lines += ["", data.text, ""]
    for link in data.links:
        target = ", ".join(i[:12] for i in link.note_ids) or "no such note yet"
        lines.append(f"→ [[{link.title}]]  {target}")
    for row in data.backlinks:
        lines.append(f"← {row.note_id[:12]}  {row.title}")
    emit(args, data.to_json(), "\n".join(lines).rstrip())


async def cmd_search(args: argparse.Namespace, commands: Commands) -> None:
    rows = await notes.search(commands, args.query, limit=args.limit)
    document = {"query": args.query, "notes": [row.to_json() for row in rows]}
    emit(args, document, "\n".join(_line(row) for row in rows))


async def cmd_edit(args: argparse.Namespace, commands: Commands) -> None:
    note = await notes.find_note(commands, args.note)
    tags = None if args.tag is None and not args.no_tags else (args.tag or [])
    await notes.edit(commands, note, title=args.title, text=_read_body(args), tags=tags)
    emit(args, {"note_id": note.item_id.hex(), "edited": True}, f"Edited {note.item_id.hex()[:12]}.")


async def cmd_delete(args: argparse.Namespace, commands: Commands) -> None:
    note = await notes.find_note(commands, args.note)
    await notes.delete(commands, note)
    emit(args, {"note_id": note.item_id.hex(), "deleted": True}, f"Deleted {note.title!r}.")


async def cmd_share(args: argparse.Namespace, commands: Commands) -> None:
    note = await notes.find_note(commands, args.note)
    circle = await commands.resolve_circle(args.circle)
    resource = await notes.share(commands, note, circle)
    emit(args, {"resource_id": resource.hex(), "circle_id": circle.hex()}, resource.hex())


async def cmd_share_pair(args: argparse.Namespace, commands: Commands) -> None:
    note = await notes.find_note(commands, args.note)
    pair = await coaching.resolve_pair(commands, args.pair)
    reflection, cycle = await journal.share_into_pair(commands, note, pair, args.cycle)
    emit(args, {"reflection_id": reflection.hex(), "pair_id": pair.hex(), "cycle_id": cycle},
         f"Shared into the pair as a reflection on cycle {cycle[:12]}: {reflection.hex()}")  # fmt: skip


async def cmd_save(args: argparse.Namespace, commands: Commands) -> None:
    note, found = await notes.save(commands, args.item)
    document = {
        "note_id": note.hex(),
        "source": {"space": found.space.hex(), "item": found.item.item_id.hex()},
    }
    emit(args, document, note.hex())


async def cmd_import(args: argparse.Namespace, commands: Commands) -> None:
    def progress(done: int, total: int) -> None:
        if total > markdown_vault.BATCH:
            print(f"studycircle: imported {done:,} of {total:,} notes", file=sys.stderr, flush=True)

    folder = Path(args.folder).expanduser()
    report = await markdown_vault.import_folder(commands, folder, progress=progress)
    document = {
        "folder": str(folder),
        "files": report.files,
        "imported": report.imported,
        "duplicates": report.duplicates,
    }
    text = f"Imported {report.imported} notes from {folder}"
    emit(args, document, text + (f" ({report.duplicates} already here)" if report.duplicates else ""))


async def cmd_export(args: argparse.Namespace, commands: Commands) -> None:
    folder = Path(args.folder).expanduser()
    count = await markdown_vault.export_folder(commands, folder)
    emit(args, {"folder": str(folder), "notes": count}, f"Wrote {count} notes to {folder}")


def _body_arguments(parser: argparse.ArgumentParser) -> None:
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", help="the note's Markdown text")
    body.add_argument("--file", metavar="FILE", help="read the Markdown text from FILE (UTF-8)")


def register(cli: CommandLine) -> None:
    cli.group("note", help="my notes: a personal knowledge store only your own devices hold")
    add = cli.command("note add", cmd_add, help="write a new note; [[Title]] in the text links to a note")
    add.add_argument("--title", help="required, except for a --reflection (then: Reflection DATE)")
    _body_arguments(add)
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="repeat for several tags")
    add.add_argument(
        "--reflection", action="store_true",
        help="a journal reflection: tagged 'reflection', started from prompts when no text is given",
    )  # fmt: skip

    listing = cli.command("note list", cmd_list, help="my notes, oldest first")
    listing.add_argument("--tag", help="only notes with this tag")
    listing.add_argument("--reflections", action="store_true", help="only my journal's reflections")
    show = cli.command("note show", cmd_show, help="a note with its tags, links and backlinks")
    show.add_argument("note", help="note id or unique prefix")
    search = cli.command("note search", cmd_search, help="full-text search; the last word may be a prefix")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=50, help="at most this many notes (default 50)")

    edit = cli.command("note edit", cmd_edit, help="change a note's title, text or tags")
    edit.add_argument("note", help="note id or unique prefix")
    edit.add_argument("--title")
    _body_arguments(edit)
    tags = edit.add_mutually_exclusive_group()
    tags.add_argument("--tag", action="append", metavar="TAG", help="the new tags (replace the old ones)")
    tags.add_argument("--no-tags", action="store_true", help="remove every tag")
    delete = cli.command("note delete", cmd_delete, help="delete a note")
    delete.add_argument("note", help="note id or unique prefix")

    share = cli.command("note share", cmd_share, help="put a copy of a note into a circle's resource library")
    share.add_argument("note", help="note id or unique prefix")
    share.add_argument("circle", help="circle id or unique prefix")
    into_pair = cli.command(
        "note share-pair", cmd_share_pair,
        help="share a note (a reflection) into a coaching pair, where your partner can comment",
    )  # fmt: skip
    into_pair.add_argument("note", help="note id or unique prefix")
    into_pair.add_argument("pair", help="pair id or unique prefix (see `coach pairs`)")
    into_pair.add_argument("--cycle", help="the cycle (default: the latest open one)")
    save = cli.command("note save", cmd_save, help="copy a circle's thread, answer, resource… into my notes")
    save.add_argument("item", help="item id or unique prefix, from any of your circles")

    imported = cli.command("note import", cmd_import, help="make a note of every .md file in a folder")
    imported.add_argument("folder")
    export = cli.command("note export", cmd_export, help="write every note to a folder as .md files")
    export.add_argument("folder")
