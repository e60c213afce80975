"""The teacher's desk (app.services.desk) over real databases: requests from three
circles oldest first, linked to an assignment, review progress, who is stuck, and a
mentor's part only."""

from __future__ import annotations

from pathlib import Path

from app.services import assignments, desk, helpdesk
from app.services.commands import Commands
from sync.ids import SpaceId
from tests.app.conftest import People
from tests.cli.helpers import join_in_process, sync_in_process


def home_of(commands: Commands) -> Path:
    return commands.replica.store.path.parent


async def joined(owner: Commands, other: Commands, space: SpaceId, role: str = "member") -> None:
    code = await owner.invite(space, role=role, uses=1, expires_hours=1, addresses=[])
    join_in_process(home_of(owner), home_of(other), code, now_ms=owner.clock.now_ms())


def synced(a: Commands, b: Commands, space: SpaceId) -> None:
    sync_in_process(home_of(a), home_of(b), space)


async def test_a_teachers_desk_across_three_circles(people: People) -> None:
    tess, omar, sam, kim = people("tess"), people("omar"), people("sam"), people("kim")
    algebra = await tess.create_circle("Algebra")
    biology = await tess.create_circle("Biology")
    chemistry = await omar.create_circle("Chemistry")
    for student in (sam, kim):
        await joined(tess, student, algebra)
    await joined(tess, kim, biology)
    await joined(omar, tess, chemistry, role="mentor")
    await joined(omar, sam, chemistry)

    essay = await assignments.create(
        tess, algebra, title="Essay", brief="Argue.", criteria=["clarity:4"], reviewers=1, rounds=1
    )
    found = assignments.FoundAssignment(algebra, essay)
    for student in (sam, kim):
        synced(tess, student, algebra)
        await assignments.submit(student, found, f"{student.identity.name} argues.", "")
        synced(tess, student, algebra)
    await assignments.open_phase(tess, found, "review")
    synced(tess, kim, algebra)
    (task,) = await assignments.review_tasks(kim, found)
    await assignments.write_review(kim, task.submission_id, ["clarity=3"], "Clear.")
    synced(tess, kim, algebra)

    first = await helpdesk.ask(sam, algebra, "Essay: how long?", "", [], link=essay)
    await helpdesk.ask(kim, biology, "Cells", "", [])
    unclaimed = await helpdesk.ask(sam, chemistry, "Moles", "", [])
    theirs = await helpdesk.ask(sam, chemistry, "Bonds", "", [])
    mine = await helpdesk.ask(sam, chemistry, "Acids", "", [])
    resolved = await helpdesk.ask(kim, algebra, "Done already", "", [])
    await helpdesk.resolve(kim, await helpdesk.find_request(kim, resolved.hex()), None)
    for student, space in ((sam, algebra), (kim, algebra), (kim, biology), (sam, chemistry)):
        synced(student, tess if space != chemistry else omar, space)
    await helpdesk.step(omar, await helpdesk.find_request(omar, theirs.hex()), "claim")
    synced(omar, tess, chemistry)
    await helpdesk.step(tess, await helpdesk.find_request(tess, mine.hex()), "claim")

    seen = await desk.desk(tess)

    assert seen.circles == 3
    titles = [r.title for r in seen.requests]
    assert titles[0] == "Essay: how long?"  # the oldest first
    assert sorted(titles) == sorted(
        ["Essay: how long?", "Cells", "Moles", "Acids"]
    )  # not Bonds, not resolved
    assert [r.age_ms for r in seen.requests] == sorted((r.age_ms for r in seen.requests), reverse=True)
    linked = next(r for r in seen.requests if r.request_id == first.hex())
    assert (linked.assignment_id, linked.assignment, linked.circle) == (essay.hex(), "Essay", "Algebra")
    assert next(r for r in seen.requests if r.title == "Acids").claimed_by_me
    assert not next(r for r in seen.requests if r.request_id == unclaimed.hex()).claimed_by_me
    (progress,) = seen.progress  # Algebra's essay: Chemistry is a mentor's circle, Biology has none
    assert (progress.title, progress.phase, progress.round) == ("Essay", "review", 1)
    assert (progress.students, progress.submitted) == (2, 2)
    assert (progress.reviews_done, progress.reviews_allocated, progress.requests) == (1, 2, 1)
    sam_in_chemistry = next(s for s in seen.stuck if s.circle == "Chemistry")
    assert (sam_in_chemistry.name, sam_in_chemistry.waiting, sam_in_chemistry.unanswered) == ("Sam", 2, 2)
    assert sam_in_chemistry.request_id == unclaimed.hex()  # the oldest of the two shown
    assert seen.stuck[0].request_id == first.hex()  # waiting longest first
    assert seen.to_json()["requests"][0]["request_id"] == first.hex()


async def test_a_students_desk_is_empty_and_a_mentor_sees_no_escalations(people: People) -> None:
    tess, mia, sam = people("tess"), people("mia"), people("sam")
    space = await tess.create_circle("Algebra")
    await joined(tess, mia, space, role="mentor")
    await joined(tess, sam, space)
    escalated = await helpdesk.ask(sam, space, "Stuck hard", "", [])
    await helpdesk.step(sam, await helpdesk.find_request(sam, escalated.hex()), "escalate")
    plain = await helpdesk.ask(sam, space, "Quick one", "", [])
    synced(sam, tess, space)
    synced(tess, mia, space)

    assert (await desk.desk(sam)).circles == 0 and not (await desk.desk(sam)).requests
    mentor = await desk.desk(mia)
    assert [r.request_id for r in mentor.requests] == [plain.hex()] and mentor.progress == ()
    teacher = await desk.desk(tess)
    assert {r.request_id: r.escalated for r in teacher.requests} == {
        escalated.hex(): True,
        plain.hex(): False,
    }
