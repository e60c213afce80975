"""A person's contributions page (app.services.recognition): answers, accepted answers,
thanks and reviews with their helpfulness, seen by the person and their teacher; other
students are refused."""

from __future__ import annotations

import pytest

from app.errors import CommandError
from app.services import assignments, discussion, helpdesk, recognition
from tests.app.conftest import People
from tests.app.test_desk import joined, synced


async def test_contributions_seen_by_the_person_and_the_teacher_only(people: People) -> None:
    tess, sam, kim = people("tess"), people("sam"), people("kim")
    space = await tess.create_circle("Algebra")
    for student in (sam, kim):
        await joined(tess, student, space)
    essay = await assignments.create(
        tess, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=1
    )
    found = assignments.FoundAssignment(space, essay)
    for student in (sam, kim):
        synced(tess, student, space)
        await assignments.submit(student, found, "Case.", "")
        synced(tess, student, space)
    await assignments.open_phase(tess, found, "review")
    synced(tess, sam, space)
    (task,) = await assignments.review_tasks(sam, found)
    await assignments.write_review(sam, task.submission_id, ["clarity=3"], "Good.")
    synced(sam, kim, space)
    (got,) = await assignments.received(kim, found)
    await assignments.rate(kim, got.review_id, 4, "useful", False)
    asked = await helpdesk.ask(kim, space, "Stuck", "", [])
    synced(kim, sam, space)
    answer = await helpdesk.answer(sam, await helpdesk.find_request(sam, asked.hex()), "Try this.")
    synced(sam, kim, space)
    request = await helpdesk.find_request(kim, asked.hex())
    await helpdesk.resolve(kim, request, answer.hex()[:12])
    await discussion.thank(kim, await discussion.find(kim, answer.hex()))
    synced(kim, tess, space)
    synced(kim, sam, space)

    own = await recognition.page(sam)
    (circle,) = own.circles
    assert own.mine and (circle.answers, circle.accepted, circle.thanks) == (1, 1, 1)
    assert (circle.reviews, circle.helpful) == (1, 4.0)
    sam_id = sam.identity.key.device_id.hex()
    seen_by_teacher = await recognition.page(tess, sam_id)
    assert not seen_by_teacher.mine and seen_by_teacher.name == "Sam"
    assert seen_by_teacher.circles == own.circles  # the teacher links the review too
    with pytest.raises(CommandError, match="to them and to their teachers only"):
        await recognition.page(kim, sam_id)
    with pytest.raises(CommandError, match="not a device id"):
        await recognition.page(tess, "zz")
