"""The reflection journal through the CLI, in-process on real data directories (issue 18):
Sue writes reflections in My notes from the prompts (`note add --reflection`), lists only
them, and shares one into her coaching pair with Sam (`note share-pair`), where it is a
reflection of their cycle and Sam comments on it (`coach feedback`). Her other
reflections stay on her own devices; the circle's teacher holds nothing of either.
"""

from __future__ import annotations

from app.services import journal
from tests.cli.conftest import Room
from tests.cli.test_coaching_commands import dump, join_offer, pair_sync, refused_unchanged, run


def _pair(room: Room) -> str:
    pair = run(room, "sam", "coach", "propose", room.circle, "Sue", "--topic", "questioning",
               "--json").json()["pair_id"]  # fmt: skip
    room.sync()
    join_offer(room, "sue", "sam")
    run(room, "sue", "coach", "accept", pair).ok()
    pair_sync(room, pair)
    return pair


def test_a_reflection_is_written_from_prompts_and_shared_into_the_pair_for_comments(room: Room) -> None:
    from_prompts = run(room, "sue", "note", "add", "--reflection", "--json").json()["note_id"]
    shown = run(room, "sue", "note", "show", from_prompts[:10], "--json").json()
    assert shown["title"].startswith("Reflection 20") and shown["tags"] == ["reflection"]
    assert all(f"## {prompt}" in shown["text"] for prompt in journal.PROMPTS)
    written = run(room, "sue", "note", "add", "--reflection", "--title", "Wait time, week 2", "--body",
                  "## What happened?\nI waited 3 s.\n## What will I try next?\nCount silently.", "--tag",
                  "questioning", "--json").json()["note_id"]  # fmt: skip
    private = run(room, "sue", "note", "add", "--reflection", "--title", "Only mine", "--body",
                  "a private worry", "--json").json()["note_id"]  # fmt: skip
    run(room, "sue", "note", "add", "--title", "Shopping", "--body", "milk").ok()
    listed = run(room, "sue", "note", "list", "--reflections", "--json").json()["notes"]
    assert {n["note_id"] for n in listed} == {from_prompts, written, private}
    refused_unchanged(room, "sue", "note", "add", "--body", "no title", says="needs a title")
    refused_unchanged(room, "sue", "note", "list", "--reflections", "--tag", "x", says="not both")

    pair = _pair(room)
    refused_unchanged(room, "sue", "note", "share-pair", written[:10], pair[:10], says="no cycle yet")
    cycle = run(room, "sam", "coach", "cycle", pair[:10], "--observed", "Sue", "--title", "wait time",
                "--json").json()["cycle_id"]  # fmt: skip
    pair_sync(room, pair)
    refused_unchanged(room, "sue", "note", "share-pair", written[:10], pair[:10], "--cycle", "ffff",
                      says="No cycle of this pair")  # fmt: skip
    refused_unchanged(room, "sue", "note", "share-pair", written[:10], "0000", says="pair")
    shared = run(room, "sue", "note", "share-pair", written[:10], pair[:10], "--json").json()
    assert shared["cycle_id"] == cycle
    pair_sync(room, pair)

    # Sam reads it as a reflection of the cycle and comments; Sue reads the comment.
    (seen,) = run(room, "sam", "coach", "show", pair[:10], "--json").json()["cycles"][0]["reflections"]
    assert seen["id"] == shared["reflection_id"] and seen["author_name"] == "Sue"
    assert seen["text"].startswith("**Wait time, week 2**") and "I waited 3 s." in seen["text"]
    run(room, "sam", "coach", "feedback", seen["id"][:10], "--body", "Did the hands go up?").ok()
    pair_sync(room, pair)
    (mine,) = run(room, "sue", "coach", "show", pair[:10], "--json").json()["cycles"][0]["reflections"]
    assert [(f["author_name"], f["text"]) for f in mine["feedback"]] == [("Sam", "Did the hands go up?")]
    assert "Did the hands go up?" in run(room, "sue", "coach", "show", pair[:10]).out

    # The unshared reflection is on Sue's devices only; the teacher holds nothing of either.
    room.sync()
    assert "a private worry" not in dump(room.homes["sam"])
    assert "I waited 3 s." not in dump(room.homes["tom"]) and "a private worry" not in dump(room.homes["tom"])
    # Only the pair's people can share into it: Ana is in no pair.
    note = run(room, "ana", "note", "add", "--reflection", "--json").json()["note_id"]
    refused_unchanged(room, "ana", "note", "share-pair", note[:10], pair[:10], says="pair")
