"""Command: `search TEXT [--circle C]` — a circle's items, or every circle's and my notes."""

from __future__ import annotations

import argparse

from app.cli.base import CommandLine, emit
from app.errors import CommandError
from app.services import notes, search
from app.services.commands import Commands

MAX_LIMIT = 1000
KIND_WORDS = {"thread": "thread", "reply": "reply", "help": "help request", "answer": "answer",
              "progress": "progress note", "resource": "resource", "chat": "chat"}  # fmt: skip


async def cmd_search(args: argparse.Namespace, commands: Commands) -> None:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}.")
    if args.circle:
        space = await commands.resolve_circle(args.circle)
        hits = await search.in_circle(commands, space, args.text, limit=args.limit)
        found_notes = []
    else:
        hits = await search.everywhere(commands, args.text, limit_per_circle=args.limit)
        found_notes = await notes.search(commands, args.text, limit=args.limit)
    document = {"hits": [hit.to_json() for hit in hits], "notes": [note.to_json() for note in found_notes]}
    lines, circle = [], None
    for hit in hits:
        if hit.circle_id != circle:
            circle = hit.circle_id
            lines.append(f"«{hit.circle_name}»")
        where = f" in «{hit.title}»" if hit.title and hit.opens != hit.item_id else f" «{hit.title}»"
        lines.append(f"  {hit.item_id[:12]}  {KIND_WORDS[hit.type]}{where if hit.title else ''} by"
                     f" {hit.author_name or 'someone'}: {hit.snippet}")  # fmt: skip
    if found_notes:
        lines.append("My notes")
        lines += [f"  {note.note_id[:12]}  {note.title}" for note in found_notes]
    emit(args, document, "\n".join(lines) or f"Nothing found for {args.text!r}.")


def register(cli: CommandLine) -> None:
    found = cli.command(
        "search", cmd_search, help="find posts, help requests, answers, resources and chat (and notes)"
    )
    found.add_argument("text", help="every word must appear (case does not matter)")
    found.add_argument("--circle", help="only this circle (id or unique prefix); default: every circle")
    found.add_argument("--limit", type=int, default=50, help="at most this many hits per circle")
