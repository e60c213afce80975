"""My notes from the app's side, on real SQLite files: the personal space, writing,
links and backlinks, search, edits and deletes, sharing into a circle and saving from
one, Markdown import and export, and the refusals a person can act on.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.errors import CommandError
from app.paths import database_path
from app.personal import my_notes, personal_spaces, shared_spaces
from app.services import markdown_vault, notes, resources
from app.services.commands import Commands
from app.services.items import write_content
from app.services.markdown_vault import parse_note, render_note, split_front_matter, unique_names
from app.services.paging import Page
from app.services.rows import NoteLink, NoteSource
from p2p.memory import MemoryHub
from sync import access, blobs, views
from sync.fields import MAX_TEXT
from tests.app.conftest import Changed, core_for


@pytest.fixture
async def commands(tmp_path: Path) -> AsyncIterator[Commands]:
    home = tmp_path / "ana"
    me = identity.create(home, "Ana")
    database = Database(database_path(home), me.key, verify_workers=0)
    try:
        yield Commands(database=database, identity=me, clock=SystemClock())
    finally:
        database.close()


def rows_in(commands: Commands) -> int:
    db = sqlite3.connect(commands.replica.store.path)
    try:
        return db.execute("SELECT COUNT(*) FROM ops").fetchone()[0]
    finally:
        db.close()


async def titles(rows: list[dict[str, object]]) -> list[object]:
    return [row.title for row in rows]


# -- the personal space ---------------------------------------------------------------------
async def test_the_personal_space_is_made_once_on_the_first_write_and_is_not_a_circle(
    commands: Commands,
) -> None:
    assert await notes.notes_space(commands, create=False) is None
    assert await notes.listing(commands) == []  # reading makes nothing
    assert rows_in(commands) == 0
    await notes.add(commands, "First", "one")
    await notes.add(commands, "Second", "two")
    replica = commands.replica
    space = my_notes(replica)
    assert space is not None and personal_spaces(replica) == [space]
    circle = await commands.create_circle("Physics")
    assert await commands.circles() == [(circle, "Physics")]
    assert shared_spaces(replica) == [circle]


async def test_a_personal_mark_on_a_shared_circle_does_not_hide_it(
    commands: Commands, tmp_path: Path
) -> None:
    """Marking a circle with other members `personal` cannot make it vanish from lists or sync."""
    from sync import writer
    from tests.cli.helpers import join_in_process

    circle = await commands.create_circle("Physics")
    code = await commands.invite(circle, role="member", uses=1, expires_hours=1, addresses=[])
    identity.create(tmp_path / "ben", "Ben")
    join_in_process(
        commands.replica.store.path.parent, tmp_path / "ben", code, now_ms=commands.clock.now_ms()
    )
    await commands.write(
        writer.write,
        commands.replica,
        circle,
        "space.settings",
        {"key": "personal", "value": True},
        now_ms=commands.clock.now_ms(),
    )
    commands.replica.refresh()
    assert personal_spaces(commands.replica) == []
    assert await commands.circles() == [(circle, "Physics")]


async def test_the_sync_service_leaves_my_notes_out_of_gossip(tmp_path: Path, changed: Changed) -> None:
    home = tmp_path / "ana"
    identity.create(home, "Ana")
    async with core_for(MemoryHub(rng=random.Random(1)), home, changed) as core:
        await notes.add(core.commands, "Private", "only mine")
        circle = await core.create_circle("Physics")
        personal = await notes.notes_space(core.commands, create=False)
        assert personal is not None
        host, replica = core.host, core.database.replica
        circle_gossip = await core.database.run(access.gossip_key, replica, circle)
        personal_gossip = await core.database.run(access.gossip_key, replica, personal)
        assert circle_gossip is not None and personal_gossip is not None

        async def circle_watched() -> bool:
            return host.subscribed(circle_gossip.topic)  # type: ignore[attr-defined]

        await changed.until(circle_watched)
        assert not host.subscribed(personal_gossip.topic)  # type: ignore[attr-defined]


# -- notes, links, search -------------------------------------------------------------------
async def test_links_backlinks_and_search_follow_edits_and_deletes(commands: Commands) -> None:
    cells = await notes.add(commands, "Cells", "Every living thing is made of cells. See [[Mitochondria]].")
    mito = await notes.add(commands, "Mitochondria", "The powerhouse of the cell.", ["Biology"])
    dangling = await notes.add(commands, "Ribosomes", "See [[Proteins|how proteins fold]].")

    cells_row = await notes.find_note(commands, cells.hex()[:10])
    shown = await notes.show(commands, cells_row)
    assert shown.links == (NoteLink("Mitochondria", (mito.hex(),)),)
    mito_shown = await notes.show(commands, await notes.find_note(commands, mito.hex()))
    assert [row.note_id for row in mito_shown.backlinks] == [cells.hex()]
    assert mito_shown.tags == ("biology",)
    ribo = await notes.show(commands, await notes.find_note(commands, dangling.hex()))
    assert ribo.links == (NoteLink("Proteins", ()),)

    assert await titles(await notes.search(commands, "powerhouse")) == ["Mitochondria"]
    assert await titles(await notes.search(commands, "living cel")) == ["Cells"]  # last word a prefix
    assert await titles(await notes.listing(commands, "#BIOLOGY")) == ["Mitochondria"]

    await notes.edit(commands, await notes.find_note(commands, mito.hex()), text="Makes ATP for the cell.")
    assert await notes.search(commands, "powerhouse") == []
    assert await titles(await notes.search(commands, "ATP")) == ["Mitochondria"]
    assert (await notes.show(commands, await notes.find_note(commands, mito.hex()))).tags == ("biology",)

    await notes.edit(commands, cells_row, text="No links any more.")
    mito_row = await notes.find_note(commands, mito.hex())
    assert (await notes.show(commands, mito_row)).backlinks == ()

    await notes.delete(commands, mito_row)
    assert await notes.search(commands, "ATP") == []
    assert await titles(await notes.listing(commands)) == ["Cells", "Ribosomes"]
    with pytest.raises(CommandError, match="No note with id"):
        await notes.find_note(commands, mito.hex())


async def test_my_notes_come_a_page_at_a_time_newest_first(commands: Commands) -> None:
    assert await notes.page(commands, limit=2) == Page([], None)  # reading makes nothing
    for n in range(5):
        await notes.add(commands, f"Note {n}", "")
    await notes.delete(commands, await notes.find_note(commands, (await notes.listing(commands))[1].note_id))

    first = await notes.page(commands, limit=2)
    second = await notes.page(commands, after=first.after, limit=2)
    assert await titles(first.rows + second.rows) == ["Note 4", "Note 3", "Note 2", "Note 0"]
    assert second.after is not None and (await notes.page(commands, after=second.after)).rows == []


async def test_refusals_name_the_problem_and_write_nothing(commands: Commands) -> None:
    first = await notes.add(commands, "Kept", "text")
    before = rows_in(commands)
    for title, text, tags, message in (
        ("", "x", [], "A note needs a title."),
        ("  \n ", "x", [], "A note needs a title."),
        ("T" * 501, "x", [], "title is at most 500 characters"),
        ("Big", "x" * (50 * 1024 * 1024), [], "at most 200,000 characters; this one has 52,428,800"),
        ("Wide", "é" * MAX_TEXT, [], "bytes once encoded; the most a single item can hold is 262,116 bytes"),
        ("Tags", "x", ["t" * 65], "too long (at most 64 characters)"),
        ("Tags", "x", [f"t{n}" for n in range(33)], "at most 32 tags"),
    ):
        with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
            await notes.add(commands, title, text, tags)
    row = await notes.find_note(commands, first.hex())
    with pytest.raises(CommandError, match="Nothing to change"):
        await notes.edit(commands, row, text="text")
    with pytest.raises(CommandError, match="A note needs a title"):
        await notes.edit(commands, row, title=" ")
    with pytest.raises(CommandError, match="Give at least one word"):
        await notes.search(commands, " ?! ")
    assert rows_in(commands) == before


async def test_an_ambiguous_prefix_asks_for_more_characters(commands: Commands) -> None:
    ids = [await notes.add(commands, f"Note {n}", "") for n in range(17)]  # 17 ids, 16 first digits
    digit = next(d for d in "0123456789abcdef" if sum(i.hex().startswith(d) for i in ids) > 1)
    count = sum(i.hex().startswith(digit) for i in ids)
    with pytest.raises(CommandError, match=f"The id prefix '{digit}' matches {count} notes"):
        await notes.find_note(commands, digit)
    with pytest.raises(CommandError, match="ids are hexadecimal"):
        await notes.find_note(commands, "zz")


# -- circles: share and save ----------------------------------------------------------------
async def test_sharing_a_note_puts_a_resource_with_provenance_into_the_circle(commands: Commands) -> None:
    note = await notes.add(commands, "Kinematics cheat sheet", "v = u + at", ["physics"])
    circle = await commands.create_circle("Physics")
    resource = await notes.share(commands, await notes.find_note(commands, note.hex()), circle)
    row = views.item(commands.replica.db, circle, resource)
    personal = my_notes(commands.replica)
    assert row is not None and row.type == "resource"
    assert (row.title, row.text, row.tags) == ("Kinematics cheat sheet", "v = u + at", ("physics",))
    assert row.extra["source"] == [personal, note]

    empty = await notes.add(commands, "Empty", "  ")
    with pytest.raises(CommandError, match="This note is empty"):
        await notes.share(commands, await notes.find_note(commands, empty.hex()), circle)


async def test_saving_a_circle_item_copies_it_into_my_notes_with_provenance(commands: Commands) -> None:
    circle = await commands.create_circle("Physics")
    thread = await commands.post(circle, "Why is the sky blue?", "Rayleigh scattering, see [[Light]].")
    saved, found = await notes.save(commands, thread.hex()[:12])
    assert found.space == circle
    shown = await notes.show(commands, await notes.find_note(commands, saved.hex()))
    assert shown.title == "Why is the sky blue?"
    assert shown.text == "Rayleigh scattering, see [[Light]]."
    assert shown.source == NoteSource(circle.hex(), thread.hex())
    assert await titles(await notes.search(commands, "rayleigh")) == ["Why is the sky blue?"]
    with pytest.raises(CommandError, match="No circle item with id"):
        await notes.save(commands, saved.hex())  # a note of mine is not a circle item


async def test_a_file_saved_into_my_notes_and_shared_on_goes_with_its_holding(
    commands: Commands, tmp_path: Path
) -> None:
    """Files copied from one circle to another through My notes are held (so served) in
    the next circle, as if added there; a file the first circle does not hold is not."""
    physics, chess = await commands.create_circle("Physics"), await commands.create_circle("Chess")
    (tmp_path / "slides.pdf").write_bytes(b"slides")
    resource = await resources.add(commands, physics, title="Slides", files=[tmp_path / "slides.pdf"])
    blob = blobs.blob_id(b"slides")
    saved, _ = await notes.save(commands, resource.hex())
    personal = my_notes(commands.replica)
    assert personal is not None and blobs.held_in(commands.replica.db, personal, blob)
    await notes.share(commands, await notes.find_note(commands, saved.hex()), chess)
    assert blobs.servable(commands.replica.db, chess, blob)
    # Another circle's file, named in Physics by someone else, is not carried along.
    other = await commands.create_circle("Other")
    (tmp_path / "other.pdf").write_bytes(b"other")
    await resources.add(commands, other, title="Other", files=[tmp_path / "other.pdf"])
    fields = {"title": "Named", "text": "", "tags": [], "files": [[blobs.blob_id(b"other"), "o.pdf", 5]]}
    named = await write_content(commands, physics, "resource.add", fields)
    copied, _ = await notes.save(commands, named.hex())
    await notes.share(commands, await notes.find_note(commands, copied.hex()), chess)
    assert blobs.wanted(commands.replica.db, chess) == [blobs.blob_id(b"other")]


# -- Markdown -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title", "tags", "body"),
    [
        (
            "---\ntitle: Sets\ntags: [math, logic]\n---\nBody [[Link]]\n",
            "Sets",
            ("math", "logic"),
            "Body [[Link]]\n",
        ),
        (
            "---\ntitle: 'It''s: quoted'\ntags: math, Exam Prep\n---\n\nText",
            "It's: quoted",
            ("math", "exam", "prep"),
            "\nText",
        ),
        ('---\ntitle: "Esc \\"aped\\""\ntags:\n  - a\n  - "b c"\n---\nx', 'Esc "aped"', ("a", "b-c"), "x"),
        (
            "---\r\ntags: [x]\r\n---\r\n# Heading title #\r\nrest",
            "Heading title",
            ("x",),
            "# Heading title #\r\nrest",
        ),
        (
            "\ufeffNo front matter\n\n# Later heading\n",
            "Later heading",
            (),
            "No front matter\n\n# Later heading\n",
        ),
        ("```\n# not a heading\n```\nplain", "file name", (), "```\n# not a heading\n```\nplain"),
        ("---\nno closing line\n", "file name", (), "---\nno closing line\n"),
        ("---\ntitle:\ntag: solo\n---\n", "file name", ("solo",), ""),
        ("---\ntitle: C# basics # a comment\ntags: [a, b]  # or a, b\n---\n", "C# basics", ("a", "b"), ""),
    ],
)
def test_front_matter_variants(text: str, title: str, tags: tuple[str, ...], body: str) -> None:
    draft = parse_note(text, file_name="file name.md")
    assert (draft.title, draft.tags, draft.text) == (title, tags, body)


def test_rendered_notes_read_back_the_same() -> None:
    for title, tags, text in (
        ('Colon: "quotes" and #hash', ("a", "c++"), "---\nnot front matter\n---\n[[x]]"),
        ("Ünïcode ✓", (), ""),
        ("Plain", ("exam-prep",), "\r\nwindows\r\nlines\r\n"),
    ):
        _, body = split_front_matter(render_note(title, tags, text))
        assert body == text
        assert parse_note(render_note(title, tags, text), file_name="x.md").title == title
        assert parse_note(render_note(title, tags, text), file_name="x.md").tags == tags


def test_file_names_are_safe_and_unique() -> None:
    names = unique_names(["a/b: c?", "A-b- c", "a/b: c?", "CON", "...", "x" * 300, "é" * 200])
    assert names[:5] == ["a-b- c.md", "A-b- c (2).md", "a-b- c (3).md", "_CON.md", "untitled.md"]
    assert all(len(name.encode()) <= 130 for name in names)


async def test_export_then_import_keeps_titles_bodies_tags_and_links(
    commands: Commands, tmp_path: Path
) -> None:
    await notes.add(commands, "Sets", "A set has [[Elements]].\n\n- one\n- two\n", ["math"])
    await notes.add(commands, "Elements", "Members of a [[Sets|set]].", ["math", "basics"])
    await notes.add(commands, "Sets", "A second note with the same title.")
    await notes.add(commands, "Odd: /name?", "---\nlooks like front matter\n---\n")
    vault = tmp_path / "vault"
    assert await markdown_vault.export_folder(commands, vault) == 4
    assert sorted(p.name for p in vault.iterdir()) == [
        "Elements.md",
        "Odd- -name.md",
        "Sets (2).md",
        "Sets.md",
    ]

    other_home = tmp_path / "ben"
    ben = identity.create(other_home, "Ben")
    database = Database(database_path(other_home), ben.key, verify_workers=0)
    try:
        other = Commands(database=database, identity=ben, clock=SystemClock())
        report = await markdown_vault.import_folder(other, vault)
        assert (report.files, report.imported, report.duplicates) == (4, 4, 0)

        def content(c: Commands) -> list[tuple[str, str, tuple[str, ...]]]:
            space = my_notes(c.replica)
            assert space is not None
            rows = views.of_type(c.replica.db, space, "note", 4)
            return sorted((row.title, row.text, tuple(sorted(row.tags))) for row in rows)

        assert content(other) == content(commands)
        elements = next(r for r in await notes.listing(other) if r.title == "Elements")
        shown = await notes.show(other, await notes.find_note(other, str(elements.note_id)))
        assert [b.title for b in shown.backlinks] == ["Sets"]

        again = await markdown_vault.import_folder(other, vault)  # twice: nothing new
        assert (again.imported, again.duplicates) == (0, 4)
        assert len(await notes.listing(other)) == 4
    finally:
        database.close()


async def test_import_is_refused_whole_for_one_bad_file(commands: Commands, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "a.md").write_text("# Fine\n")
    (vault / "sub" / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "ignored.md").write_bytes(b"\xff")
    with pytest.raises(CommandError, match=r"sub/latin1\.md is not UTF-8 text \(byte 0xe9 at offset 3\)"):
        await markdown_vault.import_folder(commands, vault)
    assert rows_in(commands) == 0
    (vault / "sub" / "latin1.md").write_text("---\ntitle: '   '\n---\n", encoding="utf-8")
    report = await markdown_vault.import_folder(commands, vault)  # title falls back to the file name
    assert report.imported == 2
    assert sorted(await titles(await notes.listing(commands))) == ["Fine", "latin1"]
    (vault / "big.md").write_text("x" * (MAX_TEXT + 1))
    (vault / "sub" / "empty").mkdir()
    before = rows_in(commands)
    with pytest.raises(CommandError, match=r"big\.md: A note's text is at most 200,000 characters"):
        await markdown_vault.import_folder(commands, vault)
    with pytest.raises(CommandError, match="No Markdown files"):
        await markdown_vault.import_folder(commands, vault / "sub" / "empty")
    with pytest.raises(CommandError, match="There is no folder"):
        await markdown_vault.import_folder(commands, tmp_path / "nowhere")
    assert rows_in(commands) == before


async def test_import_writes_in_batches_and_reports_progress(
    commands: Commands, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown_vault, "BATCH", 4)
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(10):
        (vault / f"n{n:02}.md").write_text(f"Note {n} links to [[n{(n + 1) % 10:02}]]")
    seen: list[tuple[int, int]] = []
    report = await markdown_vault.import_folder(commands, vault, progress=lambda d, t: seen.append((d, t)))
    assert report.imported == 10 and seen == [(4, 10), (8, 10), (10, 10)]
    first = await notes.find_note(commands, str((await notes.listing(commands))[0].note_id))
    assert [b.title for b in (await notes.show(commands, first)).backlinks] == ["n09"]


async def test_a_broad_search_lists_title_matches_then_the_newest(
    commands: Commands, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `views.RANKED` matches, relevance ranking would cost too much at 100,000 notes."""
    monkeypatch.setattr(views, "RANKED", 3)
    for n in range(6):
        await notes.add(commands, f"Note {n}", "orbit " * (n + 1))
    await notes.add(commands, "Orbits of planets", "Kepler")
    gone = await notes.add(commands, "Newest but deleted", "orbit")
    await notes.delete(commands, await notes.find_note(commands, gone.hex()))
    found = await titles(await notes.search(commands, "orbit", limit=4))
    assert found == ["Orbits of planets", "Note 5", "Note 4", "Note 3"]
    monkeypatch.setattr(views, "RANKED", 50)  # few matches: by relevance (more "orbit"s rank higher)
    assert await titles(await notes.search(commands, "orbit", limit=3)) == ["Note 5", "Note 4", "Note 3"]
