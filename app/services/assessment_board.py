"""A teacher's progress board for one assignment, the reviews with their writers, and
reallocation by hand. The board: per student, their submission and
versions, the reviews their work received and those they owe in the latest review
round; the next phase and what opening it will do, in a sentence ("12 of 14
submitted; 2 will not be reviewed"), for the client to confirm before it switches.

Reviewers are named only on a teacher's device (it opens the enrolments sealed to it,
`sync.pseudonym.enrolled`); a student's device has nothing to name them with. Runs on
the database worker.
"""

from __future__ import annotations

from app.errors import CommandError
from app.services.assignments import FoundAssignment
from app.services.commands import Commands
from app.services.items import names_in
from app.services.rows import BoardRow, ProgressBoard, WrittenReview
from sync import assignments as reads
from sync import writer
from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.ids import SpaceId
from sync.op import VerifiedOp
from sync.policy import Level
from sync.pseudonym import enrolled
from sync.reducers.assess import allocation_at, person_of, phase_at
from sync.replica import Replica
from sync.state import members


def next_phase(phase: str, round_: int, rounds: int) -> str | None:
    """The phase a teacher opens next (None once closed)."""
    if phase == "submission":
        return "review"
    if phase == "review":
        return "revision" if round_ < rounds else "assessment"
    if phase == "revision":
        return "review"
    if phase == "assessment":
        return "closed"
    return None


def consequence(board: ProgressBoard) -> str:
    """What opening the next phase will do, in a sentence or two."""
    students, submitted = board.students, board.submitted
    upcoming = board.next_phase
    if upcoming == "review" and board.phase == "submission":
        left = students - submitted
        reviewers = "1 reviewer" if board.reviewers == 1 else f"{board.reviewers} reviewers"
        return (
            f"{submitted} of {students} submitted; {left} will not be reviewed."
            f" Each submission gets {reviewers}; submitting ends."
        )
    if upcoming == "review":
        return (
            f"{board.revised} of {submitted} revised; the others are reviewed as they stand."
            f" Review round {board.round + 1} opens; revising ends."
        )
    if upcoming in ("revision", "assessment"):
        missing = board.allocated - board.done
        after = "revising opens" if upcoming == "revision" else "you assess"
        return (
            f"{board.done} of {board.allocated} reviews written; {missing} will not count."
            f" Review round {board.round} ends and {after}."
        )
    if upcoming == "closed":
        return "The assignment closes: nothing more can be submitted, reviewed or rated."
    return "The assignment is closed."


def _board(replica: Replica, found: FoundAssignment) -> ProgressBoard:
    replica.refresh()
    db, space, assignment = replica.db, found.space, found.assignment
    view = reads.assignment(db, space, assignment)
    if view is None:
        raise LookupError("no such assignment")
    names = names_in(replica, space)
    people: dict[bytes, bytes] = {}  # person -> a device (for the name)
    for member in members(db, space):
        if member.level < Level.MENTOR:
            people.setdefault(member.person or member.device, member.device)
    works = {w.person: w for w in reads.submissions(db, space, assignment)}
    for person in works:
        people.setdefault(person, person)
    pseudonyms: dict[bytes, bytes] = {}  # pseudonym -> person (teachers' devices only)
    if writer.my_level(replica, space) >= Level.TEACHER:
        for e in enrolled(db, space, assignment, replica.key):
            pseudonyms[e.pseudonym] = person_of(db, space, e.device)
    rounds = reads.review_rounds(db, space, assignment)
    allocation: dict[bytes, set[bytes]] = {}
    done_pairs: set[tuple[bytes, bytes]] = set()
    opener_version: dict[bytes, int] = {}
    if rounds:
        opener = rounds[-1].op_id
        allocation = allocation_at(db, space, opener, None)
        done_pairs = {
            (r.submission, r.pseudonym)
            for r in reads.reviews(db, space, assignment)
            if r.opener == opener and r.pseudonym in allocation.get(r.submission, set())
        }
        opener_version = {s: reads.allocated_version(db, space, opener, s) for s in allocation}
    owed: dict[bytes, list[int]] = {}  # person -> [allocated, done]
    for submission, reviewers in allocation.items():
        for pseudonym in reviewers:
            writer_person = pseudonyms.get(pseudonym)
            if writer_person is not None:
                counts = owed.setdefault(writer_person, [0, 0])
                counts[0] += 1
                counts[1] += (submission, pseudonym) in done_pairs
    rows = []
    revised = 0
    for person, device in people.items():
        work = works.get(person)
        allocated = len(allocation.get(work.submission, ())) if work else 0
        received = sum(1 for s, _ in done_pairs if work and s == work.submission)
        latest = work.latest.version if work else 0
        if work and rounds and latest > opener_version.get(work.submission, latest):
            revised += 1
        gives = owed.get(person, [0, 0])
        rows.append(
            BoardRow(
                names.get(device, device.hex()[:12]),
                person.hex(),
                work.submission.hex() if work else "",
                latest,
                received,
                allocated,
                gives[1],
                gives[0],
            )
        )
    rows.sort(key=lambda r: (r.name.casefold(), r.person))
    settings = view.settings
    return ProgressBoard(
        view.phase,
        view.round,
        settings.rounds,
        settings.reviewers,
        next_phase(view.phase, view.round, settings.rounds),
        len(people),
        len(works),
        revised,
        sum(len(r) for r in allocation.values()),
        len(done_pairs),
        tuple(rows),
    )


async def board(commands: Commands, found: FoundAssignment) -> ProgressBoard:
    return await commands.database.run(_board, commands.replica, found)


# -- reviews with their writers, and reallocation by hand (teachers) --------------------------
def _writers(replica: Replica, found: FoundAssignment) -> dict[bytes, bytes]:
    """pseudonym -> person, for every enrolment this (teacher's) device can open."""
    db = replica.db
    return {
        e.pseudonym: person_of(db, found.space, e.device)
        for e in enrolled(db, found.space, found.assignment, replica.key)
    }


def _written(replica: Replica, found: FoundAssignment) -> tuple[WrittenReview, ...]:
    replica.refresh()
    if writer.my_level(replica, found.space) < Level.TEACHER:
        raise CommandError("Only teachers see who wrote each review.")
    db, space = replica.db, found.space
    names = _person_names(replica, space)
    writers = _writers(replica, found)
    authors = {w.submission: w.person for w in reads.submissions(db, space, found.assignment)}
    rows = []
    for review in reads.reviews(db, space, found.assignment):
        author = authors.get(review.submission, b"")
        writer_person = writers.get(review.pseudonym, b"")
        helpful = [h for h, _, _ in review.ratings.values()]
        rows.append(
            WrittenReview(
                review.review_id.hex(),
                review.round,
                review.submission.hex(),
                review.version,
                names.get(author, author.hex()[:12]),
                names.get(writer_person, writer_person.hex()[:12] or "?"),
                dict(review.scores),
                review.comment,
                dict(review.notes),
                helpful[0] if helpful else 0,
                any(flag for _, _, flag in review.ratings.values()),
            )
        )
    return tuple(rows)


def _person_names(replica: Replica, space: SpaceId) -> dict[bytes, str]:
    names = names_in(replica, space)
    found: dict[bytes, str] = {}
    for member in members(replica.db, space):
        found.setdefault(member.person or member.device, names.get(member.device, member.name))
    return found


async def written_reviews(commands: Commands, found: FoundAssignment) -> tuple[WrittenReview, ...]:
    """Every review that counts, with its writer's and its author's names (teachers)."""
    return await commands.database.run(_written, commands.replica, found)


def _reallocate(
    replica: Replica, found: FoundAssignment, submission: str, reviewer: str, add: bool, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    db, space = replica.db, found.space
    if writer.my_level(replica, space) < Level.TEACHER:
        raise Rejected(Reason.NOT_PERMITTED, "Only teachers change who reviews what.")
    now = phase_at(db, space, found.assignment, None)
    if now.phase != "review":
        raise Rejected(
            Reason.NOT_PERMITTED, f"Reviewers change only while a review round is open, not in {now.phase}."
        )
    work = next(
        (w for w in reads.submissions(db, space, found.assignment) if w.submission.hex() == submission), None
    )
    if work is None:
        raise Rejected(Reason.BAD_CONTENT, "There is no such submission.")
    keys = [p for p, person in _writers(replica, found).items() if person.hex() == reviewer]
    if not keys:
        raise Rejected(Reason.BAD_CONTENT, "That student has no reviewer key here: they have not submitted.")
    if add and work.person.hex() == reviewer:
        raise Rejected(Reason.BAD_CONTENT, "Nobody reviews their own work.")
    fields = {"opener": now.op_id, "submission": work.submission, "pseudonym": keys[0], "add": add}
    return writer.write(replica, space, "assign.reviewer", fields, now_ms=now_ms)


async def reallocate(
    commands: Commands, found: FoundAssignment, submission: str, reviewer: str, *, add: bool
) -> None:
    """Add (or take off) `reviewer` (a person, hex) as a reviewer of `submission` (hex) in
    the open review round."""
    await commands.write(
        _reallocate, commands.replica, found, submission, reviewer, add, commands.clock.now_ms()
    )
