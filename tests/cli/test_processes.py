"""The CLI as separate processes, peers talking real py-libp2p over 127.0.0.1.

An owner serves; a teacher and a student join with invite codes; the student's
attempts to remove the teacher or change roles fail and change nothing; the teacher
appoints the student mentor; after one-shot `sync`s everyone holds the same state.
Bad input to a real process is one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from app import identity
from tests.cli.helpers import DEADLINE, fingerprint, run_process, serving, studycircle

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0", "--timeout", "30"]


def test_a_circle_over_loopback_with_roles(tmp_path: Path) -> None:
    ana, tom, sue = (tmp_path / name for name in ("ana", "tom", "sue"))
    run_process(ana, "init", "--name", "Ana").ok()
    for home, name in ((tom, "Tom"), (sue, "Sue")):
        identity.create(home, name)  # what `init` does; one process fewer each
    circle = run_process(ana, "circle", "create", "Physics", "--json").json()["circle_id"]
    with serving(ana, *LOOPBACK[:3]) as address:
        teacher = run_process(ana, "circle", "invite", circle, "--role", "teacher", "--json").json()["code"]
        student = run_process(ana, "circle", "invite", circle, "--uses", "1", "--json").json()["code"]
        assert run_process(tom, "circle", "join", teacher, *LOOPBACK, "--json").json() == {
            "circle_id": circle,
            "status": "joined",
        }
        assert run_process(sue, "circle", "join", student, *LOOPBACK, "--json").json() == {
            "circle_id": circle,
            "status": "joined",
        }

        before = fingerprint(sue)
        run_process(sue, "circle", "remove", circle[:8], "Tom").refused(
            "Your role here (member) may not remove"
        )
        run_process(sue, "circle", "role", circle[:8], "Tom", "member").refused("may not change the role")
        assert fingerprint(sue) == before

        run_process(tom, "sync", "--connect", address).ok()  # Tom learns of Sue, Ana of nothing new
        run_process(tom, "circle", "role", circle[:8], "Sue", "mentor").ok()
        run_process(tom, "sync", "--connect", address).ok()
        run_process(sue, "sync", "--connect", address).ok()
        members = run_process(ana, "circle", "members", circle, "--json").json()["members"]
        assert {row["name"]: row["role"] for row in members} == {
            "Ana": "owner",
            "Tom": "teacher",
            "Sue": "mentor",
        }
        hashes = {
            run_process(home, "circle", "state", circle, "--json").json()["state_hash"]
            for home in (ana, tom, sue)
        }
        assert len(hashes) == 1


def test_bad_input_to_a_real_process_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    home = tmp_path / "joe"
    run_process(home, "init", "--name", "Joe").ok()
    run_process(home, "circle", "list").ok()
    not_an_export = tmp_path / "essay.txt"
    not_an_export.write_text("An essay, not an export.")
    before = fingerprint(home)
    run_process(home, "circle", "join", "sc1.garbage", *LOOPBACK).refused("This invite code is not valid")
    run_process(home, "circle", "import", str(not_an_export)).refused("not a StudyCircle export file")
    run_process(home, "circle", "members", "abc").refused("No circle with id 'abc'")
    assert run_process(home, "circle", "create", "").refused("A circle needs a name.")
    assert fingerprint(home) == before


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`studycircle circle list | head -0`: the reader has gone before the first line.
    The command stops with exit 1 and writes nothing on stderr — no traceback, and no
    "Exception ignored" from the interpreter's last flush."""
    home = tmp_path / "joe"
    run_process(home, "init", "--name", "Joe").ok()
    run_process(home, "circle", "create", "Pipes").ok()
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*studycircle(), "--home", str(home), "circle", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=DEADLINE,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
