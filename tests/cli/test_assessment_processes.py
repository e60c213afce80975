"""Done-when 3 of issue 15, end to end: a teacher and six students as separate CLI
processes over real py-libp2p on 127.0.0.1. Submission; review round 1 (two reviewers
each, anonymous); revision; round 2, whose reviewer sees the diff and the note; the
assessment with one override; the gradebook exported to CSV; one state hash."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app import identity
from tests.cli.helpers import run_process, serving

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0", "--timeout", "30"]
STUDENTS = ("ann", "ben", "cat", "dev", "eve", "fay")


@pytest.mark.timeout(1800)  # about 130 processes, each a Python start-up
def test_two_review_rounds_across_seven_peers(tmp_path: Path) -> None:
    tara = tmp_path / "tara"
    homes = {name: tmp_path / name for name in STUDENTS}
    run_process(tara, "init", "--name", "Tara").ok()
    for name, home in homes.items():
        identity.create(home, name.capitalize())
    circle = run_process(tara, "circle", "create", "Rhetoric", "--json").json()["circle_id"]
    with serving(tara, *LOOPBACK[:3]) as address:

        def sync(*names: str) -> None:
            for name in names or STUDENTS:
                run_process(homes[name], "sync", "--connect", address, "--timeout", "30").ok()

        for home in homes.values():
            code = run_process(tara, "circle", "invite", circle, "--json").json()["code"]
            assert run_process(home, "circle", "join", code, *LOOPBACK, "--json").json()["status"] == "joined"
        created = run_process(
            tara, "assignment", "create", circle, "--title", "Essay", "--criterion", "clarity:4",
            "--criterion", "evidence:3", "--reviewers", "2", "--rounds", "2", "--json",
        ).json()  # fmt: skip
        assignment = created["assignment_id"][:12]
        sync()
        works = {}
        for name, home in homes.items():
            works[name] = run_process(
                home, "submit", assignment, "--body", f"{name} argues.\n", "--json"
            ).json()["submission_id"]
        sync()
        assert run_process(tara, "assignment", "open", assignment, "review", "--json").json()["round"] == 1
        sync()
        for name, home in homes.items():
            todo = run_process(home, "review", "list", assignment, "--json").json()["reviews"]
            assert len(todo) == 2 and works[name] not in {t["submission_id"] for t in todo}
            for task in todo:
                run_process(
                    home, "review", "write", task["submission_id"][:12], "--score", "clarity=3",
                    "--score", "evidence=2", "--comment", f"from a reviewer of {task['submission_id'][:4]}",
                ).ok()  # fmt: skip
        sync()
        sync("ann")  # she pushed hers before the others: now she fetches theirs
        received = run_process(homes["ann"], "review", "received", assignment, "--json").json()["reviews"]
        assert len(received) == 2  # and nothing in them names who wrote them
        run_process(tara, "assignment", "open", assignment, "revision").ok()
        sync()
        revised = ["--body", "ann argues.\nWith evidence.\n", "--note", "added evidence", "--json"]
        assert run_process(homes["ann"], "submit", assignment, *revised).json()["version"] == 2
        sync("ann")
        assert run_process(tara, "assignment", "open", assignment, "review", "--json").json()["round"] == 2
        sync()
        saw_diff = 0
        for home in homes.values():
            for task in run_process(home, "review", "list", assignment, "--json").json()["reviews"]:
                if task["submission_id"] == works["ann"]:
                    assert task["version"] == 2 and task["note"] == "added evidence"
                    assert "+With evidence." in task["diff"]
                    saw_diff += 1
                full = ["--score", "clarity=4", "--score", "evidence=3"]
                run_process(home, "review", "write", task["submission_id"][:12], *full).ok()
        assert saw_diff == 2
        sync()
        run_process(tara, "assignment", "open", assignment, "assessment").ok()
        run_process(
            tara, "assess", works["ben"][:12], "--grade", "55", "--comment", "Override: thin evidence."
        ).ok()
        exported = tmp_path / "grades.csv"
        book = run_process(tara, "grades", assignment, "--csv", str(exported), "--json").json()["grades"]
        assert len(book) == 6 and all(row["peer"] == 100.0 for row in book)
        assert [row["grade"] for row in book if row["name"] == "Ben"] == [55]
        rows = list(csv.DictReader(exported.open(encoding="utf-8")))
        assert {row["name"]: row["grade"] for row in rows}["Ben"] == "55"
        sync()
        sync()
        own = run_process(homes["ben"], "grades", assignment, "--json").json()["grades"]
        assert [(row["name"], row["grade"]) for row in own] == [("Ben", 55)]
        hashes = {
            run_process(home, "circle", "state", circle, "--json").json()["state_hash"]
            for home in (tara, *homes.values())
        }
        assert len(hashes) == 1
