"""A submitted version's files through the CLI (`submission files`), in-process on real
data directories: the author, the reviewer allocated to the work and the teacher list and
save the PDF (the bytes saved are the bytes submitted); a file not here yet says so and
writes nothing; a student not allocated, or no longer reviewing, is refused; a stored
name like "../../x" is saved inside the folder; bad input is one line, exit code != 0,
and writes nothing."""

from __future__ import annotations

import time
from pathlib import Path

from sync import blobs, writer
from tests.cli.conftest import Room, now_ms
from tests.cli.helpers import fingerprint, join_in_process, open_replica, sync_in_process
from tests.cli.test_assignment_commands import setup_essay
from tests.cli.test_resource_commands import copy_blob

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40
NOT_YOURS = "Only its author, the reviewers allocated to it and teachers see a submission's files."


def run(room: Room, who: str, *argv: str):
    return room.cli(room.homes[who], *argv)


def submitted(room: Room, tmp_path: Path) -> tuple[str, dict, dict]:
    """The essay set; Sue hands in text, Sam a PDF; all in sync (ops only, not the bytes)."""
    assignment = setup_essay(room)
    pdf = tmp_path / "essay.pdf"
    pdf.write_bytes(PDF)
    sue = run(room, "sue", "submit", assignment[:8], "--body", "Cats are better.\n", "--json").json()
    sam = run(room, "sam", "submit", assignment[:8], "--file", str(pdf), "--json").json()
    room.sync()
    return assignment, sue, sam


def test_the_author_the_reviewer_and_the_teacher_save_the_pdf(room: Room, tmp_path: Path) -> None:
    assignment, _, sam = submitted(room, tmp_path)
    work, blob = sam["submission_id"], blobs.blob_id(PDF)
    mine = run(room, "sam", "submission", "files", work[:10], "--json").json()
    file = {"blob": blob.hex(), "name": "essay.pdf", "size": len(PDF), "downloaded": True}
    assert mine == {"submission_id": work, "version": 1, "versions": 1, "files": [file]}
    out = tmp_path / "sam-out"
    saved = run(room, "sam", "submission", "files", work[:10], "--save", str(out), "--json").json()["saved"]
    assert [Path(f["path"]) for f in saved] == [out / "essay.pdf"]
    assert (out / "essay.pdf").read_bytes() == PDF

    # The teacher's device has the op, not yet the bytes: listed as not here, not written.
    listed = run(room, "tom", "submission", "files", work[:10]).ok().out
    assert "essay.pdf  10,255 bytes  (not downloaded yet)" in listed
    tom_out = tmp_path / "tom-out"
    before = fingerprint(room.homes["tom"])
    line = run(room, "tom", "submission", "files", work[:10], "--save", str(tom_out)).refused(
        "essay.pdf", "not downloaded yet — run `serve` or `sync` with a peer that has it"
    )
    assert "\n" not in line and not tom_out.exists() and fingerprint(room.homes["tom"]) == before
    circle = bytes.fromhex(room.circle)
    copy_blob(room.homes["sam"], room.homes["tom"], circle, blob)  # what the blob service does
    run(room, "tom", "submission", "files", work[:10], "--save", str(tom_out)).ok()
    assert (tom_out / "essay.pdf").read_bytes() == PDF

    # Sue reviews Sam's work in the review round: she sees its files, and nobody's name.
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    room.sync()
    copy_blob(room.homes["sam"], room.homes["sue"], circle, blob)
    hers = run(room, "sue", "submission", "files", work[:10], "--json")
    assert hers.json()["files"] == [file] and "Sam" not in hers.out
    sue_out = tmp_path / "sue-out"
    run(room, "sue", "submission", "files", work, "--save", str(sue_out)).ok()
    assert (sue_out / "essay.pdf").read_bytes() == PDF
    text = run(room, "sue", "submission", "files", work).ok().out
    assert text == f"{work[:12]}  version 1 of 1\n    essay.pdf  10,255 bytes\n"


def test_a_student_not_allocated_or_no_longer_reviewing_is_refused(room: Room, tmp_path: Path) -> None:
    code = run(room, "ana", "circle", "invite", room.circle, "--role", "member", "--json").json()["code"]
    room.homes["kim"] = tmp_path / "kim"
    run(room, "kim", "init", "--name", "Kim").ok()
    join_in_process(room.homes["ana"], room.homes["kim"], code, now_ms=now_ms())
    assignment, _, sam = submitted(room, tmp_path)
    circle = bytes.fromhex(room.circle)
    work, blob = sam["submission_id"], blobs.blob_id(PDF)
    for who in ("sue", "kim"):
        copy_blob(room.homes["sam"], room.homes[who], circle, blob)  # the bytes are here: still refused
    out = tmp_path / "out"
    # Before any review round, another student does not read Sam's work.
    run(room, "sue", "submission", "files", work[:10], "--save", str(out)).refused(NOT_YOURS)
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    room.sync()
    sync_in_process(room.homes["ana"], room.homes["kim"], circle)
    # Kim submitted nothing and reviews nothing: refused, whatever the version asked.
    before = fingerprint(room.homes["kim"])
    for extra in ((), ("--version", "1"), ("--version", "7")):
        run(room, "kim", "submission", "files", work[:10], *extra).refused(NOT_YOURS)
        run(room, "kim", "submission", "files", work[:10], *extra, "--save", str(out)).refused(NOT_YOURS)
    assert fingerprint(room.homes["kim"]) == before and not out.exists()
    # Sue reviews it in round 1; once the round has ended, no longer.
    assert run(room, "sue", "submission", "files", work[:10], "--json").json()["version"] == 1
    run(room, "tom", "assignment", "open", assignment[:8], "revision").ok()
    room.sync()
    run(room, "sue", "submission", "files", work[:10], "--save", str(out)).refused(NOT_YOURS)
    assert not out.exists()
    # Sam, the author, and the teachers still do.
    assert run(room, "sam", "submission", "files", work[:10], "--json").json()["version"] == 1
    assert run(room, "ana", "submission", "files", work[:10], "--json").json()["version"] == 1


def test_a_stored_name_with_path_separators_is_saved_inside_the_folder(room: Room, tmp_path: Path) -> None:
    assignment, _, sam = submitted(room, tmp_path)
    replica = open_replica(room.homes["sam"])  # a forged name: `submit` itself only takes a file's name
    try:
        space = bytes.fromhex(room.circle)
        blob = blobs.put(replica.store, b"#!/bin/sh\nrm -rf ~\n", space=space)  # type: ignore[arg-type]
        other = blobs.put(replica.store, b"MZ\x90\x00", space=space)  # type: ignore[arg-type]
        fields = {
            "assignment": bytes.fromhex(assignment),
            "text": "",
            "note": "",
            "files": [[blob, "../../x", 19], [other, "..\\..\\evil.exe", 4]],
        }
        writer.write(replica, space, "assign.submit", fields, now_ms=time.time_ns() // 10**6)  # type: ignore[arg-type]
    finally:
        replica.store.close()
    out = tmp_path / "deep" / "out"
    got = run(room, "sam", "submission", "files", sam["submission_id"], "--save", str(out), "--json").json()
    assert got["version"] == 1  # replaced while submitting is open
    assert [Path(f["path"]) for f in got["saved"]] == [out / "x", out / "evil.exe"]
    assert (out / "x").read_bytes() == b"#!/bin/sh\nrm -rf ~\n"
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("x")] == [Path("deep/out/x")]
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("evil.exe")] == [Path("deep/out/evil.exe")]
    listed = run(room, "sam", "submission", "files", sam["submission_id"], "--json").json()
    assert [f["name"] for f in listed["files"]] == ["../../x", "..\\..\\evil.exe"]  # shown as stored


def test_bad_input_is_one_line_and_writes_nothing(room: Room, tmp_path: Path) -> None:
    _, sue, sam = submitted(room, tmp_path)
    work = sam["submission_id"]
    home = room.homes["sam"]
    before = fingerprint(home)
    a_file = tmp_path / "a-file"
    a_file.write_text("here", encoding="utf-8")
    cases = [
        (("ffff",), "submission"),
        ((work, "--version", "2"), "only version 1; there is no version 2"),
        ((work, "--version", "0"), "numbered from 1"),
        ((work, "--save", str(a_file)), "is a file, not a folder; nothing was saved"),
        ((work, "--save", str(a_file / "inside")), "Cannot make the folder"),
        ((work, "--save", "/proc/studycircle-out"), "Cannot make the folder"),
    ]
    for argv, fragment in cases:
        run(room, "sam", "submission", "files", *argv).refused(fragment)
    assert fingerprint(home) == before
    teacher = fingerprint(room.homes["tom"])
    run(room, "tom", "submission", "files", sue["submission_id"], "--save", str(tmp_path / "none")).refused(
        "Version 1 of this submission has no files"
    )
    assert fingerprint(room.homes["tom"]) == teacher
    assert a_file.read_text(encoding="utf-8") == "here" and not (tmp_path / "none").exists()
    assert not Path("/proc/studycircle-out").exists()


def test_a_reviewer_reads_only_the_version_allocated_to_them(room: Room, tmp_path: Path) -> None:
    """Round 2 allocates Sam's version 2 to Sue: she reads that one (the default), not
    version 1 any more; Sam and the teacher read both, and version 3 does not exist."""
    assignment, _, sam = submitted(room, tmp_path)
    work = sam["submission_id"]
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    room.sync()
    run(room, "tom", "assignment", "open", assignment[:8], "revision").ok()
    room.sync()
    image = tmp_path / "graph.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    assert run(room, "sam", "submit", assignment[:8], "--file", str(image), "--json").json()["version"] == 2
    room.sync()
    run(room, "tom", "assignment", "open", assignment[:8], "review").ok()
    room.sync()
    hers = run(room, "sue", "submission", "files", work[:10], "--json").json()
    assert (hers["version"], [f["name"] for f in hers["files"]]) == (2, ["graph.png"])
    assert run(room, "sue", "submission", "files", work[:10], "--version", "2", "--json").json() == hers
    run(room, "sue", "submission", "files", work[:10], "--version", "1").refused(
        "You review version 2 of this submission; its other versions are not yours to read."
    )
    for who in ("sam", "tom"):
        older = run(room, who, "submission", "files", work[:10], "--version", "1", "--json").json()
        assert [f["name"] for f in older["files"]] == ["essay.pdf"] and older["versions"] == 2
        run(room, who, "submission", "files", work[:10], "--version", "3").refused(
            "versions 1 to 2; there is no version 3"
        )
