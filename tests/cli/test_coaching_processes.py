"""Issue 18's done-when 3, end to end over real py-libp2p on 127.0.0.1, every command a
separate CLI process: two members find each other by tag, form a reciprocal pair (the
invitee fetches the pair from the proposer's `serve` with the sealed offer's code), run
one full cycle each way, share a reflection into the circle, and end — the circle's
teacher ends with the circle but nothing of the pair; direct messages both ways; a
survey with 6 respondents and its results.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app import identity
from app.paths import database_path
from tests.cli.helpers import run_process, serving

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0", "--timeout", "30"]


def _dump(home: Path) -> str:
    db = sqlite3.connect(database_path(home))
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def _circle(tmp_path: Path, names: tuple[str, ...]) -> tuple[dict[str, Path], str]:
    homes = {name: tmp_path / name for name in names}
    run_process(homes["tara"], "init", "--name", "Tara").ok()
    for name, home in homes.items():
        if name != "tara":
            identity.create(home, name.capitalize())  # what `init` does; one process fewer each
    circle = run_process(homes["tara"], "circle", "create", "Year 7 team", "--json").json()["circle_id"]
    return homes, circle


def sync(home: Path, address: str) -> None:
    run_process(home, "sync", "--connect", address, "--timeout", "30").ok()


def join_all(homes: dict[str, Path], circle: str) -> None:
    for name, home in homes.items():
        if name != "tara":
            code = run_process(homes["tara"], "circle", "invite", circle, "--json").json()["code"]
            joined = run_process(home, "circle", "join", code, *LOOPBACK, "--json").json()
            assert joined["status"] == "joined"


def run(home: Path, *argv: str) -> Any:
    return run_process(home, *argv, "--json").json()


@pytest.mark.slow  # `make slow`: dozens of Python start-ups; CI's 20 minutes run the in-process twin
@pytest.mark.timeout(600)  # some 45 CLI processes over libp2p on a loaded 2-core machine
def test_a_reciprocal_pair_runs_a_cycle_each_way_across_peers(tmp_path: Path) -> None:
    homes, circle = _circle(tmp_path, ("tara", "sam", "sue"))
    tara, sam, sue = homes["tara"], homes["sam"], homes["sue"]
    with serving(tara, *LOOPBACK[:3]) as tara_at:
        join_all(homes, circle)
        run(sue, "coach", "profile", circle[:10], "--can-help", "questioning", "--want", "feedback")
        sync(sue, tara_at)
        sync(sam, tara_at)
        found = run(sam, "coach", "find", circle[:10], "--tag", "questioning")["profiles"]
        assert [p["name"] for p in found] == ["Sue"]

        with serving(sam, *LOOPBACK[:3]) as sam_at:
            pair = run(sam, "coach", "propose", circle[:10], "Sue")["pair_id"]
            sync(sam, tara_at)
            sync(sue, tara_at)
            (offer,) = run(sue, "coach", "offers")["offers"]
            assert run(sue, "circle", "join", offer["code"], *LOOPBACK) == {
                "circle_id": pair,
                "status": "joined",
            }
            run(sue, "coach", "accept", pair[:10])
            sync(sue, sam_at)

            for observer, observed, name in ((sam, sue, "Sue"), (sue, sam, "Sam")):
                cycle = run(observer, "coach", "cycle", pair[:10], "--observed", name, "--title", "wait")[
                    "cycle_id"
                ]
                sync(sue, sam_at)
                goal = run(observed, "coach", "goal", cycle[:10], "--goal", "wait 3 s")["goal_id"]
                run(observed, "coach", "agree", goal[:10])
                sync(sue, sam_at)
                run(observer, "coach", "agree", goal[:10])
                seen = ["--focus", "wait time", "--evidence", "1 s, four times"]
                observation = run(observer, "coach", "observe", cycle[:10], *seen)["observation_id"]
                sync(sue, sam_at)
                run(observed, "coach", "feedback", observation[:10], "--body", "felt long")
                run(observed, "coach", "reflect", cycle[:10], "--body", "count to three")
                run(observed, "coach", "close", cycle[:10], "--met", goal[:10], "--next", "wait 5 s")
                sync(sue, sam_at)

            shown = [run(home, "coach", "show", pair[:10]) for home in (sam, sue)]
            assert shown[0] == shown[1]
            assert [(c["observed"], c["closed"], c["goals"][0]["agreed"]) for c in shown[0]["cycles"]] == [
                ("Sue", True, True),
                ("Sam", True, True),
            ]
            # Sue shares her reflection with the circle: her own act, as a thread.
            run(sue, "thread", "new", circle[:10], "--title", "My reflection", "--body", "count to three")
            run(sue, "coach", "end", pair[:10], "--text", "thanks")
            sync(sue, sam_at)
            assert run(sam, "coach", "pairs")["pairs"][0]["ended"] is True
        sync(sue, tara_at)
        teacher = _dump(tara)
        assert "1 s, four times" not in teacher and "count to three" in teacher  # only what Sue shared


@pytest.mark.slow  # `make slow`: dozens of Python start-ups; CI's 20 minutes run the in-process twin
@pytest.mark.timeout(900)  # anonymous survey: 6 join, the owner admits, 6 answer (~60 processes)
def test_direct_messages_and_a_survey_with_six_respondents_across_peers(tmp_path: Path) -> None:
    homes, circle = _circle(tmp_path, ("tara", "sam", "sue", "ann", "bo", "cy"))
    tara, sam, sue = homes["tara"], homes["sam"], homes["sue"]
    with serving(tara, *LOOPBACK[:3]) as tara_at:
        join_all(homes, circle)
        with serving(sue, *LOOPBACK[:3]) as sue_at:
            conversation = run(sue, "message", "start", circle[:10], "Sam", "--text", "Coffee?")[
                "conversation_id"
            ]
            sync(sue, tara_at)
            sync(sam, tara_at)
            (offer,) = run(sam, "coach", "offers")["offers"]
            assert run(sam, "circle", "join", offer["code"], *LOOPBACK)["status"] == "joined"
            run(sam, "message", "send", conversation[:10], "Yes, 4 pm")
            sync(sam, sue_at)
        for home in (sue, sam):
            messages = run(home, "message", "read", conversation[:10])["messages"]
            assert [(m["author_name"], m["text"]) for m in messages] == [
                ("Sue", "Coffee?"),
                ("Sam", "Yes, 4 pm"),
            ]

        scale = ["--scale", "How confident with blogs?|1|5"]
        survey = run(tara, "survey", "open", circle[:10], "--title", "Start of unit", "--anonymous", *scale)[
            "survey_id"
        ]
        # Anonymous: each joins (their key blinded), Tara's device admits (signing what it cannot
        # read), each answers with its unblinded token.
        for name, home in homes.items():
            if name != "tara":
                sync(home, tara_at)
            run(home, "survey", "join", survey[:10])
            if name != "tara":
                sync(home, tara_at)
        assert run(tara, "survey", "admit", survey[:10])["admitted"] == 6
        for value, (name, home) in enumerate(homes.items()):
            if name != "tara":
                sync(home, tara_at)
            run(home, "survey", "answer", survey[:10], "--answer", str(1 + value % 5))
            if name != "tara":
                sync(home, tara_at)
        results = run(tara, "survey", "results", survey[:10])
        assert results["respondents"] == 6 and results["questions"][0]["counts"] == [2, 1, 1, 1, 1]
        assert results["respondent_names"] == [] and results["admitted"] == 6 and not results["excess"]
        sync(sue, tara_at)
        assert run(sue, "survey", "results", survey[:10])["respondents"] == 6
        assert "Yes, 4 pm" not in _dump(tara)
