"""`studycircle search`: a circle's items or every circle's and my notes, as JSON and as
lines a person reads; bad arguments refused in one line, changing nothing."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import InProcess


def test_search_finds_in_a_circle_or_everywhere_with_notes(cli: InProcess, tmp_path: Path) -> None:
    home = tmp_path / "ana"
    cli(home, "init", "--name", "Ana").ok()
    circle = cli(home, "circle", "create", "Algebra", "--json").json()["circle_id"]
    other = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    thread = cli(home, "thread", "new", circle, "--title", "Rank-nullity", "--json").json()
    cli(home, "chat", other, "rank of a tensor").ok()
    cli(home, "note", "add", "--title", "Rank", "--body", "dimension of the image").ok()

    one = cli(home, "search", "rank", "--circle", circle[:8], "--json").json()
    assert [(hit["type"], hit["circle_id"]) for hit in one["hits"]] == [("thread", circle)]
    assert one["hits"][0]["item_id"] == thread["thread_id"] and one["notes"] == []
    every = cli(home, "search", "rank", "--json").json()
    assert [hit["circle_name"] for hit in every["hits"]] == ["Algebra", "Physics"]
    assert [note["title"] for note in every["notes"]] == ["Rank"]
    shown = cli(home, "search", "rank").ok().out
    assert "«Algebra»" in shown and "thread «Rank-nullity» by Ana" in shown and "My notes" in shown
    assert cli(home, "search", "nothing-like-it").ok().out == "Nothing found for 'nothing-like-it'.\n"


def test_bad_searches_are_refused_in_one_line(cli: InProcess, tmp_path: Path) -> None:
    home = tmp_path / "ana"
    cli(home, "init", "--name", "Ana").ok()
    cli(home, "search", "%%").refused("at least one word")
    cli(home, "search", "x", "--limit", "0").refused("--limit must be between 1 and 1000")
    cli(home, "search", "x", "--limit", "1001").refused("--limit must be between 1 and 1000")
    cli(home, "search", "x", "--circle", "beef").refused("circle")
