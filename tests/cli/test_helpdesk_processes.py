"""Done-when of the domain issue, end to end: four peers as separate CLI processes over
real py-libp2p on 127.0.0.1.

A teacher creates a circle and serves it; a mentor and two students join by invite
codes. A student asks for help; the mentor claims and answers; the student escalates;
the teacher answers — from the CLI while `serve` runs on the same data directory; the
student resolves, accepting the teacher's answer. A student's attempts to hide a post or
remove a member fail with a clear message and change nothing. All four end on one state
hash.
"""

from __future__ import annotations

from pathlib import Path

from app import identity
from tests.cli.helpers import fingerprint, run_process, serving

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0", "--timeout", "30"]


def test_a_help_request_from_question_to_resolution_across_four_peers(tmp_path: Path) -> None:
    tara, mo, sam, sue = (tmp_path / name for name in ("tara", "mo", "sam", "sue"))
    run_process(tara, "init", "--name", "Tara").ok()
    for home, name in ((mo, "Mo"), (sam, "Sam"), (sue, "Sue")):
        identity.create(home, name)  # what `init` does; one process fewer each
    circle = run_process(tara, "circle", "create", "Algebra 1", "--json").json()["circle_id"]
    with serving(tara, *LOOPBACK[:3]) as address:

        def sync(*homes: Path) -> None:
            for home in homes:
                run_process(home, "sync", "--connect", address, "--timeout", "30").ok()

        def invite(*options: str) -> str:
            return run_process(tara, "circle", "invite", circle, *options, "--json").json()["code"]

        for home, options in ((mo, ["--role", "mentor"]), (sam, []), (sue, [])):
            joined = run_process(home, "circle", "join", invite(*options), *LOOPBACK, "--json")
            assert joined.json() == {"circle_id": circle, "status": "joined"}

        ask = [
            "help",
            "ask",
            circle[:10],
            "--title",
            "Why two roots?",
            "--body",
            "x² = 4",
            "--tag",
            "quadratics",
        ]
        request = run_process(sam, *ask, "--json").json()["request_id"]
        sync(sam, mo)
        run_process(mo, "help", "claim", request[:10]).ok()
        mentor_answer = run_process(
            mo, "help", "answer", request[:10], "--body", "Try both signs.", "--json"
        ).json()["answer_id"]
        sync(mo, sam)
        assert run_process(sam, "help", "show", request, "--json").json()["status"] == "claimed"
        run_process(sam, "help", "escalate", request[:10]).ok()
        sync(sam)

        # The teacher answers from the CLI while `serve` runs on the same data directory.
        shown = run_process(tara, "help", "show", request[:10], "--json").json()
        assert shown["status"] == "escalated" and shown["claimed_by"] == ["Mo"]
        teacher_answer = run_process(
            tara, "help", "answer", request[:10], "--body", "√4 is ±2: see p. 12.", "--json"
        ).json()["answer_id"]
        sync(sam)
        run_process(sam, "help", "resolve", request[:10], "--accept", teacher_answer[:10]).ok()

        # A student may neither hide a post nor remove a member: clear words, nothing written.
        before = fingerprint(sam)
        run_process(sam, "mod", "hide", mentor_answer[:10]).refused("Only teachers can hide posts")
        run_process(sam, "circle", "remove", circle[:10], "Sue").refused("may not remove")
        assert fingerprint(sam) == before

        sync(sam, mo, sue, sam, mo, sue)
        detail = run_process(sue, "help", "show", request[:10], "--json").json()
        assert detail["status"] == "resolved"
        assert detail["accepted_answer"] == teacher_answer
        assert [a["author_name"] for a in detail["answers"]] == ["Mo", "Tara"]
        hashes = {
            run_process(home, "circle", "state", circle, "--json").json()["state_hash"]
            for home in (tara, mo, sam, sue)
        }
        assert len(hashes) == 1
