"""`studycircle note …` in-process on real data directories: every command's JSON
document, sharing into and saving from a circle, a Markdown folder out and back in, and
refusals that are one line on stderr, a non-zero exit code, and write nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.personal import my_notes
from app.services import markdown_vault
from sync import views
from tests.cli.helpers import InProcess, fingerprint, open_replica


def add(cli: InProcess, home: Path, title: str, *argv: str) -> str:
    note_id: str = cli(home, "note", "add", "--title", title, *argv, "--json").json()["note_id"]
    return note_id


def test_every_note_command_prints_one_json_document(home: Path, cli: InProcess, tmp_path: Path) -> None:
    source = tmp_path / "source.md"
    source.write_text("Energy is conserved. See [[Momentum]].", encoding="utf-8")
    energy = add(cli, home, "Energy", "--file", str(source), "--tag", "Physics", "--tag", "#exam prep")
    momentum = add(cli, home, "Momentum", "--body", "p = mv")

    listed = cli(home, "note", "list", "--json").json()["notes"]
    assert [(n["note_id"], n["title"], n["tags"]) for n in listed] == [
        (energy, "Energy", ["exam-prep", "physics"]),
        (momentum, "Momentum", []),
    ]
    assert [n["title"] for n in cli(home, "note", "list", "--tag", "physics", "--json").json()["notes"]] == [
        "Energy"
    ]
    shown = cli(home, "note", "show", momentum[:8], "--json").json()
    assert shown["text"] == "p = mv" and [b["note_id"] for b in shown["backlinks"]] == [energy]
    shown = cli(home, "note", "show", energy, "--json").json()
    assert shown["links"] == [{"title": "Momentum", "note_ids": [momentum]}]
    found = cli(home, "note", "search", "conser", "--json").json()
    assert [n["note_id"] for n in found["notes"]] == [energy]

    edited = cli(
        home, "note", "edit", momentum, "--body", "p equals m times v", "--tag", "Mechanics", "--json"
    )
    assert edited.json() == {"note_id": momentum, "edited": True}
    assert cli(home, "note", "search", "mv", "--json").json()["notes"] == []
    assert cli(home, "note", "show", momentum, "--json").json()["tags"] == ["mechanics"]
    cli(home, "note", "edit", momentum, "--no-tags").ok()
    assert cli(home, "note", "show", momentum, "--json").json()["tags"] == []

    assert cli(home, "note", "delete", momentum, "--json").json() == {"note_id": momentum, "deleted": True}
    assert [n["title"] for n in cli(home, "note", "list", "--json").json()["notes"]] == ["Energy"]
    assert cli(home, "note", "show", energy, "--json").json()["links"] == [
        {"title": "Momentum", "note_ids": []}
    ]
    assert cli(home, "circle", "list", "--json").json() == {"circles": []}  # My notes is not a circle

    text = cli(home, "note", "show", energy[:6]).ok().out
    assert text.startswith("# Energy\n") and "→ [[Momentum]]  no such note yet" in text


def test_share_a_note_into_a_circle_and_save_a_circle_item(home: Path, cli: InProcess) -> None:
    note = add(cli, home, "Vectors", "--body", "Magnitude and direction.", "--tag", "math")
    circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    shared = cli(home, "note", "share", note[:10], circle[:8], "--json").json()
    assert shared["circle_id"] == circle

    thread = cli(home, "thread", "new", circle, "--title", "Forces", "--body", "F = ma", "--json").json()
    saved = cli(home, "note", "save", thread["thread_id"][:10], "--json").json()
    assert saved["source"] == {"space": circle, "item": thread["thread_id"]}

    replica = open_replica(home)
    try:
        space = bytes.fromhex(circle)
        resources = views.of_type(replica.db, space, "resource", 1)  # type: ignore[arg-type]
        assert [(r.item_id.hex(), r.title, r.text, r.tags) for r in resources] == [
            (shared["resource_id"], "Vectors", "Magnitude and direction.", ("math",))
        ]
        assert resources[0].extra["source"] == [my_notes(replica), bytes.fromhex(note)]
    finally:
        replica.store.close()
    shown = cli(home, "note", "show", saved["note_id"], "--json").json()
    assert (shown["title"], shown["text"], shown["source"]) == ("Forces", "F = ma", saved["source"])


def test_export_and_import_a_markdown_folder(
    home: Path, cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(cli, home, "Sets", "--body", "See [[Elements]].\n", "--tag", "math")
    add(cli, home, "Elements", "--body", "Back to [[Sets|sets]].")
    vault = tmp_path / "vault"
    assert cli(home, "note", "export", str(vault), "--json").json() == {"folder": str(vault), "notes": 2}
    assert (vault / "Sets.md").read_text() == '---\ntitle: "Sets"\ntags: [math]\n---\nSee [[Elements]].\n'

    for n in range(5):
        (vault / f"extra {n}.md").write_text(f"---\ntags: a, b\n---\n# Extra {n}\nlinks to [[Sets]]")
    monkeypatch.setattr(markdown_vault, "BATCH", 2)
    ben = tmp_path / "ben"
    cli(ben, "init", "--name", "Ben").ok()
    result = cli(ben, "note", "import", str(vault), "--json")
    assert result.json() == {"folder": str(vault), "files": 7, "imported": 7, "duplicates": 0}
    assert result.err.splitlines() == [
        "studycircle: imported 2 of 7 notes",
        "studycircle: imported 4 of 7 notes",
        "studycircle: imported 6 of 7 notes",
        "studycircle: imported 7 of 7 notes",
    ]
    sets = next(n for n in cli(ben, "note", "list", "--json").json()["notes"] if n["title"] == "Sets")
    shown = cli(ben, "note", "show", sets["note_id"], "--json").json()
    assert (shown["text"], shown["tags"]) == ("See [[Elements]].\n", ["math"])
    assert sorted(b["title"] for b in shown["backlinks"]) == ["Elements", *(f"Extra {n}" for n in range(5))]
    again = cli(ben, "note", "import", str(vault), "--json").json()
    assert (again["imported"], again["duplicates"]) == (0, 7)
    assert "Imported 0 notes" in cli(ben, "note", "import", str(vault)).out


def test_refusals_are_one_line_and_write_nothing(home: Path, cli: InProcess, tmp_path: Path) -> None:
    ids = [add(cli, home, f"Note {n}") for n in range(17)]
    shared = next(i[0] for i in ids if sum(other[0] == i[0] for other in ids) > 1)
    unknown = next(d * 8 for d in "0123456789abcdef" if not any(i.startswith(d * 8) for i in ids))
    circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as file:
        file.truncate(50 * 1024 * 1024)
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "good.md").write_text("fine")
    (vault / "bad.md").write_bytes(b"\x93smart quotes\x94")
    exported = tmp_path / "exported"
    exported.mkdir()
    (exported / "keep.md").write_text("someone's file")

    before = fingerprint(home)
    cli(home, "note", "add", "--title", " ").refused("A note needs a title.")
    cli(home, "note", "add", "--title", "Big", "--body", "x" * (50 * 1024 * 1024)).refused(
        "at most 200,000 characters; this one has 52,428,800"
    )
    cli(home, "note", "add", "--title", "Big", "--file", str(huge)).refused("huge.md is 52.4 MB")
    cli(home, "note", "add", "--title", "X", "--file", str(tmp_path / "none.md")).refused("There is no file")
    for typed, message in ((shared, "matches"), (unknown, "No note with id"), ("xyz", "hexadecimal")):
        for argv in (
            ["show", typed],
            ["edit", typed, "--body", "b"],
            ["delete", typed],
            ["share", typed, circle],
        ):
            cli(home, "note", *argv).refused(message)
    cli(home, "note", "share", ids[0], "ffffffff").refused("No circle with id")
    cli(home, "note", "save", unknown).refused("No circle item with id")
    cli(home, "note", "save", ids[0]).refused("No circle item with id")  # notes are not circle items
    cli(home, "note", "import", str(vault)).refused("bad.md is not UTF-8 text", "nothing was imported")
    cli(home, "note", "import", str(tmp_path / "nowhere")).refused("There is no folder")
    cli(home, "note", "export", str(exported)).refused("already holds Markdown files")
    cli(home, "note", "search", "  ", "--json").refused("Give at least one word")
    assert fingerprint(home) == before
    assert (exported / "keep.md").read_text() == "someone's file"
