"""Assignments and peer assessment through the CLI, in-process on real data directories:
a teacher sets an essay, two students submit, review each other anonymously over two
rounds with a revision between (the round-2 reviewer sees the diff and the note), the
teacher grades with an override and exports the gradebook; every bad input is one line,
exit code != 0, and writes nothing."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from sync import assignments as assignment_reads
from sync import blobs
from sync.ids import SpaceId
from tests.cli.conftest import Room
from tests.cli.helpers import fingerprint, open_replica


def run(room: Room, who: str, *argv: str):
    return room.cli(room.homes[who], *argv)


def setup_essay(room: Room) -> str:
    created = run(
        room, "tom", "assignment", "create", room.circle, "--title", "Essay", "--brief", "Argue a case.",
        "--criterion", "clarity:4:Is it clear?", "--criterion", "evidence:3", "--reviewers", "1", "--json",
    ).json()  # fmt: skip
    room.sync()
    return created["assignment_id"]


def test_two_rounds_of_anonymous_review_then_grades(room: Room, tmp_path: Path) -> None:
    assignment = setup_essay(room)
    listed = run(room, "sue", "assignment", "list", room.circle, "--json").json()["assignments"]
    assert listed == [{"assignment_id": assignment, "title": "Essay", "phase": "submission", "round": 0}]
    sue = run(
        room, "sue", "submit", assignment[:8], "--body", "Cats are better.\nThey purr.\n", "--json"
    ).json()
    sam = run(room, "sam", "submit", assignment[:8], "--body", "Dogs are loyal.\n", "--json").json()
    assert sue["version"] == 1 and sam["version"] == 1
    room.sync()
    opened = run(room, "tom", "assignment", "open", assignment[:8], "review", "--json").json()
    assert (opened["phase"], opened["round"]) == ("review", 1)
    room.sync()
    todo = run(room, "sue", "review", "list", assignment[:8], "--json").json()["reviews"]
    assert [(r["submission_id"], r["status"]) for r in todo] == [(sam["submission_id"], "todo")]
    first = ["--score", "clarity=3", "--score", "evidence=2", "--comment", "Give an example."]
    run(room, "sue", "review", "write", sam["submission_id"][:10], *first, "--json").json()
    back = ["--score", "clarity=4", "--score", "evidence=1", "--comment", "Sources?"]
    run(room, "sam", "review", "write", sue["submission_id"][:10], *back).ok()
    assert run(room, "sue", "review", "list", assignment, "--json").json()["reviews"][0]["status"] == "done"
    room.sync()
    got = run(room, "sam", "review", "received", assignment[:8], "--json").json()["reviews"]
    assert [(r["scores"], r["comment"]) for r in got] == [({"clarity": 3, "evidence": 2}, "Give an example.")]
    assert set(got[0]) == {"review_id", "round", "version", "scores", "comment", "notes", "helpful"}
    run(room, "sam", "review", "rate", got[0]["review_id"][:10], "--helpful", "4", "--comment", "thanks").ok()

    run(room, "tom", "assignment", "open", assignment[:8], "revision").ok()
    room.sync()
    compared = run(room, "sue", "review", "compare", assignment[:8], "--json").json()["reviews"]
    mine = {"clarity": 3, "evidence": 2}
    assert compared == [{"submission_id": sam["submission_id"], "round": 1, "mine": mine, "others": []}]
    revised = run(room, "sam", "submit", assignment[:8], "--body", "Dogs are loyal.\nThey guard.\n",
                  "--note", "added a reason", "--json").json()  # fmt: skip
    assert revised["version"] == 2
    room.sync()
    assert run(room, "tom", "assignment", "open", assignment[:8], "review", "--json").json()["round"] == 2
    room.sync()
    second = run(room, "sue", "review", "list", assignment[:8], "--json").json()["reviews"]
    assert second[0]["version"] == 2 and second[0]["previous_version"] == 1
    assert second[0]["note"] == "added a reason"
    assert "+They guard." in second[0]["diff"]
    run(
        room,
        "sue",
        "review",
        "write",
        sam["submission_id"][:10],
        "--score",
        "clarity=4",
        "--score",
        "evidence=3",
    ).ok()
    run(
        room,
        "sam",
        "review",
        "write",
        sue["submission_id"][:10],
        "--score",
        "clarity=2",
        "--score",
        "evidence=1",
    ).ok()
    room.sync()
    run(room, "tom", "assignment", "open", assignment[:8], "assessment").ok()
    room.sync()
    run(
        room, "tom", "assess", sam["submission_id"][:10], "--grade", "95", "--comment", "Override: strong."
    ).ok()
    room.sync()
    exported = tmp_path / "grades.csv"
    book = run(room, "tom", "grades", assignment[:8], "--csv", str(exported), "--json").json()["grades"]
    by_name = {row["name"]: row for row in book}
    assert set(by_name) == {"Sue", "Sam"}
    assert by_name["Sam"]["grade"] == 95 and by_name["Sam"]["comment"] == "Override: strong."
    assert by_name["Sam"]["peer"] == pytest.approx(100 * (4 / 4 + 3 / 3) / 2)
    assert by_name["Sue"]["grade"] is None and by_name["Sue"]["suggested"] is not None
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert {row["name"]: row["grade"] for row in rows} == {"Sue": "", "Sam": "95"}
    own = run(room, "sam", "grades", assignment[:8], "--json").json()["grades"]
    assert [(row["name"], row["grade"]) for row in own] == [("Sam", 95)]
    assert [
        row["grade"] for row in run(room, "sue", "grades", assignment[:8], "--json").json()["grades"]
    ] == [None]
    hashes = {
        run(room, who, "circle", "state", room.circle, "--json").json()["state_hash"] for who in room.homes
    }
    assert len(hashes) == 1


@pytest.mark.parametrize(
    ("who", "argv", "message"),
    [
        ("sue", ["assignment", "open", "{a}", "review"], "Only teachers open"),
        ("tom", ["assignment", "open", "{a}", "revision"], "opens after review round 1"),
        (
            "sue",
            ["review", "write", "{sam}", "--score", "clarity=3", "--score", "evidence=1"],
            "not a review round",
        ),
        ("tom", ["assess", "{sam}", "--grade", "50"], "assessment phase"),
        ("tom", ["assess", "{sam}", "--grade", "101"], "from 0 to 100"),
        ("sue", ["submit", "{a}", "--body", "   "], "cannot be empty"),
        ("sue", ["submit", "{a}", "--file", "/nonexistent/essay.md"], "No file at /nonexistent/essay.md"),
        ("tom", ["assignment", "create", "{c}", "--title", "Lab"], "needs a rubric"),
        ("tom", ["assignment", "create", "{c}", "--title", "Lab", "--criterion", "clarity"], "has no MAX"),
        (
            "tom",
            ["assignment", "create", "{c}", "--title", "Lab", "--criterion", "c:4", "--rounds", "9"],
            "rounds",
        ),
        ("sue", ["assignment", "create", "{c}", "--title", "Lab", "--criterion", "c:4"], "role"),
        ("sue", ["assignment", "show", "ffffffff"], "No assignment"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    room: Room, who: str, argv: list[str], message: str
) -> None:
    assignment = setup_essay(room)
    sam = run(room, "sam", "submit", assignment, "--body", "Dogs.", "--json").json()["submission_id"]
    room.sync()
    before = fingerprint(room.homes[who])
    filled = [a.format(a=assignment[:8], sam=sam[:10], c=room.circle) for a in argv]
    result = run(room, who, *filled)
    assert result.code == 1 and result.out == ""
    assert message in result.err and result.err.count("\n") == 1, result.err
    assert fingerprint(room.homes[who]) == before


def test_reviews_in_round_refusals(room: Room) -> None:
    assignment = setup_essay(room)
    sue = run(room, "sue", "submit", assignment, "--body", "Cats.", "--json").json()["submission_id"]
    sam = run(room, "sam", "submit", assignment, "--body", "Dogs.", "--json").json()["submission_id"]
    room.sync()
    run(room, "tom", "assignment", "open", assignment, "review").ok()
    room.sync()
    for argv, message in (
        (
            ["review", "write", sue[:10], "--score", "clarity=3", "--score", "evidence=1"],
            "not allocated to you",
        ),
        (
            ["review", "write", sam[:10], "--score", "clarity=5", "--score", "evidence=1"],
            "from 0 to 4, not 5",
        ),
        (["review", "write", sam[:10], "--score", "style=1"], "'style' is not a criterion"),
        (["review", "write", sam[:10], "--score", "clarity=x"], "CRITERION=N"),
        (["submit", assignment, "--body", "late"], "Submissions to 'Essay' are closed"),
    ):
        before = fingerprint(room.homes["sue"])
        result = run(room, "sue", *argv)
        assert result.code == 1 and message in result.err and result.err.count("\n") == 1, (argv, result.err)
        assert fingerprint(room.homes["sue"]) == before


def test_a_removed_members_review_is_refused(room: Room) -> None:
    assignment = setup_essay(room)
    sue = run(room, "sue", "submit", assignment, "--body", "Cats.", "--json").json()["submission_id"]
    run(room, "sam", "submit", assignment, "--body", "Dogs.").ok()
    room.sync()
    run(room, "tom", "assignment", "open", assignment, "review").ok()
    room.sync()
    opener = _allocation(room.homes["ana"], room.circle, assignment)
    assert len(opener) == 2  # Sue and Sam review each other
    run(room, "ana", "circle", "remove", room.circle, "Sam").ok()
    room.sync()
    # The teacher's client took Sam's pseudonym off the round: a review from him would not count.
    assert _allocation(room.homes["ana"], room.circle, assignment) == {
        s: r for s, r in opener.items() if s != bytes.fromhex(sue)
    } | {bytes.fromhex(sue): set()}
    before = fingerprint(room.homes["sam"])
    result = run(room, "sam", "review", "write", sue[:10], "--score", "clarity=3", "--score", "evidence=1")
    assert result.code == 1 and "no longer a member" in result.err and result.err.count("\n") == 1
    assert fingerprint(room.homes["sam"]) == before


def _allocation(home: Path, circle: str, assignment: str) -> dict[bytes, set[bytes]]:
    import sqlite3

    from app.paths import database_path
    from sync.reducers.assess import allocation_at, phase_at

    db = sqlite3.connect(database_path(home))
    try:
        space, task = bytes.fromhex(circle), bytes.fromhex(assignment)
        return allocation_at(db, space, phase_at(db, space, task, None).op_id, None)
    finally:
        db.close()


def test_help_can_be_about_an_assignment(room: Room) -> None:
    assignment = setup_essay(room)
    asked = run(
        room,
        "sue",
        "help",
        "ask",
        room.circle,
        "--title",
        "Thesis?",
        "--assignment",
        assignment[:8],
        "--json",
    )
    request = asked.json()["request_id"]
    room.sync()
    assert run(room, "tom", "help", "show", request[:10], "--json").json()["link"] == assignment
    before = fingerprint(room.homes["sue"])
    wrong = run(room, "sue", "help", "ask", room.circle, "--title", "?", "--assignment", "abcdef12")
    assert wrong.code == 1 and "No assignment" in wrong.err and fingerprint(room.homes["sue"]) == before


def test_edit_title_and_due_dates_then_the_rubric_is_fixed_once_reviewing(room: Room) -> None:
    assignment = setup_essay(room)
    run(room, "tom", "assignment", "edit", assignment[:8], "--title", "Essay (final)",
        "--due", "submission=2026-12-18T17:00", "--due", "review=2026-12-22").ok()  # fmt: skip
    room.sync()
    shown = run(room, "sue", "assignment", "show", assignment[:8], "--json").json()
    assert shown["title"] == "Essay (final)" and shown["brief"] == "Argue a case."  # the brief kept
    assert [phase for phase, _ in shown["due"]] == ["review", "submission"]
    assert [c["name"] for c in shown["criteria"]] == ["clarity", "evidence"]  # the rubric kept whole

    # Bad input and a student's edit: one line, exit 1, nothing changed.
    for who, argv, message in [
        ("tom", ["--due", "review=next week"], "PHASE=YYYY-MM-DD"),
        ("tom", ["--due", "later=2026-12-18"], "A due date is for a phase"),
        ("tom", ["--title", " "], "needs a title"),
        ("sue", ["--title", "Mine now"], "Your role in this circle does not allow that."),
    ]:
        before = fingerprint(room.homes[who])
        result = run(room, who, "assignment", "edit", assignment[:8], *argv)
        assert result.code == 1 and message in result.err and result.err.count("\n") == 1, (argv, result.err)
        assert fingerprint(room.homes[who]) == before

    run(room, "sue", "submit", assignment[:8], "--body", "Cats.").ok()
    run(room, "sam", "submit", assignment[:8], "--body", "Dogs.").ok()
    room.sync()
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    before = fingerprint(room.homes["tom"])
    fixed = run(room, "tom", "assignment", "edit", assignment[:8], "--criterion", "clarity:10")
    assert fixed.code == 1 and "fixed once reviewing has started" in fixed.err
    assert fingerprint(room.homes["tom"]) == before
    run(room, "tom", "assignment", "edit", assignment[:8], "--no-due").ok()  # dates still change
    assert run(room, "tom", "assignment", "show", assignment[:8], "--json").json()["due"] == []


def version_files(home: Path, assignment: str) -> list[tuple[bytes, str, int]]:
    """The files of every version submitted to `assignment`, as `home`'s replica holds them."""
    replica = open_replica(home)
    try:
        return [
            ref
            for space in replica.spaces()
            for work in assignment_reads.submissions(replica.db, space, bytes.fromhex(assignment))
            for version in work.versions
            for ref in version.files
        ]
    finally:
        replica.store.close()


def test_a_pdf_is_attached_and_a_text_file_is_the_versions_text(room: Room, tmp_path: Path) -> None:
    """Issue 15: `submit --file` takes any file. A UTF-8 text file is the version's text;
    a PDF (or an image, a .docx) is attached, stored as a blob the circle refers to, so
    the teacher's device fetches it like a resource's file."""
    assignment = setup_essay(room)
    essay = tmp_path / "essay.md"
    essay.write_text("Cats are better.\nThey purr.\n", encoding="utf-8")
    sue = run(room, "sue", "submit", assignment[:8], "--file", str(essay), "--json").json()
    assert sue["files"] == []
    pdf = tmp_path / "essay.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40)
    sam = run(room, "sam", "submit", assignment[:8], "--file", str(pdf), "--json").json()
    assert sam["files"] == ["essay.pdf"] and sam["version"] == 1
    (held,) = version_files(room.homes["sam"], assignment)
    assert held[1:] == ("essay.pdf", pdf.stat().st_size)
    replica = open_replica(room.homes["sam"])
    try:
        assert b"".join(blobs.read(replica.db, held[0])) == pdf.read_bytes()
        assert blobs.servable(replica.db, SpaceId(bytes.fromhex(room.circle)), held[0])
    finally:
        replica.store.close()
    room.sync()
    shown = run(room, "tom", "assignment", "show", assignment[:8], "--json").json()
    assert shown["submissions"] == 2
    teacher = open_replica(room.homes["tom"])
    try:  # the teacher's device wants the PDF from the circle (app.network.blob_service)
        assert blobs.wanted(teacher.db, SpaceId(bytes.fromhex(room.circle))) == [held[0]]
        texts = {
            work.latest.text
            for work in assignment_reads.submissions(teacher.db, SpaceId(bytes.fromhex(room.circle)),
                                                     bytes.fromhex(assignment))
        }  # fmt: skip
        assert texts == {"Cats are better.\nThey purr.\n", ""}
    finally:
        teacher.store.close()
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    room.sync()
    (task,) = run(room, "sue", "review", "list", assignment[:8], "--json").json()["reviews"]
    assert task["submission_id"] == sam["submission_id"]
    assert task["files"] == [  # the op is here, the bytes not yet (they move with `serve` or `sync`)
        {"blob": held[0].hex(), "name": "essay.pdf", "size": pdf.stat().st_size, "downloaded": False}
    ]
    assert "attached: essay.pdf (10,255 bytes)" in run(room, "sue", "review", "list", assignment[:8]).out


def test_a_file_too_large_missing_or_unreadable_is_refused_in_one_line(room: Room, tmp_path: Path) -> None:
    assignment = setup_essay(room)
    huge = tmp_path / "video.mp4"
    with huge.open("wb") as file:
        file.truncate(50 * 1024 * 1024 + 1)  # the cap exceeded by one byte; sparse on disk
    folder = tmp_path / "folder"
    folder.mkdir()
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF-1.7 \xff")
    locked.chmod(0)
    before = fingerprint(room.homes["sue"])
    submit = ("submit", assignment[:8], "--file")
    run(room, "sue", *submit, str(huge)).refused(str(huge), "50.0 MiB (52,428,801 bytes)", "at most 50 MiB")
    run(room, "sue", *submit, str(tmp_path / "nowhere.pdf")).refused(f"No file at {tmp_path / 'nowhere.pdf'}")
    run(room, "sue", *submit, str(folder)).refused(str(folder), "folder")
    if os.geteuid() != 0:  # root reads it anyway
        run(room, "sue", *submit, str(locked)).refused(f"Cannot read {locked}", "permission denied")
    assert fingerprint(room.homes["sue"]) == before
    exactly = tmp_path / "exactly.bin"
    with exactly.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # at the cap: taken
    assert run(room, "sue", *submit, str(exactly), "--json").json()["files"] == ["exactly.bin"]
