"""Peer coaching, surveys and direct messages through the CLI, in-process on real data
directories (issue 18): Sam finds Sue by tag and proposes a reciprocal pair; Sue opens
the sealed offer, joins (what `circle join CODE` does, done in-process) and accepts; they
run one full cycle each way, reflect and close; the circle's teacher holds nothing of
the pair. An anonymous survey with every member answering; direct messages both ways.
Every refusal is one line, exit code != 0, and changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import trio

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.paths import database_path
from app.services.commands import Commands
from tests.cli.conftest import Room, now_ms
from tests.cli.helpers import Result, fingerprint, join_in_process, sync_in_process


def run(room: Room, who: str, *argv: str) -> Result:
    return room.cli(room.homes[who], *argv)


def pair_sync(room: Room, space: str) -> None:
    sync_in_process(room.homes["sam"], room.homes["sue"], bytes.fromhex(space))


def join_offer(room: Room, who: str, inviter: str) -> str:
    """`who` reads their offer (its code) and joins the offered space from `inviter`."""
    (offer,) = run(room, who, "coach", "offers", room.circle, "--json").json()["offers"]
    join_in_process(room.homes[inviter], room.homes[who], offer["code"], now_ms=now_ms())
    return offer["code"]


def dump(home: Path) -> str:
    db = sqlite3.connect(database_path(home))
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def refused_unchanged(room: Room, who: str, *argv: str, says: str = "") -> str:
    before = fingerprint(room.homes[who])
    line = run(room, who, *argv).refused(says)
    assert fingerprint(room.homes[who]) == before
    return line


def test_two_members_pair_up_and_run_a_cycle_each_way(room: Room) -> None:
    run(room, "sue", "coach", "profile", room.circle, "--can-help", "questioning", "--want", "feedback",
        "--want-text", "I want better feedback on group work").ok()  # fmt: skip
    run(room, "sam", "coach", "profile", room.circle, "--can-help", "feedback", "--want", "questioning").ok()
    room.sync()
    found = run(room, "sam", "coach", "find", room.circle, "--tag", "questioning", "--json").json()[
        "profiles"
    ]
    assert [p["name"] for p in found] == ["Sam", "Sue"]  # Sam wants it, Sue can help with it
    refused_unchanged(room, "sam", "coach", "propose", room.circle, "Sue", "--coach-me",
                      says="what you would like to be coached on")  # fmt: skip
    pair = run(
        room, "sam", "coach", "propose", room.circle, "Sue", "--topic", "questioning", "--coach-me", "--json"
    ).json()["pair_id"]
    room.sync()
    # Only Sue can open the offer; Tom (a teacher) sees none.
    assert run(room, "tom", "coach", "offers", "--json").json()["offers"] == []
    join_offer(room, "sue", "sam")
    # Before accepting, Sue reads what she is asked: Sam wants to be coached on questioning.
    (asked,) = run(room, "sue", "coach", "pairs", "--json").json()["pairs"]
    assert (asked["mode"], asked["topic"], asked["formed"]) == ("coach-me", "questioning", False)
    assert "Sam asked to be coached on “questioning”" in run(room, "sue", "coach", "pairs").out
    refused_unchanged(room, "sam", "coach", "accept", pair, says="You proposed this pair")
    run(room, "sue", "coach", "accept", pair).ok()
    pair_sync(room, pair)
    (summary,) = run(room, "sam", "coach", "pairs", "--json").json()["pairs"]
    assert summary["formed"] and sorted(summary["people"]) == ["Sam", "Sue"]

    for observer, observed in (("sam", "sue"), ("sue", "sam")):
        cycle = run(room, observer, "coach", "cycle", pair[:10], "--observed", observed.capitalize(),
                    "--title", "wait time", "--json").json()["cycle_id"]  # fmt: skip
        pair_sync(room, pair)
        goal = run(room, observed, "coach", "goal", cycle[:10], "--goal", "wait 3 s after a question",
                   "--success", "more hands up", "--json").json()["goal_id"]  # fmt: skip
        pair_sync(room, pair)
        run(room, "sam", "coach", "agree", goal[:10]).ok()
        run(room, "sue", "coach", "agree", goal[:10]).ok()
        refused_unchanged(room, observed, "coach", "observe", cycle[:10], "--focus", "f", "--evidence", "e",
                          says="observer records what they saw")  # fmt: skip
        obs = run(room, observer, "coach", "observe", cycle[:10], "--focus", "wait time",
                  "--evidence", "waited about 1 s, 4 times", "--questions", "what made you move on?",
                  "--json").json()["observation_id"]  # fmt: skip
        pair_sync(room, pair)
        run(room, observed, "coach", "feedback", obs[:10], "--body", "I felt the silence was long").ok()
        run(room, observed, "coach", "reflect", cycle[:10], "--body", "I will count to three").ok()
        run(room, observed, "coach", "close", cycle[:10], "--met", goal[:10], "--next", "wait 5 s").ok()
        pair_sync(room, pair)
        refused_unchanged(
            room, observer, "coach", "goal", cycle[:10], "--goal", "late", says="cycle is closed"
        )

    cycles = run(room, "sue", "coach", "show", pair[:10], "--json").json()["cycles"]
    assert [(c["observed"], c["closed"], c["next"]) for c in cycles] == [
        ("Sue", True, ["wait 5 s"]),
        ("Sam", True, ["wait 5 s"]),
    ]
    assert all(c["goals"][0]["agreed"] and c["met"] == [c["goals"][0]["id"]] for c in cycles)
    assert [len(c["observations"][0]["feedback"]) for c in cycles] == [1, 1]
    assert run(room, "sam", "coach", "show", pair, "--json").json() == run(room, "sue", "coach", "show", pair,
                                                                           "--json").json()  # fmt: skip
    # The circle's teacher is not in the pair: no pair to name, nothing of it in the database.
    refused_unchanged(room, "tom", "coach", "show", pair[:10], says="pair")
    room.sync()
    assert "wait 3 s after a question" not in dump(room.homes["tom"])
    assert "wait 3 s after a question" not in dump(room.homes["ana"])
    run(room, "sue", "coach", "end", pair[:10], "--text", "thank you").ok()
    pair_sync(room, pair)
    assert run(room, "sam", "coach", "pairs", "--json").json()["pairs"][0]["ended"] is True
    refused_unchanged(room, "sam", "coach", "cycle", pair[:10], "--observed", "Sue", "--title", "more")


def test_only_teachers_suggest_and_bad_input_is_one_line(room: Room) -> None:
    refused_unchanged(room, "sue", "coach", "suggest", room.circle, "Sue", "Sam", says="Only teachers")
    run(room, "tom", "coach", "suggest", room.circle, "Sue", "Sam", "--text", "you both teach year 7").ok()
    refused_unchanged(room, "sue", "coach", "propose", room.circle, "Sue", says="yourself")
    refused_unchanged(room, "sue", "coach", "propose", room.circle, "Nobody", says="member")


def test_an_anonymous_survey_counts_everyone_once(room: Room) -> None:
    survey = run(room, "tom", "survey", "open", room.circle, "--title", "Start of term", "--anonymous",
                 "--choice", "Is peer feedback useful?|yes|no|not sure", "--scale", "How confident?|1|5",
                 "--text", "Why?", "--json").json()["survey_id"]  # fmt: skip
    refused_unchanged(room, "tom", "survey", "open", room.circle, "--title", "x", "--text", "y",
                      says="--anonymous or --named")  # fmt: skip
    room.sync()
    answers = {"ana": ("yes", "4", "it helps"), "sue": ("no", "2", ""), "sam": ("yes", "5", "clear"),
               "tom": ("3", "3", "")}  # fmt: skip
    refused_unchanged(room, "ana", "survey", "answer", survey[:10], "--answer", "yes", "--answer", "4",
                      "--answer", "", says="first 'survey join'")  # fmt: skip
    for who in answers:
        run(room, who, "survey", "join", survey[:10]).ok()
    refused_unchanged(room, "ana", "survey", "join", survey[:10], says="already joined")
    refused_unchanged(room, "ana", "survey", "answer", survey[:10], "--answer", "yes", "--answer", "4",
                      "--answer", "", says="not admitted yet")  # fmt: skip
    room.sync()
    refused_unchanged(room, "sue", "survey", "admit", survey[:10], says="Only the device that opened")
    assert run(room, "tom", "survey", "admit", survey[:10], "--json").json()["admitted"] == 4
    refused_unchanged(room, "tom", "survey", "admit", survey[:10], says="Nothing to admit")
    room.sync()
    run(room, "sue", "survey", "answer", survey[:10], "--answer", "yes", "--answer", "1", "--answer",
        "first thoughts").ok()  # fmt: skip
    for who, (choice, scale, text) in answers.items():  # sue's second answer replaces her first
        answered = run(room, who, "survey", "answer", survey[:10], "--answer", choice, "--answer", scale,
                       "--answer", text, "--json").json()  # fmt: skip
        assert answered["anonymous"] is True
    refused_unchanged(room, "sue", "survey", "answer", survey[:10], "--answer", "maybe", "--answer", "1",
                      "--answer", "", says="Answer 1 must be one of")  # fmt: skip
    room.sync()
    refused_unchanged(room, "sue", "survey", "close", survey[:10], says="author or a teacher")
    run(room, "tom", "survey", "close", survey[:10]).ok()
    room.sync()
    results = run(room, "sue", "survey", "results", survey[:10], "--json").json()
    assert results["respondents"] == 4 and results["closed"] and results["respondent_names"] == []
    assert [q["counts"] for q in results["questions"][:2]] == [[2, 1, 1], [0, 1, 1, 1, 1]]
    assert results["questions"][2]["texts"] == ["clear", "it helps"]
    assert run(room, "ana", "survey", "list", room.circle, "--json").json()["surveys"][0]["respondents"] == 4
    refused_unchanged(room, "sam", "survey", "answer", survey[:10], "--answer", "no", "--answer", "1",
                      "--answer", "", says="closed")  # fmt: skip


def test_a_removed_members_anonymous_answer_stops_counting(room: Room) -> None:
    survey = run(room, "tom", "survey", "open", room.circle, "--title", "Pulse", "--anonymous",
                 "--scale", "How is it going?|1|5", "--json").json()["survey_id"]  # fmt: skip
    room.sync()
    for who in ("sue", "sam"):
        run(room, who, "survey", "join", survey[:10]).ok()
    room.sync()
    run(room, "tom", "survey", "admit", survey[:10]).ok()
    room.sync()
    for who, value in (("sue", "4"), ("sam", "1")):
        run(room, who, "survey", "answer", survey[:10], "--answer", value).ok()
    room.sync()
    assert run(room, "sue", "survey", "results", survey[:10], "--json").json()["respondents"] == 2
    refused_unchanged(room, "sue", "survey", "rekey", survey[:10], says="Only the device that opened")
    run(room, "tom", "circle", "remove", room.circle, "Sam").ok()  # the owner's client renews the key
    room.sync()
    for who in ("tom", "sue"):
        results = run(room, who, "survey", "results", survey[:10], "--json").json()
        assert (results["respondents"], results["admitted"]) == (0, 0)
    # Sue's standing is back to "not joined": she joins again, is admitted, answers again.
    refused_unchanged(room, "sue", "survey", "answer", survey[:10], "--answer", "4",
                      says="first 'survey join'")  # fmt: skip
    run(room, "sue", "survey", "join", survey[:10]).ok()
    room.sync()
    assert run(room, "tom", "survey", "admit", survey[:10], "--json").json()["admitted"] == 1
    room.sync()
    run(room, "sue", "survey", "answer", survey[:10], "--answer", "4").ok()
    room.sync()
    for who in ("tom", "sue"):
        results = run(room, who, "survey", "results", survey[:10], "--json").json()
        assert results["respondents"] == 1 and results["questions"][0]["counts"] == [0, 0, 0, 1, 0]
        assert results["excess"] is False


def test_direct_messages_both_ways(room: Room) -> None:
    started = run(room, "sue", "message", "start", room.circle, "Sam", "--text", "Coffee after class?",
                  "--json").json()  # fmt: skip
    conversation = started["conversation_id"]
    room.sync()
    join_offer(room, "sam", "sue")
    (listed,) = run(room, "sam", "message", "list", "--json").json()["conversations"]
    assert listed["conversation_id"] == conversation
    run(room, "sam", "message", "send", conversation[:10], "Yes, 4 pm").ok()
    sync_in_process(room.homes["sue"], room.homes["sam"], bytes.fromhex(conversation))
    for who in ("sue", "sam"):
        shown = run(room, who, "message", "read", conversation[:10], "--json").json()["messages"]
        assert [(m["author_name"], m["text"]) for m in shown] == [
            ("Sue", "Coffee after class?"),
            ("Sam", "Yes, 4 pm"),
        ]
    refused_unchanged(room, "tom", "message", "read", conversation[:10], says="conversation")
    refused_unchanged(room, "sam", "message", "send", conversation[:10], " ", says="empty")


def test_pairs_and_conversations_are_not_listed_as_circles(room: Room) -> None:
    """Issue 18: a pair and a conversation are two-member spaces, but `circle list` (and
    the service the desktop's sidebar reads) shows circles only; `coach pairs` and
    `message list` show the others, and `circle members PAIR` does not take one."""
    pair = run(room, "sam", "coach", "propose", room.circle, "Sue", "--topic", "questioning",
               "--json").json()["pair_id"]  # fmt: skip
    conversation = run(room, "sue", "message", "start", room.circle, "Sam", "--json").json()[
        "conversation_id"
    ]
    room.sync()
    join_offer(room, "sue", "sam")
    join_offer(room, "sam", "sue")
    run(room, "sue", "coach", "accept", pair[:10]).ok()
    for who in ("sam", "sue"):
        assert [p["pair_id"] for p in run(room, who, "coach", "pairs", "--json").json()["pairs"]] == [pair]
        listed = run(room, who, "message", "list", "--json").json()["conversations"]
        assert [c["conversation_id"] for c in listed] == [conversation]
        for flags in ((), ("--all",)):
            circles = run(room, who, "circle", "list", *flags, "--json").json()["circles"]
            assert [c["circle_id"] for c in circles] == [room.circle]
        refused_unchanged(room, who, "circle", "members", pair[:10], says="circle")
    me = identity.load(room.homes["sam"])
    database = Database(database_path(room.homes["sam"]), me.key, verify_workers=0)
    try:
        commands = Commands(database=database, identity=me, clock=SystemClock())
        assert [bytes(space).hex() for space, _ in trio.run(commands.circles)] == [room.circle]
        rows = trio.run(lambda: commands.circle_rows(everything=True))
        assert [row.circle_id for row in rows] == [room.circle]
    finally:
        database.close()
