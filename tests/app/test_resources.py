"""The circle's library from the app's side, on real SQLite files: a page at a time newest
first with the total (what the Resources tab reads), and the whole of it oldest first
(what `resource list` prints); one file opened (a copy in a folder, made once, never
replacing) or saved where the person chose, only from a circle that shares it here."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import CommandError
from app.services import discussion, resources
from app.services.items import write_content
from tests.app.conftest import People


async def test_the_library_pages_newest_first_and_lists_oldest_first(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    added = [await resources.add(ana, space, title=f"Sheet {n}", text="Exercises.") for n in range(5)]

    first = await resources.page(ana, space, limit=3)
    rest = await resources.page(ana, space, after=first.after, limit=3)

    assert [row.id for row in first.rows + rest.rows] == [op.hex() for op in reversed(added)]
    assert (first.total, rest.after) == (5, None)
    assert [row.id for row in await resources.listing(ana, space)] == [op.hex() for op in added]
    assert first.rows[0].files == ()


# -- one file, opened or saved from the desktop ----------------------------------------------
def a_file(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


async def test_opening_a_file_makes_one_copy_in_the_folder_and_never_replaces_a_changed_one(
    people: People, tmp_path: Path
) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    await resources.add(ana, space, title="Sheet", files=[a_file(tmp_path / "mine", "sheet.txt", b"x = 2")])
    (row,) = await resources.listing(ana, space)
    opened = tmp_path / "home" / "opened"

    first = await resources.open_copy(ana, space, row.files[0], opened)
    again = await resources.open_copy(ana, space, row.files[0], opened)
    assert first == again and Path(first.path).read_bytes() == b"x = 2"
    assert Path(first.path).parent.parent == opened and first.name == "sheet.txt"

    Path(first.path).write_bytes(b"x = 3, my edit")  # the person edited the copy they opened
    third = await resources.open_copy(ana, space, row.files[0], opened)
    assert third.name == "sheet (2).txt" and Path(third.path).read_bytes() == b"x = 2"
    assert Path(first.path).read_bytes() == b"x = 3, my edit"


async def test_save_as_writes_the_bytes_where_chosen_and_refuses_in_one_line_writing_nothing(
    people: People, tmp_path: Path
) -> None:
    ana = people("ana")
    space = await ana.create_circle("Physics")
    await resources.add(ana, space, title="Sheet", files=[a_file(tmp_path / "mine", "sheet.txt", b"x = 2")])
    (row,) = await resources.listing(ana, space)
    file = row.files[0]
    target = a_file(tmp_path / "out", "old.txt", b"the person agreed to replace this")

    saved = await resources.save_file_as(ana, space, file, target)
    assert (saved.path, target.read_bytes()) == (str(target), b"x = 2")
    assert sorted(p.name for p in target.parent.iterdir()) == ["old.txt"]  # no partial file left

    with pytest.raises(CommandError, match=r"^No folder .*missing to save into\.$"):
        await resources.save_file_as(ana, space, file, tmp_path / "missing" / "sheet.txt")
    with pytest.raises(CommandError, match="is a folder"):
        await resources.save_file_as(ana, space, file, target.parent)
    assert not (tmp_path / "missing").exists()


async def test_a_file_is_opened_or_saved_only_in_a_circle_that_shares_it_here(
    people: People, tmp_path: Path
) -> None:
    ana = people("ana")
    physics = await ana.create_circle("Physics")
    optics = await ana.create_circle("Optics")
    item = await resources.add(
        ana, physics, title="Sheet", files=[a_file(tmp_path / "mine", "sheet.txt", b"x = 2")]
    )
    (row,) = await resources.listing(ana, physics)
    out = tmp_path / "out"
    out.mkdir()

    # Named from a circle that does not refer to it: refused, though the bytes are here.
    for act in (
        lambda: resources.open_copy(ana, optics, row.files[0], out),
        lambda: resources.save_file_as(ana, optics, row.files[0], out / "sheet.txt"),
    ):
        with pytest.raises(CommandError, match=r"^No resource of this circle shares that file"):
            await act()

    # Referred to in Optics too, but the bytes are held for Physics only: not here for Optics.
    fields = {
        "title": "Same sheet",
        "text": "",
        "tags": [],
        "files": [[bytes.fromhex(row.files[0].blob), "s.txt", 5]],
    }
    await write_content(ana, optics, "resource.add", fields)
    with pytest.raises(CommandError, match="not downloaded yet"):
        await resources.open_copy(ana, optics, row.files[0], out)

    # Redacted by a teacher: its file is no longer shared.
    await discussion.moderate(ana, await resources.find(ana, item.hex()), "redact")
    with pytest.raises(CommandError, match=r"^No resource of this circle shares that file"):
        await resources.save_file_as(ana, physics, row.files[0], out / "sheet.txt")
    assert list(out.iterdir()) == []
