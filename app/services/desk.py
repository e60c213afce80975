"""The teacher's desk: where help is needed across every circle where I am a teacher or
mentor — unresolved help requests with their age (oldest first, escalated and linked
to an assignment marked), review progress per assignment, and who is stuck (members
waiting longest, or asking most, without an accepted answer).

A mentor's desk holds their part only: unclaimed requests and those they claimed (no
escalations, which are the teachers', and no assessment progress). Computed on the
database worker from what this replica holds; ages by the writers' clocks against
`now_ms`.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.commands import Commands
from app.services.items import names_in
from app.services.rows import DeskProgress, DeskRequest, DeskStuck, DeskView
from sync import assignments as assessing
from sync import joining, reads, views, writer
from sync.hlc import wall_ms
from sync.ids import SpaceId
from sync.policy import Level
from sync.reducers.assess import allocation_at, phase_at
from sync.reducers.helpdesk import HelpStatus
from sync.replica import Replica
from sync.state import members

STUCK_LIMIT = 20  # people listed under "who is stuck"


@dataclass(frozen=True, slots=True)
class _Circle:
    space: SpaceId
    name: str
    level: int


def _my_circles(replica: Replica) -> list[_Circle]:
    """Circles I am currently a teacher (or owner) or mentor of, by name."""
    me = replica.key.device_id
    current = reads.spaces_with_member(replica.db, me) - joining.joining_spaces(replica)
    found = []
    for space in current:
        level = writer.my_level(replica, space)
        if level >= Level.MENTOR:
            found.append(_Circle(space, replica.context(space).name, level))
    return sorted(found, key=lambda c: (c.name.casefold(), c.space))


def _requests(replica: Replica, circle: _Circle, titles: dict[bytes, str], now_ms: int) -> list[DeskRequest]:
    """A circle's unresolved requests on my desk. Thousands per refresh: what every row
    shares (the circle's id, the status strings) is computed once, not per row."""
    me = replica.key.device_id
    names = names_in(replica, circle.space)
    circle_id = circle.space.hex()
    rows = []
    for request in views.unresolved_requests(replica.db, circle.space, circle.level):
        status = request.status
        mine = me in status.claimed_by
        if circle.level < Level.TEACHER and not (mine or (not status.claimed_by and not status.escalated)):
            continue  # a mentor's part: unclaimed requests and those they claimed
        link = request.link
        linked = bytes(link) if link is not None and bytes(link) in titles else b""
        asker_id = request.author.hex()
        rows.append(
            DeskRequest(
                circle_id,
                circle.name,
                request.item_id.hex(),
                request.title,
                names.get(request.author, asker_id[:12]),
                asker_id,
                _STATUS_TEXT[status.status],
                status.escalated,
                mine,
                request.answers,
                max(0, now_ms - wall_ms(request.created_hlc)),
                linked.hex() if linked else "",
                titles.get(linked, "") if linked else "",
            )
        )
    return rows


_STATUS_TEXT = {status: status.value for status in HelpStatus}  # an enum's .value costs a call


def _due(due: tuple[tuple[str, int], ...], round_: int) -> int | None:
    """The review round's due date, if the teacher gave one ("review", "review 2", "review round 2")."""
    wanted = {"review", f"review {round_}", f"review round {round_}"}
    dates = [ms for phase, ms in due if phase.strip().lower() in wanted]
    return min(dates) if dates else None


def _progress(replica: Replica, circle: _Circle, linked: dict[bytes, int], now_ms: int) -> list[DeskProgress]:
    db, space = replica.db, circle.space
    students = {m.person for m in members(db, space) if m.level < Level.MENTOR}
    rows = []
    for task in assessing.assignments(db, space):
        works = assessing.submissions(db, space, task.assignment)
        rounds = assessing.review_rounds(db, space, task.assignment)
        done = allocated = late = 0
        if rounds:
            opener = rounds[-1]
            allocation = allocation_at(db, space, opener.op_id, None)
            allocated = sum(len(reviewers) for reviewers in allocation.values())
            done = sum(
                1
                for r in assessing.reviews(db, space, task.assignment)
                if r.opener == opener.op_id and r.pseudonym in allocation.get(r.submission, set())
            )
            now = phase_at(db, space, task.assignment, None)
            due = _due(task.settings.due, opener.round)
            if now.phase == "review" and now.op_id == opener.op_id and due is not None and due < now_ms:
                late = allocated - done
        rows.append(
            DeskProgress(
                space.hex(),
                circle.name,
                task.assignment.hex(),
                task.settings.title,
                task.phase,
                task.round,
                len(students),
                len(works),
                done,
                allocated,
                late,
                linked.get(task.assignment, 0),
            )
        )
    return rows


def _stuck(requests: list[DeskRequest]) -> list[DeskStuck]:
    by_asker: dict[tuple[str, str], list[DeskRequest]] = {}
    for request in requests:
        by_asker.setdefault((request.circle_id, request.asker_id), []).append(request)
    found = []
    for (_, device), theirs in by_asker.items():
        oldest = max(theirs, key=lambda r: r.age_ms)
        found.append(
            DeskStuck(
                oldest.circle_id,
                oldest.circle,
                device,
                oldest.asker,
                len(theirs),
                sum(1 for r in theirs if r.answers == 0),
                oldest.age_ms,
                oldest.request_id,
            )
        )
    found.sort(key=lambda s: (-s.oldest_ms, -s.waiting, s.name.casefold()))
    return found[:STUCK_LIMIT]


def _desk(replica: Replica, now_ms: int) -> DeskView:
    replica.refresh()
    requests: list[DeskRequest] = []
    progress: list[DeskProgress] = []
    circles = _my_circles(replica)
    for circle in circles:
        titles = {
            bytes(task.assignment): task.settings.title
            for task in assessing.assignments(replica.db, circle.space)
        }
        theirs = _requests(replica, circle, titles, now_ms)
        requests.extend(theirs)
        if circle.level >= Level.TEACHER:
            linked: dict[bytes, int] = {}
            for request in theirs:
                if request.assignment_id:
                    key = bytes.fromhex(request.assignment_id)
                    linked[key] = linked.get(key, 0) + 1
            progress.extend(_progress(replica, circle, linked, now_ms))
    requests.sort(key=lambda r: (-r.age_ms, r.circle, r.request_id))
    return DeskView(
        len(circles),
        tuple(c.space.hex() for c in circles),
        tuple(requests),
        tuple(progress),
        tuple(_stuck(requests)),
    )


async def desk(commands: Commands) -> DeskView:
    """The desk as this device sees it now."""
    return await commands.database.run(_desk, commands.replica, commands.clock.now_ms())


async def my_roles(commands: Commands) -> list[int]:
    """My level in each circle where I am a teacher (or owner) or mentor: cheap, for
    deciding whether the desk is shown first."""

    def job() -> list[int]:
        commands.replica.refresh()
        return [circle.level for circle in _my_circles(commands.replica)]

    return await commands.database.run(job)
