"""A folder of Markdown files in and out of my notes, so a vault from other note tools
comes in and goes out.

One `.md` file is one note. Front matter (`---` lines at the top) gives the title and
tags: `title: …` and `tags: [a, b]`, `tags: a, b` or a `- a` list; other keys are left
out. The title is the front matter's, else the first `# heading`, else the file's name.
The body — everything after the front matter — is the note's text, unchanged, with its
`[[links]]`. Export writes the same shape back (title and tags in front matter, body
byte for byte), so export → import keeps titles, bodies, tags and links.

Import reads and checks every file before it writes anything: a file that is not UTF-8,
too large, or without a usable title stops the import with its name and nothing is
written. Notes are then written in batches of `BATCH`, one transaction each. A file
whose title and body equal a note already in my notes (or an earlier file of the same
import) is skipped, so importing a folder twice adds nothing — and an import cut short
can simply be run again.

The async functions run on trio; reading and writing files happens there too (it is
the person's own folder, small next to the signing and SQLite work on the worker).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import CommandError
from app.personal import my_notes
from app.services.commands import Commands
from app.services.notes import Draft, check_draft, notes_space
from sync import fields, reads, views, writer
from sync.policy import MODERATOR
from sync.replica import Replica

BATCH = 1000
#: A file above this size cannot hold a note (200,000 characters of at most 4 bytes each).
MAX_FILE_BYTES = 4 * fields.MAX_TEXT + 64 * 1024
MAX_NAME_BYTES = 120  # well under every file system's 255, leaving room for " (12).md"

Progress = Callable[[int, int], None]

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(.*)$")
_ITEM = re.compile(r"^[ \t]+-[ \t]*(.*)$")
_HEADING = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*\r?$")
_COMMENT = re.compile(r"(?:^|[ \t]+)#.*$")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,\s\[\]]+")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*\[\]#^]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


# -- reading Markdown --------------------------------------------------------------------------
def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)  # YAML's double-quoted strings are JSON's, near enough
        except ValueError:
            return value[1:-1]
        return loaded if isinstance(loaded, str) else value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _tag_list(value: str) -> list[str]:
    """`[a, "b c"]`, `a, b` or `a b`: tags never hold spaces, so a bare space separates too."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_scalar(token) for token in _QUOTED.findall(value)]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(keys, body): the front matter's title/tags-style keys, and the text after it."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\n")) or lines[0].startswith("..."):
        return {}, text
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end].rstrip("\n")):
            break
    else:
        return {}, text  # an opening line with no closing one is just a rule in the text
    keys: dict[str, Any] = {}
    current: str | None = None
    for line in lines[1:end]:
        line = line.rstrip("\r\n")
        item = _ITEM.match(line)
        if item and current is not None:
            value = keys.get(current)
            keys[current] = [*(value if isinstance(value, list) else []), _scalar(item.group(1))]
            continue
        key = _KEY.match(line)
        if key:
            current = key.group(1).lower()
            raw = key.group(2).strip()
            if not raw.startswith(("'", '"')):
                raw = _COMMENT.sub("", raw)  # YAML: " #" starts a comment outside quotes
            keys[current] = _tag_list(raw) if current in ("tags", "tag") and raw else _scalar(raw)
        elif line.strip() and not line.startswith((" ", "\t", "#")):
            current = None
    return keys, "".join(lines[end + 1 :])


def first_heading(body: str) -> str:
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            return match.group(1)
    return ""


def parse_note(text: str, *, file_name: str, where: str = "") -> Draft:
    """One Markdown file's note: title from front matter, else `# heading`, else the name."""
    text = text.removeprefix("\ufeff")
    keys, body = split_front_matter(text)
    title = keys.get("title")
    if not isinstance(title, str) or not title.strip():
        title = first_heading(body) or Path(file_name).stem
    tags = keys.get("tags", keys.get("tag", []))
    if isinstance(tags, str):
        tags = _tag_list(tags)
    return check_draft(title, body, tags, where=where)


def render_note(title: str, tags: tuple[str, ...], text: str) -> str:
    """The file for a note: front matter with its title and tags, then the text unchanged."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if tags:
        shown = [tag if re.fullmatch(r"[^,\s\[\]\"'#{}:]+", tag) else json.dumps(tag) for tag in tags]
        lines.append(f"tags: [{', '.join(shown)}]")
    lines.append("---")
    return "\n".join(lines) + "\n" + text


def read_folder(folder: Path) -> list[tuple[str, Draft]]:
    """Every `.md` file under `folder` (not in hidden folders) as a checked note, by path.

    Refuses — naming the file — at the first one that cannot become a note.
    """
    if not folder.exists():
        raise CommandError(f"There is no folder {folder}.")
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder; give the folder that holds the .md files.")
    paths = sorted(
        (path for path in folder.rglob("*.md") if path.is_file()),
        key=lambda path: path.relative_to(folder).as_posix(),
    )
    paths = [p for p in paths if not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    if not paths:
        raise CommandError(f"No Markdown files (*.md) in {folder}.")
    drafts = []
    for path in paths:
        name = path.relative_to(folder).as_posix()
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(
                f"{name} is {size / 1_000_000:,.1f} MB; a note holds at most {fields.MAX_TEXT:,} characters."
                " Split it into several files; nothing was imported."
            )
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start});"
                " save it as UTF-8 and import again; nothing was imported."
            ) from None
        try:
            drafts.append((name, parse_note(text, file_name=path.name, where=f"{name}: ")))
        except CommandError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
    return drafts


# -- import -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ImportReport:
    files: int
    imported: int
    duplicates: int


def _fingerprint(title: str, text: str) -> bytes:
    return hashlib.blake2b(f"{title}\0{text}".encode(), digest_size=16).digest()


def _known_notes(replica: Replica) -> set[bytes]:
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return set()
    return {
        _fingerprint(title, text)
        for title, text in ((row.title, row.text) for row in reads.notes(replica.db, space))
    }


async def import_folder(
    commands: Commands, folder: Path, *, progress: Progress | None = None
) -> ImportReport:
    drafts = read_folder(folder)
    known = await commands.database.run(_known_notes, commands.replica)
    fresh: list[Draft] = []
    for _, draft in drafts:
        key = _fingerprint(draft.title, draft.text)
        if key not in known:
            known.add(key)
            fresh.append(draft)
    if fresh:
        space = await notes_space(commands)
        assert space is not None
        for start in range(0, len(fresh), BATCH):
            chunk = fresh[start : start + BATCH]
            await commands.write(
                writer.write_many,
                commands.replica,
                space,
                [("note.put", draft.fields()) for draft in chunk],
                now_ms=commands.clock.now_ms(),
            )
            if progress is not None:
                progress(start + len(chunk), len(fresh))
    return ImportReport(files=len(drafts), imported=len(fresh), duplicates=len(drafts) - len(fresh))


# -- export -------------------------------------------------------------------------------------
def safe_name(title: str) -> str:
    """A file name (without `.md`) that every common file system accepts."""
    name = " ".join(_UNSAFE.sub("-", title).split()).strip(" .-")
    while len(name.encode()) > MAX_NAME_BYTES:
        name = name[:-1].rstrip(" .-")
    if not name:
        name = "untitled"
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name


def unique_names(titles: list[str]) -> list[str]:
    """File names for notes in order: the same title twice gets " (2)", " (3)", …"""
    taken: set[str] = set()
    names = []
    for title in titles:
        base = safe_name(title)
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} ({n})"
        taken.add(name.casefold())
        names.append(f"{name}.md")
    return names


def _all_notes(replica: Replica) -> list[tuple[str, tuple[str, ...], str]]:
    replica.refresh()
    space = my_notes(replica)
    if space is None:
        return []
    rows = views.shown(reads.notes(replica.db, space), MODERATOR)
    return [(row.title, row.tags, row.text) for row in rows]


async def export_folder(commands: Commands, folder: Path) -> int:
    """Write every note to `folder` (new, or without .md files in it); returns how many."""
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} is a file; give a folder to export into.")
    if folder.is_dir() and any(folder.glob("*.md")):
        raise CommandError(f"{folder} already holds Markdown files; export into a new or empty folder.")
    notes = await commands.database.run(_all_notes, commands.replica)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, tags, text) in zip(unique_names([n[0] for n in notes]), notes, strict=True):
        with open(folder / name, "x", encoding="utf-8", newline="") as file:  # never overwrite
            file.write(render_note(title, tags, text))
    return len(notes)
