"""Leftovers of peer coaching (issue 18), through the CLI on real data directories: an
item of a pair reaches the circle only when its author shares it (`coach share`), as a
thread; the partner's item is refused and nothing is written; an ended pair says who
ended it, when, and their closing words; a teacher's suggestion disappears once taken up.
"""

from __future__ import annotations

from tests.cli.conftest import Room
from tests.cli.test_coaching_commands import dump, join_offer, pair_sync, refused_unchanged, run

SHARED = "Shared from our coaching pair"


def suggested(room: Room, who: str) -> list[str]:
    return sorted(s["other"] for s in run(room, who, "coach", "suggestions", "--json").json()["suggestions"])


def formed_pair(room: Room) -> str:
    pair = run(room, "sam", "coach", "propose", room.circle, "Sue", "--json").json()["pair_id"]
    room.sync()
    join_offer(room, "sue", "sam")
    run(room, "sue", "coach", "accept", pair).ok()
    pair_sync(room, pair)
    return pair


def test_only_the_author_shares_a_pair_item_into_the_circle(room: Room) -> None:
    pair = formed_pair(room)
    cycle = run(room, "sam", "coach", "cycle", pair[:10], "--observed", "Sue", "--title", "wait time",
                "--json").json()["cycle_id"]  # fmt: skip
    pair_sync(room, pair)
    mine = run(room, "sue", "coach", "reflect", cycle[:10], "--body", "Counting to three worked",
               "--json").json()["reflection_id"]  # fmt: skip
    obs = run(room, "sam", "coach", "observe", cycle[:10], "--focus", "wait time", "--evidence",
              "about 1 s, 4 times", "--questions", "what made you move on?",
              "--json").json()["observation_id"]  # fmt: skip
    pair_sync(room, pair)

    # The attack: Sam shares Sue's reflection (he can read it in the pair) — refused, nothing written.
    refused_unchanged(room, "sam", "coach", "share", mine[:10], says="Only its author can share this")
    # A teacher cannot even name it; sharing into the pair itself is not a circle.
    refused_unchanged(room, "tom", "coach", "share", mine[:10], says="item")
    # A pair is not a circle to the CLI's lookup (`circle list` does not show it either).
    refused_unchanged(room, "sue", "coach", "share", mine[:10], "--circle", pair[:10], says="No circle with")
    room.sync()
    assert "Counting to three worked" not in dump(room.homes["tom"])

    shared = run(room, "sue", "coach", "share", mine[:10], "--json").json()
    assert shared["circle_id"] == room.circle
    run(room, "sam", "coach", "share", obs[:10]).ok()
    room.sync()
    threads = run(room, "tom", "thread", "list", room.circle, "--json").json()["threads"]
    titles = sorted(t["title"] for t in threads)
    assert titles == [f"{SHARED}: a reflection", f"{SHARED}: an observation"]
    shown = run(room, "tom", "thread", "show", shared["thread_id"][:12], "--json").json()
    assert "Counting to three worked" in str(shown) and "Sue" in str(shown)
    observation = next(t for t in threads if t["title"].endswith("observation"))
    text = str(run(room, "ana", "thread", "show", observation["id"][:12], "--json").json())
    assert "Evidence: about 1 s, 4 times" in text and "Questions: what made you move on?" in text


def test_an_ended_pair_says_who_ended_it_and_when(room: Room) -> None:
    pair = formed_pair(room)
    assert "Ended by" not in run(room, "sam", "coach", "show", pair[:10]).out
    run(room, "sue", "coach", "end", pair[:10], "--text", "thank you, a good term").ok()
    pair_sync(room, pair)
    out = run(room, "sam", "coach", "show", pair[:10]).out
    assert out.startswith("Ended by Sue on 20") and "thank you, a good term" in out
    (summary,) = run(room, "sam", "coach", "pairs", "--json").json()["pairs"]
    assert (summary["ended_by"], summary["end_text"]) == ("Sue", "thank you, a good term")
    assert summary["ended_at"][:2] == "20"


def test_a_suggestion_taken_up_is_no_longer_listed(room: Room) -> None:
    run(room, "tom", "coach", "suggest", room.circle, "Sue", "Sam", "--text", "you both teach year 7").ok()
    run(room, "tom", "coach", "suggest", room.circle, "Sue", "Ana").ok()
    room.sync()
    others = suggested(room, "sue")
    assert others == ["Ana", "Sam"]
    pair = run(room, "sam", "coach", "propose", room.circle, "Sue", "--json").json()["pair_id"]
    # Proposed: gone for the proposer at once, and for Sue once the offer reaches her.
    assert run(room, "sam", "coach", "suggestions", "--json").json()["suggestions"] == []
    room.sync()
    others = suggested(room, "sue")
    assert others == ["Ana"]
    # Declined offers give the suggestion back.
    (offer,) = run(room, "sue", "coach", "offers", room.circle, "--json").json()["offers"]
    run(room, "sue", "coach", "decline", offer["id"][:12]).ok()
    others = suggested(room, "sue")
    assert others == ["Ana", "Sam"] and pair
