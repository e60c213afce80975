"""What people see of a circle or a personal store: threads and replies, chat, the
resource library, help requests with their status, recognition, notes with links,
backlinks and search.

Everything here reads the materialized tables. A viewer's level decides moderation's
effect: teachers (and owners) see hidden items marked as hidden; everyone else does not
see them at all. Deleted items are gone for everyone.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sync.ids import DeviceId, OpId, SpaceId
from sync.policy import MODERATOR
from sync.reducers.helpdesk import HelpStatus, Status
from sync.reducers.marks import Moderation, moderation
from sync.state import ItemRow, device_persons, help_status, help_statuses, hidden_items, reactions
from sync.state import items as items  # the app reads item rows through views
from sync.wire.canonical import unpack_canonical


def shown(rows: list[ItemRow], viewer_level: int) -> list[ItemRow]:
    return [r for r in rows if not r.deleted and (not r.hidden or viewer_level >= MODERATOR)]


def of_type(db: sqlite3.Connection, space: SpaceId, type_: str, viewer_level: int) -> list[ItemRow]:
    return shown(items(db, space, where="type = ?", params=(type_,)), viewer_level)


def children(
    db: sqlite3.Connection, space: SpaceId, parent: OpId, viewer_level: int, type_: str | None = None
) -> list[ItemRow]:
    """Replies (or answers, progress notes) under an item, in causal order."""
    where = "parent = ?" if type_ is None else "parent = ? AND type = ?"
    params: tuple[OpId | str, ...] = (parent,) if type_ is None else (parent, type_)
    return shown(items(db, space, where=where, params=params), viewer_level)


def item(db: sqlite3.Connection, space: SpaceId, item_id: OpId) -> ItemRow | None:
    found = items(db, space, where="item_id = ?", params=(item_id,))
    return found[0] if found else None


def chat_log(db: sqlite3.Connection, space: SpaceId, viewer_level: int, limit: int = 200) -> list[ItemRow]:
    """The last `limit` chat lines, oldest first (hlc order follows causality)."""
    rows = items(db, space, where="type = 'chat'", order="created_hlc DESC, item_id DESC", limit=limit)
    return shown(rows[::-1], viewer_level)


@dataclass(frozen=True, slots=True)
class HelpRequest:
    item: ItemRow
    status: Status
    answers: int


def help_requests(
    db: sqlite3.Connection, space: SpaceId, viewer_level: int, *, status: str | None = None
) -> list[HelpRequest]:
    answer_counts = dict(
        db.execute(
            "SELECT parent, COUNT(*) FROM items WHERE space = ? AND type = 'answer' AND deleted = 0"
            " GROUP BY parent",
            (space,),
        ).fetchall()
    )
    statuses = help_statuses(db, space)  # one query for every request's steps
    found = []
    for row in of_type(db, space, "help", viewer_level):
        current = statuses.get(row.item_id) or Status()
        if status is None or current.status == status:
            found.append(HelpRequest(row, current, answer_counts.get(row.item_id, 0)))
    return found


class OpenRequest(NamedTuple):
    """An unresolved help request as a list of them needs it: no text, tags or marks (a
    tuple: thousands are built per read)."""

    item_id: OpId
    author: DeviceId
    created_hlc: int
    title: str
    link: OpId | None  # an item or assignment the asker linked, if any
    status: Status
    answers: int


def unresolved_requests(db: sqlite3.Connection, space: SpaceId, viewer_level: int) -> list[OpenRequest]:
    """The help requests not resolved, oldest first, as `viewer_level` may see them (hidden
    ones only for moderators). Three queries whatever the number of requests: the requests'
    few columns, every request's steps, and the answer counts (the teacher's desk reads
    thousands of requests on each refresh; `bench/desk.py`)."""
    statuses = help_statuses(db, space)
    hidden = set() if viewer_level >= MODERATOR else hidden_items(db, space)
    answer_counts = dict(
        db.execute(
            "SELECT parent, COUNT(*) FROM items WHERE space = ? AND type = 'answer' AND deleted = 0"
            " GROUP BY parent",
            (space,),
        ).fetchall()
    )
    none = Status()
    found = []
    for item_id, author, created, title, extra in db.execute(
        "SELECT item_id, author, created_hlc, title, extra FROM items"
        " WHERE space = ? AND type = 'help' AND deleted = 0 ORDER BY created_hlc, item_id",
        (space,),
    ):
        status = statuses.get(item_id, none)
        if status.status == HelpStatus.RESOLVED or item_id in hidden:
            continue
        link = unpack_canonical(extra).get("link") if extra else None
        found.append(
            OpenRequest(
                OpId(item_id),
                DeviceId(author),
                created,
                title,
                OpId(bytes(link)) if link is not None else None,
                status,
                answer_counts.get(item_id, 0),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class HelpDetail:
    request: ItemRow
    status: Status
    answers: list[ItemRow]
    progress: list[ItemRow]
    thanks: dict[OpId, int]


def help_detail(db: sqlite3.Connection, space: SpaceId, request: ItemRow, viewer_level: int) -> HelpDetail:
    below = children(db, space, request.item_id, viewer_level)
    counts = {
        item: len(devices)
        for (item, reaction), devices in reactions(db, space).items()
        if reaction == "thanks"
    }
    return HelpDetail(
        request,
        help_status(db, space, request.item_id),
        [r for r in below if r.type == "answer"],
        [r for r in below if r.type == "progress"],
        {OpId(item): count for item, count in counts.items()},
    )


def reacted_by(
    db: sqlite3.Connection, space: SpaceId, people: Collection[bytes], reaction: str
) -> set[bytes]:
    """The items any of the devices `people` gave `reaction` to."""
    found = reactions(db, space).items()
    return {item for (item, kind), devices in found if kind == reaction and not devices.isdisjoint(people)}


@dataclass(frozen=True, slots=True)
class Recognition:
    """How someone helped in a circle: answers given, answers accepted, thanks received.
    One line per *person*: what any of their devices wrote adds up (`device` is the
    person's id, its first device)."""

    device: DeviceId
    name: str
    answers: int
    accepted: int
    thanks: int


def recognition(db: sqlite3.Connection, space: SpaceId, names: Mapping[bytes, str]) -> list[Recognition]:
    """Everyone who helped, by name — a record to encourage, deliberately not a ranking.
    `names`: the name each author had (`SpaceContext.author_names`; former members too).
    Counted per person (`state.device_persons`): a person's answers from two devices are
    one line, and thanks are counted once per thanking person, whichever devices thanked."""
    persons = device_persons(db, space)

    def person(device: bytes) -> bytes:
        return persons.get(DeviceId(device), device)

    authors = {
        item: person(author)
        for item, author in db.execute(
            "SELECT item_id, author FROM items WHERE space = ? AND deleted = 0", (space,)
        )
    }
    answers: dict[bytes, int] = {}
    for (author,) in db.execute(
        "SELECT author FROM items WHERE space = ? AND type = 'answer' AND deleted = 0", (space,)
    ):
        answers[person(author)] = answers.get(person(author), 0) + 1
    thanks: dict[bytes, int] = {}
    for (target, reaction), devices in reactions(db, space).items():
        if reaction == "thanks" and target in authors:
            thankers = {person(device) for device in devices}
            thanks[authors[target]] = thanks.get(authors[target], 0) + len(thankers)
    accepted: dict[bytes, int] = {}
    for request, status in help_statuses(db, space).items():
        chosen = status.accepted  # of requests not deleted (`authors` holds only those)
        if request in authors and chosen is not None and chosen in authors:
            accepted[authors[chosen]] = accepted.get(authors[chosen], 0) + 1
    helpers = set(answers) | set(thanks) | set(accepted)
    named: dict[bytes, str] = {}
    for device, name in names.items():  # the person's own device's name first, else any of theirs
        if name and (person(device) not in named or device == person(device)):
            named[person(device)] = name
    return sorted(
        (
            Recognition(
                DeviceId(p),
                named.get(p, ""),
                answers.get(p, 0),
                accepted.get(p, 0),
                thanks.get(p, 0),
            )
            for p in helpers
        ),
        key=lambda r: (r.name.lower(), r.device),
    )


# -- personal notes -------------------------------------------------------------------------
def backlinks(db: sqlite3.Connection, space: SpaceId, note: ItemRow) -> list[ItemRow]:
    """Notes whose `[[links]]` name this note's title."""
    return shown(
        items(
            db,
            space,
            where="item_id IN (SELECT item_id FROM note_links WHERE space = ? AND target = ?)",
            params=(space, note.title.strip().lower()),
        ),
        MODERATOR,
    )


def linked(db: sqlite3.Connection, space: SpaceId, note: ItemRow) -> list[ItemRow]:
    """Notes this note links to (by title); a link to a title no note has is left out."""
    return shown(
        items(
            db,
            space,
            where="type = 'note' AND lower(trim(title)) IN"
            " (SELECT target FROM note_links WHERE space = ? AND item_id = ?)",
            params=(space, note.item_id),
        ),
        MODERATOR,
    )


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """A person's search words as an FTS5 query: every word must match, the last as a prefix."""
    words = _WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


#: A query matching at most this many notes is ranked by relevance (bm25); see search_notes.
RANKED = 200


def search_notes(db: sqlite3.Connection, space: SpaceId, text: str, *, limit: int = 50) -> list[ItemRow]:
    """Notes matching every word (the last as a prefix), best first.

    bm25 must score every match before it can pick the best, which at 100,000 notes
    costs hundreds of milliseconds for a common word. So a query matching at most
    `RANKED` notes is ranked by relevance, and a broader one lists the notes with all
    the words in their title first, then the others, newest first in each group: both
    read only as many index entries as they return.
    """
    query = fts_query(text)
    if not query:
        return []
    matching = "SELECT rowid, item_id FROM note_search WHERE note_search MATCH ? AND space = ?"
    cap = max(RANKED, limit)
    newest = db.execute(f"{matching} ORDER BY rowid DESC LIMIT ?", (query, space, cap + 1)).fetchall()
    gone = _deleted(db, [rowid for rowid, _ in newest])  # the index keeps deleted notes' rows
    if len(newest) <= cap:
        found = db.execute(f"{matching} ORDER BY rank LIMIT ?", (query, space, limit + len(gone))).fetchall()
    else:
        titled = db.execute(
            f"{matching} ORDER BY rowid DESC LIMIT ?", (f"title : ({query})", space, 2 * limit)
        ).fetchall()
        gone |= _deleted(db, [rowid for rowid, _ in titled])
        first = {rowid for rowid, _ in titled}
        found = titled + [row for row in newest if row[0] not in first]
    ids = [item_id for rowid, item_id in found if rowid not in gone][:limit]
    if not ids:
        return []
    rows = {
        r.item_id: r
        for r in items(db, space, where=f"item_id IN ({','.join('?' * len(ids))})", params=tuple(ids))
    }
    return [rows[OpId(i)] for i in ids if OpId(i) in rows]


#: The item types a search in a circle looks through (notes have their own index).
SEARCHED = ("thread", "reply", "help", "answer", "progress", "resource", "chat")


def search_items(
    db: sqlite3.Connection, space: SpaceId, text: str, viewer_level: int, *, limit: int = 50
) -> list[ItemRow]:
    """A circle's items with every word of `text` in their title, text or tags, newest
    first, as `viewer_level` may see them: hidden items (and what is under a hidden
    thread or request) only for moderators, and a redacted item never by its old text.

    A scan, not an index: `LIKE` narrows the rows (ASCII case-insensitively), then each
    candidate is matched on what is shown, Unicode-casefolded. Circles hold far fewer
    items than a person's notes: `bench/circle_search.py` times it (docs/benchmarks.md).
    """
    words = [word.casefold() for word in _WORD.findall(text)]
    if not words:
        return []
    clauses, params = [], []
    for word in words:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
        clauses.append(
            "(title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\' OR item_id IN (SELECT item_id"
            " FROM item_tags WHERE space = ? AND tag LIKE ? ESCAPE '\\'))"
        )
        params += [pattern, pattern, space, pattern]
    # The types are checked below, not here: `type IN (…)` makes SQLite walk the type index
    # and fetch each row by key, a quarter slower than one pass over the circle's rows.
    where = f"deleted = 0 AND {' AND '.join(clauses)}"
    marks = moderation(db, space)
    batch = max(4 * limit, 100)
    while True:  # rows the viewer may not see are dropped after the query: widen until enough
        newest = "created_hlc DESC, item_id"
        candidates = items(db, space, where=where, params=tuple(params), order=newest, limit=batch)
        found = [row for row in shown(candidates, viewer_level) if _matches(row, words, marks, viewer_level)]
        if len(found) >= limit or len(candidates) < batch:
            return found[:limit]
        batch *= 4


def _matches(row: ItemRow, words: list[str], marks: Mapping[bytes, Moderation], viewer_level: int) -> bool:
    if row.type not in SEARCHED:
        return False
    parent = marks.get(row.parent) if row.parent else None
    if parent is not None and parent.hidden and viewer_level < MODERATOR:
        return False
    seen = f"{row.title} {row.shown_text} {' '.join(row.tags)}".casefold()
    return all(word in seen for word in words)


def _deleted(db: sqlite3.Connection, rowids: list[int]) -> set[int]:
    """Which of these items (by rowid, shared with `note_search`) are deleted: rowid lookups,
    where asking the items table for all deleted notes would read every row of it."""
    if not rowids:
        return set()
    marks = ",".join("?" * len(rowids))
    return {
        row[0]
        for row in db.execute(f"SELECT rowid FROM items WHERE rowid IN ({marks}) AND deleted = 1", rowids)
    }
