"""What is news to me about a circle's assignments, for notifications: a phase opened
(to students: the teachers open them), reviews assigned to me when a review round
opens, feedback on my work, my grade given. None of these can be my own action: a
student opens no phase, reviews no own work and grades nothing. Runs on the database
worker; `since_ms` is by the writers' clocks.
"""

from __future__ import annotations

from app.services.commands import Commands
from app.services.rows import AssessNews
from sync import assessment_news as reads
from sync import assignments, pseudonym, writer
from sync.hlc import COUNTER_BITS
from sync.ids import SpaceId
from sync.policy import Level
from sync.reducers.assess import allocation_at, person_of
from sync.replica import Replica


def _news(replica: Replica, space: SpaceId, since_ms: int) -> tuple[str, int, list[AssessNews]]:
    replica.refresh()
    db, me = replica.db, replica.key.device_id
    level = writer.my_level(replica, space)
    name = replica.context(space).name
    if level == Level.NONE or level >= Level.TEACHER:
        return name, level, []
    since = since_ms << COUNTER_BITS
    titles = {bytes(a.assignment): a.settings.title for a in assignments.assignments(db, space)}
    person = person_of(db, space, me)
    mine = {
        w.submission
        for assignment in titles
        for w in assignments.submissions(db, space, assignment)
        if w.person == person
    }
    news: list[AssessNews] = []
    for op, assignment, phase, round_ in reads.phases_since(db, space, since):
        if assignment not in titles:
            continue
        count = 0
        if phase == "review":
            key = pseudonym.pseudonym_key(replica.key, space, assignment).device_id
            count = sum(1 for reviewers in allocation_at(db, space, op, None).values() if key in reviewers)
        event = "review_assigned" if count else "phase"
        news.append(AssessNews(event, op.hex(), assignment.hex(), titles[assignment], phase, round_, count))
    for event, found in (
        ("feedback", reads.reviews_since(db, space, mine, since)),
        ("graded", reads.grades_since(db, space, mine, since)),
    ):
        for op, assignment, _ in found:
            if assignment in titles:
                news.append(AssessNews(event, op.hex(), assignment.hex(), titles[assignment], "", 0, 0))
    return name, level, news


async def news(commands: Commands, space: SpaceId, *, since_ms: int) -> tuple[str, int, list[AssessNews]]:
    """The circle's name, my level in it, and my assignment news from `since_ms` on."""
    return await commands.database.run(_news, commands.replica, space, since_ms)
