"""The help desk, discussion and moderation through the CLI, in-process on real data
directories (the network flow is in test_helpdesk_processes.py): who may do what,
what each person sees, and refusals that are one line, exit code != 0 and write nothing.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import Room
from tests.cli.helpers import fingerprint


def ask(room: Room, who: str, title: str = "Why two roots?") -> str:
    result = room.cli(
        room.homes[who], "help", "ask", room.circle, "--title", title, "--body", "x² = 4", "--json"
    )
    return result.json()["request_id"]


def run(room: Room, who: str, *argv: str):
    return room.cli(room.homes[who], *argv)


def test_a_request_moves_through_its_statuses_as_everyone_sees(room: Room) -> None:
    request = ask(room, "sue")
    room.sync()
    assert (
        run(room, "sam", "help", "list", room.circle, "--status", "open", "--json").json()["requests"][0][
            "id"
        ]
        == request
    )
    run(room, "sam", "help", "claim", request[:8]).ok()
    answer = run(room, "sam", "help", "answer", request[:8], "--body", "Both signs.", "--json").json()[
        "answer_id"
    ]
    room.sync()
    run(room, "sue", "help", "progress", request[:8], "--body", "Tried, still stuck.").ok()
    run(room, "sue", "help", "escalate", request[:8]).ok()
    run(room, "sue", "help", "resolve", request[:8], "--accept", answer[:8]).ok()
    run(room, "sue", "thank", answer[:8]).ok()
    room.sync()
    shown = run(room, "tom", "help", "show", request[:8], "--json").json()
    assert shown["status"] == "resolved"
    assert shown["claimed_by"] == ["Sam"] and shown["escalated"] is True
    assert [(a["author_name"], a["accepted"], a["thanks"]) for a in shown["answers"]] == [("Sam", True, 1)]
    assert [p["text"] for p in shown["progress"]] == ["Tried, still stuck."]
    helpers = run(room, "ana", "help", "helpers", room.circle, "--json").json()["helpers"]
    assert [(h["name"], h["answers"], h["accepted"], h["thanks"]) for h in helpers] == [("Sam", 1, 1, 1)]
    assert (
        run(room, "tom", "help", "list", room.circle, "--status", "open", "--json").json()["requests"] == []
    )
    run(room, "sue", "help", "reopen", request[:8]).ok()
    assert run(room, "sue", "help", "show", request, "--json").json()["status"] == "escalated"


@pytest.mark.parametrize(
    ("who", "argv", "message"),
    [
        ("sam", ("help", "resolve", "{r}"), "Only the person who asked can resolve"),
        ("sam", ("help", "progress", "{r}", "--body", "x"), "Only the person who asked can report progress"),
        ("sue", ("help", "claim", "{r}"), "You cannot claim your own request"),
        ("sam", ("help", "escalate", "{r}"), "someone who claimed the request, or a mentor"),
        ("sam", ("mod", "hide", "{r}"), "Only teachers can hide posts"),
        ("sam", ("mod", "lock", "{r}"), "Only teachers can lock threads"),
        ("sue", ("help", "resolve", "{r}", "--accept", "ffff"), "No answer to this request has id 'ffff'"),
        ("sue", ("help", "answer", "{r}", "--body", "  "), "An answer cannot be empty"),
        ("sue", ("help", "show", "0123456789"), "No help request with id '0123456789'"),
        ("sue", ("help", "show", "not-hex"), "ids are hexadecimal"),
        ("sue", ("help", "ask", "{c}", "--title", "  "), "A help request needs a title"),
        ("sue", ("help", "list", "{c}", "--status", "stuck"), "invalid choice"),
        ("sue", ("reply", "{r}", "--body", ""), "A reply cannot be empty"),
        ("sue", ("chat", "{c}"), "Usage: chat CIRCLE TEXT"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    room: Room, who: str, argv: tuple[str, ...], message: str
) -> None:
    request = ask(room, "sue")
    room.sync()
    home = room.homes[who]
    before = fingerprint(home)
    filled = [part.format(r=request[:10], c=room.circle[:10]) for part in argv]
    run(room, who, *filled).refused(message)
    assert fingerprint(home) == before


def test_a_50_mb_body_is_refused_before_anything_is_signed(room: Room) -> None:
    home = room.homes["sue"]
    before = fingerprint(home)
    huge = "x" * (50 * 1024 * 1024)
    run(room, "sue", "help", "ask", room.circle, "--title", "Big", "--body", huge).refused(
        "at most 200,000 characters; this one has 52,428,800"
    )
    run(room, "sue", "thread", "new", room.circle, "--title", "t" * 501).refused("A title may be at most 500")
    assert fingerprint(home) == before


def test_an_ambiguous_prefix_names_how_many_it_matches(room: Room) -> None:
    requests = [ask(room, "sue", f"Question {n}") for n in range(40)]
    shared = next(
        a[:1] for a in requests if sum(b.startswith(a[:1]) for b in requests) > 1
    )  # 40 ids over 16 first digits: some digit repeats
    before = fingerprint(room.homes["sue"])
    run(room, "sue", "help", "claim", shared).refused(f"The id prefix '{shared}' matches")
    assert fingerprint(room.homes["sue"]) == before


def test_a_hidden_reply_is_gone_for_students_and_marked_for_teachers(room: Room) -> None:
    thread = run(room, "sue", "thread", "new", room.circle, "--title", "Exam tips", "--json").json()[
        "thread_id"
    ]
    room.sync()
    reply = run(room, "sam", "reply", thread[:8], "--body", "rude words", "--json").json()["reply_id"]
    room.sync()
    run(room, "tom", "mod", "hide", reply[:8]).ok()
    room.sync()
    student = run(room, "sue", "thread", "show", thread[:8], "--json").json()["replies"]
    teacher = run(room, "tom", "thread", "show", thread[:8], "--json").json()["replies"]
    assert student == []
    assert [(r["id"], r.get("hidden")) for r in teacher] == [(reply, True)]
    run(room, "sue", "reply", reply[:8], "--body", "?").refused("No item with id")  # hidden: not found


def test_a_locked_thread_takes_no_replies_below_teacher(room: Room) -> None:
    thread = run(room, "sue", "thread", "new", room.circle, "--title", "Heated", "--json").json()["thread_id"]
    room.sync()
    run(room, "tom", "mod", "lock", thread[:8]).ok()
    room.sync()
    run(room, "sam", "reply", thread[:8], "--body", "one more").refused("This thread is locked")
    run(room, "tom", "reply", thread[:8], "--body", "Closing this.").ok()
    assert run(room, "sam", "thread", "list", room.circle, "--json").json()["threads"][0]["locked"] is True


def test_chat_keeps_order_and_redaction_blanks_text(room: Room) -> None:
    for who, text in (("sue", "anyone in the library?"), ("sam", "2nd floor"), ("sue", "coming")):
        run(room, who, "chat", room.circle[:8], text).ok()
        room.sync()
    log = run(room, "tom", "chat", "log", room.circle, "--json").json()["messages"]
    assert [(m["author_name"], m["text"]) for m in log] == [
        ("Sue", "anyone in the library?"),
        ("Sam", "2nd floor"),
        ("Sue", "coming"),
    ]
    run(room, "tom", "mod", "redact", log[1]["id"][:10]).ok()
    room.sync()
    log = run(room, "sue", "chat", "log", room.circle, "--json").json()["messages"]
    assert log[1]["text"] == "" and log[1]["redacted"] is True


def test_an_unknown_circle_is_named(room: Room) -> None:
    run(room, "sue", "help", "list", "abcdef").refused("No circle with id 'abcdef'")
