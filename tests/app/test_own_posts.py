"""Editing and deleting one's own posts (`app.services.discussion.edit`/`delete`, issue 17
item 10), on real SQLite files: the author's edit reaches the other member; another
member (a teacher included) may neither edit nor delete it, whether through the service
(a one-line refusal, nothing written) or with a forged op written past it (the replica
refuses it); a reply keeps no title; a deleted thread is gone for everyone."""

from __future__ import annotations

import pytest

from app.errors import CommandError
from app.services import discussion
from app.services.items import write_content
from tests.app.conftest import People
from tests.app.test_discussion import home_of
from tests.cli.helpers import join_in_process, sync_in_process


async def circle(people: People):
    teacher, student = people("teacher"), people("student")
    space = await teacher.create_circle("Physics")
    code = await teacher.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(teacher), home_of(student), code, now_ms=teacher.clock.now_ms())
    return teacher, student, space


async def test_the_author_edits_and_the_other_member_sees_it(people: People) -> None:
    teacher, student, space = await circle(people)
    thread = await discussion.new_thread(student, space, "Exam on Fridy", "Chapters 1-4", ["exam"])
    reply = await discussion.reply(
        student, await discussion.find(student, thread.hex()), "Can we bring notes?"
    )
    await discussion.edit(
        student, await discussion.find(student, thread.hex()), "Chapters 1-5", title="Exam on Friday"
    )
    await discussion.edit(
        student, await discussion.find(student, reply.hex()), "Can we bring one page of notes?"
    )
    sync_in_process(home_of(student), home_of(teacher), space)

    shown = await discussion.thread(teacher, await discussion.find(teacher, thread.hex()))
    assert (shown.title, shown.text, shown.tags) == ("Exam on Friday", "Chapters 1-5", ("exam",))
    assert [row.text for row in shown.replies] == ["Can we bring one page of notes?"]


async def test_nobody_else_may_edit_or_delete_a_post_not_even_a_teacher(people: People) -> None:
    teacher, student, space = await circle(people)
    thread = await discussion.new_thread(student, space, "Exam on Friday", "Chapters 1-4", [])
    sync_in_process(home_of(student), home_of(teacher), space)
    found = await discussion.find(teacher, thread.hex())
    ops_before = teacher.replica.db.execute("SELECT count(*) FROM ops").fetchone()[0]

    with pytest.raises(CommandError, match="Only its author can edit this"):
        await discussion.edit(teacher, found, "Cancelled.")
    with pytest.raises(CommandError, match="Only its author can delete this"):
        await discussion.delete(teacher, found)
    assert teacher.replica.db.execute("SELECT count(*) FROM ops").fetchone()[0] == ops_before

    # Past the service: a forged edit and delete, signed by the teacher, are refused.
    for kind, fields in (
        ("item.edit", {"item": found.item.item_id, "title": "Hacked", "text": "x", "tags": []}),
        ("item.delete", {"item": found.item.item_id}),
    ):
        with pytest.raises(Exception, match="Only the author can"):  # the replica refuses it
            await write_content(teacher, space, kind, fields)
    sync_in_process(home_of(student), home_of(teacher), space)
    for who in (teacher, student):
        shown = await discussion.thread(who, await discussion.find(who, thread.hex()))
        assert (shown.title, shown.text) == ("Exam on Friday", "Chapters 1-4")


async def test_bad_edits_are_refused_with_one_line(people: People) -> None:
    _, student, space = await circle(people)
    thread = await discussion.new_thread(student, space, "Exam", "Chapters 1-4", [])
    reply = await discussion.reply(student, await discussion.find(student, thread.hex()), "Notes?")
    with pytest.raises(CommandError, match="needs a title"):
        await discussion.edit(student, await discussion.find(student, thread.hex()), "x", title="   ")
    with pytest.raises(CommandError, match="cannot be empty"):
        await discussion.edit(student, await discussion.find(student, reply.hex()), "  ")
    with pytest.raises(CommandError, match="Nothing to change"):
        await discussion.edit(student, await discussion.find(student, reply.hex()), "Notes?")


async def test_the_author_deletes_a_thread_for_everyone(people: People) -> None:
    teacher, student, space = await circle(people)
    thread = await discussion.new_thread(student, space, "Oops", "posted twice", [])
    await discussion.new_thread(student, space, "Exam", "", [])
    await discussion.delete(student, await discussion.find(student, thread.hex()))
    sync_in_process(home_of(student), home_of(teacher), space)
    for who in (teacher, student):
        assert [row.title for row in (await discussion.threads(who, space)).rows] == ["Exam"]
