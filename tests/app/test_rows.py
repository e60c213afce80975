"""The typed rows' `to_json()` against the shapes docs/cli.md documents for `--json`, and
the exact documents (keys, order, omitted empties) the CLI printed when rows were dicts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.services.rows import (
    Answer,
    CircleRow,
    Helper,
    HelpRequest,
    HelpRequestSummary,
    Item,
    ItemSource,
    Member,
    Note,
    NoteFile,
    NoteLink,
    NoteSource,
    NoteSummary,
    Resource,
    ResourceFile,
    SavedFile,
    SubmittedFile,
    ThreadSummary,
)
from sync.ids import DeviceId
from sync.reducers.helpdesk import HelpStatus

DOCS = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")

BASE = {
    "id": "aa01",
    "type": "help",
    "author": "d0",
    "author_name": "Sue",
    "created": "2026-05-03T10:00:00+00:00",
    "text": "Why sin?",
}
EVERYTHING = {  # every optional field of an item set
    "title": "Snell's law",
    "parent": "bb02",
    "tags": ("optics",),
    "hidden": True,
    "locked": True,
    "redacted": True,
    "url": "https://example.org",
    "source": ItemSource("c0", "c1"),
    "link": "ee05",
}
STATE = {
    "status": HelpStatus.CLAIMED,
    "claimed_by": ("Sam",),
    "claimed_by_ids": ("d1",),
    "escalated": False,
    "accepted_answer": None,
    "me_too": 2,
}
ANSWER = Answer(**BASE | {"type": "answer"}, thanks=1, accepted=True)
NOTE = NoteSummary(note_id="n1", title="Optics", tags=("physics",), created="2026-05-03T10:00:00+00:00")

# (the `--json prints` text docs/cli.md gives for a row, a row with every field set)
DOCUMENTED = [
    ("circles: [{circle_id, name, role, description}]", CircleRow("c0", "Physics", "owner", "")),
    (
        "members: [{device_id, name, role, person_id, devices, device_ids}]",
        Member(DeviceId(b"\x01" * 32), "Ana", "owner"),
    ),
    ("threads: [{id, title, author_name, replies, …}]", ThreadSummary(**BASE, **EVERYTHING, replies=3)),
    (
        "requests: [{id, title, status, claimed_by, answers, …}]",
        HelpRequestSummary(**BASE, **EVERYTHING, **STATE, answers=1),
    ),
    ("helpers: [{device_id, name, answers, accepted, thanks}]", Helper("d1", "Sam", 3, 1, 2)),
    (
        "resources: [{id, title, url, text, tags, files: [{blob, name, size, downloaded}], …}]",
        Resource(**BASE, **EVERYTHING, files=(ResourceFile("f0", "a.pdf", 10, True),)),
    ),
    ("files: [{name, size, path}]", SavedFile("a.pdf", 10, "/tmp/a.pdf")),
    ("saved: [{name, size, path}]", SavedFile("a.pdf", 10, "/tmp/a.pdf")),
    ("`versions`, `files: [{blob, name, size, downloaded}]`", SubmittedFile("f0", "a.pdf", 10, True)),
    ("notes: [{note_id, title, tags, created}]", NOTE),
    ("links: [{title, note_ids}]", NoteLink("Waves", ("n2",))),
]


def documented_keys(shape: str) -> tuple[set[str], bool]:
    """The keys of the innermost-first `{…}` of a documented shape, and whether it is open (…)."""
    inner = re.search(r"\{([^{}]*)(?:\{[^{}]*\}[^{}]*)?\}", shape)
    assert inner is not None, shape
    text = re.sub(r"\{[^{}]*\}", "", inner.group(0)[1:-1])
    keys = {part.split(":")[0].strip() for part in text.split(",")} - {"", "…"}
    return keys, "…" in text


@pytest.mark.parametrize(("shape", "row"), DOCUMENTED, ids=[shape.split(":")[0] for shape, _ in DOCUMENTED])
def test_every_row_prints_the_keys_docs_cli_documents(shape: str, row: object) -> None:
    assert shape in DOCS  # the documentation still says this
    keys, open_ended = documented_keys(shape)
    printed = set(row.to_json())  # type: ignore[attr-defined]
    if open_ended:
        assert keys <= printed, keys - printed
    else:
        assert printed == keys


def test_help_show_and_note_show_print_the_documented_keys() -> None:
    request = HelpRequest(**BASE, **STATE, answers=(ANSWER,), progress=(Item(**BASE),))
    help_show = (
        "`status`, `claimed_by` (names), `claimed_by_ids` (devices), `escalated`, `accepted_answer`,"
        " `me_too`, `answers`, `progress`, …"
    )
    assert help_show in DOCS
    assert set(re.findall(r"`(\w+)`", help_show)) <= set(request.to_json())
    note = Note(
        **{"note_id": "n1", "title": "Optics", "tags": (), "created": "2026"},
        text="See [[Waves]].",
        source=NoteSource("c0", "c1"),
        links=(NoteLink("Waves", ()),),
        backlinks=(NOTE,),
    )
    note_show = (
        "`note_id`, `title`, `text`, `tags`, `created`, `links: [{title, note_ids}]`, `backlinks: […]`,"
        " `source` (if saved from a circle)"
    )
    assert note_show in DOCS
    assert set(note.to_json()) == {
        "note_id",
        "title",
        "text",
        "tags",
        "created",
        "links",
        "backlinks",
        "source",
    }


def test_an_item_prints_what_the_dicts_printed_key_for_key_in_order() -> None:
    """The documents are compared as bytes: the same keys in the same order, empties left out."""
    full = Item(**BASE, **EVERYTHING)
    assert json.dumps(full.to_json()) == json.dumps(
        BASE
        | {
            "title": "Snell's law",
            "parent": "bb02",
            "tags": ["optics"],
            "hidden": True,
            "locked": True,
            "redacted": True,
            "url": "https://example.org",
            "source": {"circle": "c0", "item": "c1"},
            "link": "ee05",
        }
    )
    assert Item(**BASE).to_json() == BASE  # no title, tags, flags, link: no keys for them


def test_a_help_request_prints_its_status_as_the_plain_string() -> None:
    request = HelpRequest(**BASE, title="Snell's law", **STATE, answers=(ANSWER,), progress=())
    document = request.to_json()
    assert list(document) == [
        *BASE,
        "title",
        "status",
        "claimed_by",
        "claimed_by_ids",
        "escalated",
        "accepted_answer",
        "me_too",
        "answers",
        "progress",
    ]
    assert type(document["status"]) is str and document["status"] == "claimed"
    assert document["answers"] == [BASE | {"type": "answer", "thanks": 1, "accepted": True}]
    assert json.loads(json.dumps(document)) == document  # plain JSON values: lists, not tuples


def test_note_show_leaves_out_files_only_when_the_note_names_none() -> None:
    bare = Note(note_id="n1", title="T", tags=(), created="2026", text="")
    assert list(bare.to_json()) == ["note_id", "title", "tags", "created", "text", "links", "backlinks"]
    saved = Note(
        note_id="n1", title="T", tags=(), created="2026", text="", files=(NoteFile("f0", "a.pdf", 3),)
    )
    assert saved.to_json()["files"] == [{"blob": "f0", "name": "a.pdf", "size": 3}]
