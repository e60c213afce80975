"""The diff a round-2 reviewer sees (`ReviewTask.diff`): one line per changed line, even
when the work does not end with a newline (text typed in the client's editor seldom does;
the last line and its replacement came out glued: "-They purr.+They purr.")."""

from __future__ import annotations

from app.services import assignments
from tests.app.conftest import People
from tests.app.test_desk import joined, synced


async def test_a_revision_without_a_final_newline_diffs_line_by_line(people: People) -> None:
    tess, sam, kim = people("tess"), people("sam"), people("kim")
    space = await tess.create_circle("Essays")
    for student in (sam, kim):
        await joined(tess, student, space)
    essay = await assignments.create(
        tess, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=2
    )
    found = assignments.FoundAssignment(space, essay)
    texts = {"sam": "Cats are better.\nThey purr.", "kim": "Dogs are loyal."}
    for name, student in (("sam", sam), ("kim", kim)):
        synced(tess, student, space)
        await assignments.submit(student, found, texts[name], "")
        synced(tess, student, space)
    await assignments.open_phase(tess, found, "review")
    for student in (sam, kim):
        synced(tess, student, space)
        (task,) = await assignments.review_tasks(student, found)
        await assignments.write_review(student, task.submission_id, ["clarity=2"], "")
        synced(tess, student, space)
    await assignments.open_phase(tess, found, "revision")
    synced(tess, sam, space)
    await assignments.submit(sam, found, "Cats are better.\nThey purr.\nMy cat Tom sleeps all day.", "A cat")
    synced(tess, sam, space)
    await assignments.open_phase(tess, found, "review")
    synced(tess, kim, space)

    (task,) = await assignments.review_tasks(kim, found)
    assert task.version == 2 and task.previous_version == 1
    assert task.diff.splitlines() == [
        "--- version 1",
        "+++ version 2",
        "@@ -1,2 +1,3 @@",
        " Cats are better.",
        " They purr.",
        "+My cat Tom sleeps all day.",
    ]
    assert task.diff.endswith("\n")
