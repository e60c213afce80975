"""Search in a circle and across circles (`app.services.search`, `sync.views.search_items`),
on real SQLite files: every kind of item found by any word of its title, text or tags,
newest first, each hit naming what to open; and what a student may not see stays
unfound — hidden items and what is under them, a redaction's old words, another
circle's items when searching one circle.
"""

from __future__ import annotations

import pytest

from app.errors import CommandError
from app.services import discussion, helpdesk, resources, search
from tests.app.conftest import People
from tests.app.test_discussion import home_of
from tests.cli.helpers import join_in_process, sync_in_process


async def test_every_kind_of_item_is_found_by_its_words_and_names_what_to_open(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Linear algebra")
    thread = await discussion.new_thread(ana, space, "Eigenvalues on Friday", "Bring the sheet", ["exam"])
    reply = await discussion.reply(ana, await discussion.find(ana, thread.hex()), "Which EIGENVALUES?")
    asked = await helpdesk.ask(ana, space, "Rotation matrix", "No real eigenvalues, why?", [])
    request = await helpdesk.find_request(ana, asked.hex())
    answer = await helpdesk.progress(ana, request, "Complex eigenvalues?")
    chat = await discussion.chat(ana, space, "eigenvalues are fun")
    other = await ana.create_circle("Physics")
    await discussion.chat(ana, other, "eigenvalues in quantum mechanics")

    hits = await search.in_circle(ana, space, "eigenval")
    assert [hit.item_id for hit in hits] == [op.hex() for op in (chat, answer, asked, reply, thread)]
    opens = {hit.item_id: hit.opens for hit in hits}
    assert opens[reply.hex()] == thread.hex() and opens[answer.hex()] == asked.hex()  # their parents
    assert opens[thread.hex()] == thread.hex() and opens[chat.hex()] == chat.hex()
    assert next(hit for hit in hits if hit.item_id == reply.hex()).title == "Eigenvalues on Friday"
    assert [hit.item_id for hit in await search.in_circle(ana, space, "exam")] == [thread.hex()]  # a tag
    assert [hit.item_id for hit in await search.in_circle(ana, space, "sheet bring")] == [thread.hex()]
    assert await search.in_circle(ana, space, "eigenvalues tuesday") == []  # every word must match

    everywhere = await search.everywhere(ana, "eigenvalues")
    assert [hit.circle_name for hit in everywhere] == ["Linear algebra"] * 5 + ["Physics"]


async def test_a_student_never_finds_hidden_items_what_is_under_them_or_redacted_words(
    people: People,
) -> None:
    teacher, student = people("teacher"), people("student")
    space = await teacher.create_circle("Physics")
    code = await teacher.invite(space, role="member", uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(teacher), home_of(student), code, now_ms=teacher.clock.now_ms())
    hidden = await discussion.new_thread(teacher, space, "Answers to the secret quiz", "", [])
    under = await discussion.reply(teacher, await discussion.find(teacher, hidden.hex()), "quiz key: 42")
    redacted = await discussion.chat(teacher, space, "the quiz password is swordfish")
    await discussion.moderate(teacher, await discussion.find(teacher, hidden.hex()), "hide")
    await discussion.moderate(teacher, await discussion.find(teacher, redacted.hex()), "redact")
    sync_in_process(home_of(teacher), home_of(student), space)

    assert await search.in_circle(student, space, "quiz") == []
    assert await search.in_circle(student, space, "swordfish") == []
    assert await search.everywhere(student, "quiz") == []
    teacher_sees = {hit.item_id for hit in await search.in_circle(teacher, space, "quiz")}
    assert teacher_sees == {hidden.hex(), under.hex()}  # moderators see hidden items
    assert await search.in_circle(teacher, space, "swordfish") == []  # redacted is redacted for all


async def test_search_words_are_literal_and_an_empty_search_is_refused(people: People) -> None:
    ana = people("ana")
    space = await ana.create_circle("Stats")
    await discussion.chat(ana, space, "100% sure")
    await discussion.chat(ana, space, "a_b and a-b")
    assert await search.in_circle(ana, space, "100") != []
    assert [hit.snippet for hit in await search.in_circle(ana, space, "a_b")] == ["a_b and a-b"]
    assert await search.in_circle(ana, space, "zzz_%") == []  # % and _ are not wildcards
    with pytest.raises(CommandError, match="at least one word"):
        await search.in_circle(ana, space, "  %%  ")
    link = await resources.add(ana, space, title="Khan academy", url="https://example.org/eigen", text="")
    assert [hit.item_id for hit in await search.in_circle(ana, space, "khan")] == [link.hex()]
