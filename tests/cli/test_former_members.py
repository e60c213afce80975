"""A removed member's earlier posts keep the name they had; they are no longer a member.

Before the fix, author names came from the current-members table only, so once Sam was
removed every thread, reply, help request, answer and chat line he wrote showed an
empty author name, on every device, and the help desk's "who helped" lost his name.
"""

from __future__ import annotations

from tests.cli.conftest import Room


def test_a_removed_members_earlier_posts_keep_his_name(room: Room) -> None:
    cli, ana, sam, sue = room.cli, room.homes["ana"], room.homes["sam"], room.homes["sue"]
    thread = cli(sam, "thread", "new", room.circle, "--title", "Lenses", "--body", "Why convex?", "--json")
    asked = cli(sue, "help", "ask", room.circle, "--title", "Snell's law sign?", "--json").json()[
        "request_id"
    ]
    room.sync()
    cli(sam, "help", "answer", asked, "--body", "Measure from the normal.").ok()
    own = cli(sam, "help", "ask", room.circle, "--title", "Focal length?", "--json").json()["request_id"]
    cli(sam, "chat", room.circle, "Anyone", "in", "the", "lab?").ok()
    room.sync()
    cli(sue, "reply", thread.json()["thread_id"], "--body", "Ask Sam.").ok()
    cli(room.homes["tom"], "circle", "remove", room.circle, "Sam").ok()
    room.sync()

    for who in ("ana", "tom", "sue"):
        home = room.homes[who]
        assert "Sam" not in room.members(who)
        threads = cli(home, "thread", "list", room.circle, "--json").json()["threads"]
        assert {row["title"]: row["author_name"] for row in threads} == {"Lenses": "Sam"}
        shown = cli(home, "thread", "show", thread.json()["thread_id"], "--json").json()
        assert (shown["author_name"], [reply["author_name"] for reply in shown["replies"]]) == (
            "Sam",
            ["Sue"],
        )
        requests = cli(home, "help", "list", room.circle, "--json").json()["requests"]
        assert {row["id"]: row["author_name"] for row in requests} == {asked: "Sue", own: "Sam"}
        answers = cli(home, "help", "show", asked, "--json").json()["answers"]
        assert [answer["author_name"] for answer in answers] == ["Sam"]
        chat = cli(home, "chat", "log", room.circle, "--json").json()["messages"]
        assert [line["author_name"] for line in chat] == ["Sam"]
        helpers = cli(home, "help", "helpers", room.circle, "--json").json()["helpers"]
        assert [helper["name"] for helper in helpers] == ["Sam"]
    assert cli(ana, "circle", "members", room.circle, "--json").json()["members"][-1]["name"] != "Sam"
