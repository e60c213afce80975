"""Assignments and peer assessment: setting a task with a rubric, opening its phases,
submitting versions, reviewing as a pseudonym, reading the reviews one received, rating
them, grading, and the gradebook (docs/protocol.md, "Assignments and peer assessment").

Who may do what, and in which phase, is decided by the reducers for every replica alike
(`sync.reducers.assess`); here input is checked, the refusal worded, and the client's
part of the protocol done: enrolling a pseudonym before the first submission, choosing a
fresh seed when a review round opens, signing reviews with the pseudonym, sealing grades.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trio

from app.errors import CommandError
from app.services import files as local_files
from app.services.commands import Commands
from app.services.items import check_lengths, names_in
from app.services.lookup import resolve_prefix
from app.services.rows import (
    AssignmentDetail,
    AssignmentSummary,
    CalibrationRow,
    CriterionRow,
    GradeEntry,
    ReceivedReview,
    ReviewTask,
    SubmittedFile,
)
from sync import assignments as reads
from sync import blobs, pseudonym, writer
from sync.assessment import (
    MAX_CRITERIA,
    MAX_POINTS,
    MAX_REVIEWERS,
    MAX_ROUNDS,
    settings_fields,
    submission_id,
)
from sync.changes import Changes
from sync.content import MAX_FILES
from sync.errors import Reason, Rejected
from sync.ids import OpId, SpaceId
from sync.op import VerifiedOp
from sync.policy import Level
from sync.reducers.assess import allocation_at, person_of, phase_at
from sync.replica import Replica
from sync.state import members

PHASE_NAMES = ("submission", "review", "revision", "assessment", "closed")
COLUMNS = ("name", "submission_id", "versions", "peer", "reviewing", "suggested", "grade", "comment")


@dataclass(frozen=True, slots=True)
class FoundAssignment:
    space: SpaceId
    assignment: OpId


# -- parsing --------------------------------------------------------------------------
def parse_criterion(typed: str) -> dict[str, Any]:
    """ "NAME:MAX[:DESCRIPTION]" into a rubric line."""
    name, _, rest = typed.partition(":")
    points, _, description = rest.partition(":")
    name = name.strip()
    if not name or "=" in name:
        raise CommandError(f"A criterion is NAME:MAX[:DESCRIPTION], e.g. clarity:4; {typed!r} has no name.")
    try:
        top = int(points)
    except ValueError:
        raise CommandError(
            f"A criterion is NAME:MAX[:DESCRIPTION], e.g. clarity:4; {typed!r} has no MAX."
        ) from None
    if not 1 <= top <= MAX_POINTS:
        raise CommandError(f"A criterion's MAX is from 1 to {MAX_POINTS}, not {top} ({typed!r}).")
    return {"name": name, "max": top, "description": description.strip(), "weight": 1}


def parse_scores(typed: list[str]) -> list[list[Any]]:
    scores: dict[str, int] = {}
    for entry in typed:
        name, equals, value = entry.partition("=")
        try:
            number = int(value)
        except ValueError:
            number = None
        if not equals or not name.strip() or number is None:
            raise CommandError(f"A score is CRITERION=N, e.g. clarity=3; not {entry!r}.")
        if name.strip() in scores:
            raise CommandError(f"The criterion {name.strip()!r} is scored twice.")
        scores[name.strip()] = number
    return [[name, value] for name, value in scores.items()]


# -- finding ----------------------------------------------------------------------------
async def find_assignment(commands: Commands, typed: str) -> FoundAssignment:
    def job() -> FoundAssignment:
        commands.replica.refresh()
        candidates = [(a, FoundAssignment(s, a)) for s, a in reads.assignment_ids(commands.replica.db)]
        return resolve_prefix(typed, candidates, noun="assignment", hint="see `assignment list`")

    return await commands.database.run(job)


def _find_submission(replica: Replica, typed: str) -> tuple[SpaceId, OpId, bytes]:
    replica.refresh()
    candidates = [(s, (space, a, s)) for space, a, s in reads.submission_ids(replica.db)]
    return resolve_prefix(typed, candidates, noun="submission", hint="see `review list`")


# -- teachers -------------------------------------------------------------------------
async def create(
    commands: Commands,
    space: SpaceId,
    *,
    title: str,
    brief: str,
    criteria: list[str],
    reviewers: int,
    rounds: int,
    due: dict[str, int] | None = None,
) -> OpId:
    """A new assignment; `due`: phase -> when it is due (ms), if the teacher gave dates."""
    if not title.strip():
        raise CommandError("An assignment needs a title (--title).")
    if not criteria:
        raise CommandError('An assignment needs a rubric: give at least one --criterion "NAME:MAX".')
    if len(criteria) > MAX_CRITERIA:
        raise CommandError(f"A rubric has at most {MAX_CRITERIA} criteria.")
    if not 1 <= reviewers <= MAX_REVIEWERS:
        raise CommandError(f"Reviewers per submission are from 1 to {MAX_REVIEWERS}, not {reviewers}.")
    if not 1 <= rounds <= MAX_ROUNDS:
        raise CommandError(f"Review rounds are from 1 to {MAX_ROUNDS}, not {rounds}.")
    rubric = [parse_criterion(c) for c in criteria]
    if len({c["name"] for c in rubric}) != len(rubric):
        raise CommandError("Two criteria have the same name.")
    fields = {
        "title": title.strip(),
        "brief": brief,
        "criteria": rubric,
        "reviewers": reviewers,
        "rounds": rounds,
    }
    if due:
        _check_due(due)
        fields["due"] = [[phase, ms] for phase, ms in sorted(due.items())]
    check_lengths({"title": fields["title"], "text": brief})
    op, _ = await commands.write(
        writer.write, commands.replica, space, "assign.create", fields, now_ms=commands.clock.now_ms()
    )
    return OpId(op.op_id)


def _check_due(due: dict[str, int]) -> None:
    wrong = sorted(set(due) - set(PHASE_NAMES))
    if wrong:
        raise CommandError(f"A due date is for a phase ({', '.join(PHASE_NAMES)}), not {wrong[0]!r}.")
    if any(ms < 0 for ms in due.values()):
        raise CommandError("A due date cannot be before 1970.")


def _edit_fields(
    replica: Replica,
    found: FoundAssignment,
    changes: dict[str, Any],
    criteria: list[str] | None,
    due: dict[str, int] | None,
) -> dict[str, Any]:
    """The assignment's settings as they are, with what the teacher changed: the body of
    an `assign.edit` (the files, anonymity and peer weight are kept)."""
    replica.refresh()
    view = reads.assignment(replica.db, found.space, found.assignment)
    if view is None:
        raise CommandError("No such assignment here.")
    fields = settings_fields(view.settings) | changes
    if criteria is not None:
        fields["criteria"] = [parse_criterion(c) for c in criteria]
    if due is not None:
        fields["due"] = [[phase, ms] for phase, ms in sorted(due.items())]
    return fields | {"assignment": found.assignment}


async def edit(
    commands: Commands,
    found: FoundAssignment,
    *,
    title: str | None = None,
    brief: str | None = None,
    criteria: list[str] | None = None,
    reviewers: int | None = None,
    rounds: int | None = None,
    due: dict[str, int] | None = None,
) -> None:
    """Change an assignment (`assign.edit`); what is `None` stays as it is (a rubric typed
    back unchanged would lose its levels and weights, so the client passes None then).
    `due`: phase -> when it is due (ms), all of them (an empty map: no due dates). Once
    reviewing has started the core refuses any change of rubric, reviewers or rounds,
    and a closed assignment any change at all: its sentence is the error."""
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise CommandError("An assignment needs a title.")
        changes["title"] = title.strip()
        check_lengths({"title": title.strip()})
    if brief is not None:
        changes["brief"] = brief
        check_lengths({"text": brief})
    if criteria is not None and not criteria:
        raise CommandError('An assignment needs a rubric: give at least one criterion "NAME:MAX".')
    if criteria is not None and len(criteria) > MAX_CRITERIA:
        raise CommandError(f"A rubric has at most {MAX_CRITERIA} criteria.")
    if reviewers is not None:
        if not 1 <= reviewers <= MAX_REVIEWERS:
            raise CommandError(f"Reviewers per submission are from 1 to {MAX_REVIEWERS}, not {reviewers}.")
        changes["reviewers"] = reviewers
    if rounds is not None:
        if not 1 <= rounds <= MAX_ROUNDS:
            raise CommandError(f"Review rounds are from 1 to {MAX_ROUNDS}, not {rounds}.")
        changes["rounds"] = rounds
    if due is not None:
        _check_due(due)
    fields = await commands.database.run(_edit_fields, commands.replica, found, changes, criteria, due)
    if len({c["name"] for c in fields["criteria"]}) != len(fields["criteria"]):
        raise CommandError("Two criteria have the same name.")
    await commands.write(
        writer.write, commands.replica, found.space, "assign.edit", fields, now_ms=commands.clock.now_ms()
    )


def _phase_fields(replica: Replica, found: FoundAssignment, phase: str, base_seed: bytes) -> dict[str, Any]:
    now = phase_at(replica.db, found.space, found.assignment, None)
    fields: dict[str, Any] = {"assignment": found.assignment, "phase": phase}
    if phase == "review":
        round_ = 1 if now.phase == "submission" else now.round + 1 if now.phase == "revision" else now.round
        return pseudonym.review_opening(
            replica.db, found.space, found.assignment, max(round_, 1), replica.key, base_seed=base_seed
        )
    if phase == "revision":
        fields["round"] = max(now.round, 1)
    return fields


def _open(replica: Replica, found: FoundAssignment, phase: str, now_ms: int) -> tuple[VerifiedOp, Changes]:
    if writer.my_level(replica, found.space) < Level.TEACHER:
        raise Rejected(Reason.NOT_PERMITTED, "Only teachers open an assignment's phases.")
    fields = _phase_fields(replica, found, phase, secrets.token_bytes(32))
    return writer.write(replica, found.space, "assign.phase", fields, now_ms=now_ms)


async def open_phase(commands: Commands, found: FoundAssignment, phase: str) -> tuple[str, int]:
    if phase not in PHASE_NAMES:
        raise CommandError(f"Unknown phase {phase!r}: use one of {', '.join(PHASE_NAMES)}.")
    await commands.write(_open, commands.replica, found, phase, commands.clock.now_ms())
    view = await commands.database.run(reads.assignment, commands.replica.db, found.space, found.assignment)
    assert view is not None
    return view.phase, view.round


def _assess(
    replica: Replica, space: SpaceId, submission: bytes, grade: int, comment: str, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    assignment = next(a for s, a, sub in reads.submission_ids(replica.db) if s == space and sub == submission)
    work = next(w for w in reads.submissions(replica.db, space, assignment) if w.submission == submission)
    rows = members(replica.db, space)
    readers = [m.device for m in rows if m.person == work.person or m.level >= Level.TEACHER]
    fields = pseudonym.grade_fields(
        replica.key, assignment, submission, grade, comment, readers, nonce=secrets.token_bytes(16)
    )
    return writer.write(replica, space, "assign.assess", fields, now_ms=now_ms)


async def assess(commands: Commands, typed: str, grade: int, comment: str) -> str:
    if not 0 <= grade <= 100:
        raise CommandError(f"A grade is from 0 to 100, not {grade}.")
    space, _, submission = await commands.database.run(_find_submission, commands.replica, typed)
    await commands.write(
        _assess, commands.replica, space, submission, grade, comment, commands.clock.now_ms()
    )
    return submission.hex()


# -- students -------------------------------------------------------------------------
def _submit(
    replica: Replica, found: FoundAssignment, text: str, note: str, now_ms: int, files: list[list[Any]]
) -> tuple[list[VerifiedOp], Changes]:
    ops: list[tuple[str, dict[str, Any]]] = []
    if not reads.has_enrolled(replica.db, found.space, found.assignment, replica.key.device_id):
        teachers = [m.device for m in members(replica.db, found.space) if m.level >= Level.TEACHER]
        ops.append(
            ("assign.enrol", pseudonym.enrolment_fields(replica.key, found.space, found.assignment, teachers))
        )
    fields: dict[str, Any] = {"assignment": found.assignment, "text": text, "note": note}
    if files:
        fields["files"] = files
    ops.append(("assign.submit", fields))
    try:
        return writer.write_many(replica, found.space, ops, now_ms=now_ms)
    except Rejected as error:  # the sentence without write_many's "op 2 (kind): "
        raise Rejected(error.reason, error.detail.split("): ", 1)[-1]) from None


async def submit(
    commands: Commands, found: FoundAssignment, text: str, note: str, files: Sequence[Path] = ()
) -> tuple[str, int]:
    """Hand in a version: its text, and `files` attached (a PDF, an image, a document),
    each checked and refused in one line before anything is stored; a blob new in the
    circle is removed again if the version is not written."""
    if not text.strip() and not files:
        raise CommandError("A submission cannot be empty: give --body TEXT or --file F.")
    if len(files) > MAX_FILES:
        raise CommandError(f"A submission holds at most {MAX_FILES} files; this one has {len(files)}.")
    check_lengths({"text": text})
    checked = [local_files.check(Path(path)) for path in files]
    stored: list[bytes] = []
    try:
        refs: list[list[Any]] = []
        for local in checked:
            blob, chunks = await trio.to_thread.run_sync(local_files.read, local)
            put = functools.partial(blobs.put_chunks, commands.replica.store, blob, chunks, space=found.space)
            if await commands.database.run(put):
                stored.append(blob)
            refs.append([blob, local.name, local.size])
        await commands.write(_submit, commands.replica, found, text, note, commands.clock.now_ms(), refs)
    except BaseException:
        with trio.CancelScope(shield=True):
            for blob in stored:
                remove = functools.partial(blobs.remove, commands.replica.store, blob, space=found.space)
                await commands.database.run(remove)
        raise

    def job() -> tuple[str, int]:
        person = person_of(commands.replica.db, found.space, commands.replica.key.device_id)
        work = submission_id(found.assignment, person)
        versions = reads.submissions(commands.replica.db, found.space, found.assignment)
        return work.hex(), next(w.latest.version for w in versions if w.submission == work)

    return await commands.database.run(job)


def _my_key(replica: Replica, space: SpaceId, assignment: bytes) -> bytes:
    return pseudonym.pseudonym_key(replica.key, space, assignment).device_id


def _tasks(replica: Replica, found: FoundAssignment) -> list[ReviewTask]:
    replica.refresh()
    db, space, assignment = replica.db, found.space, found.assignment
    now = phase_at(db, space, assignment, None)
    if now.phase != "review":
        return []
    me = _my_key(replica, space, assignment)
    mine = sorted(s for s, reviewers in allocation_at(db, space, now.op_id, None).items() if me in reviewers)
    works = {w.submission: w for w in reads.submissions(db, space, assignment)}
    counted = [r for r in reads.reviews(db, space, assignment) if r.pseudonym == me]
    tasks = []
    for submission in mine:
        work = works[submission]
        allocated = reads.allocated_version(db, space, now.op_id, submission)  # 0: added by hand
        version = next((v for v in work.versions if v.version == allocated), work.latest)
        done = any(r.opener == now.op_id and r.submission == submission for r in counted)
        before = [r.version for r in counted if r.submission == submission and r.round < now.round]
        diff = ""
        if before:
            old = next(v for v in work.versions if v.version == max(before))
            diff = "".join(  # line by line: a text without a final newline must not glue two lines
                line + "\n"
                for line in difflib.unified_diff(
                    old.text.splitlines(),
                    version.text.splitlines(),
                    f"version {old.version}",
                    f"version {version.version}",
                    lineterm="",
                )
            )
        tasks.append(
            ReviewTask(
                submission.hex(),
                version.version,
                "done" if done else "todo",
                version.text,
                version.note,
                max(before, default=0),
                diff,
                tuple(
                    SubmittedFile(blob.hex(), name, size, blobs.held_in(db, space, blob))
                    for blob, name, size in version.files
                ),
            )
        )
    return tasks


async def review_tasks(commands: Commands, found: FoundAssignment) -> list[ReviewTask]:
    return await commands.database.run(_tasks, commands.replica, found)


def _write_review(
    replica: Replica, typed: str, scores: list[list[Any]], comment: str, now_ms: int, notes: list[list[str]]
) -> tuple[VerifiedOp, Changes]:
    space, assignment, submission = _find_submission(replica, typed)
    if writer.my_level(replica, space) < Level.MEMBER:
        raise Rejected(Reason.NOT_PERMITTED, "You are no longer a member of this circle; nothing was sent.")
    now = phase_at(replica.db, space, assignment, None)
    if now.phase != "review":
        raise Rejected(
            Reason.NOT_PERMITTED, f"The assignment is in its {now.phase} phase, not a review round."
        )
    version = reads.allocated_version(replica.db, space, now.op_id, submission) or max(
        (
            v.version
            for w in reads.submissions(replica.db, space, assignment)
            if w.submission == submission
            for v in w.versions
        ),
        default=1,
    )  # a reviewer added by hand reviews the latest version
    fields = {
        "opener": now.op_id,
        "submission": submission,
        "version": version,
        "scores": scores,
        "comment": comment,
        "notes": notes,
    }
    return pseudonym.write_as(
        replica,
        pseudonym.pseudonym_key(replica.key, space, assignment),
        space,
        "assign.review",
        fields,
        deps=pseudonym.review_deps(replica.db, space, assignment, submission, version),
        now_ms=now_ms,
    )


async def write_review(
    commands: Commands, typed: str, scores: list[str], comment: str, notes: dict[str, str] | None = None
) -> str:
    """Write (or rewrite) my review of a submission; `notes`: a comment per criterion."""
    parsed = parse_scores(scores)
    check_lengths({"text": comment})
    kept = [[name, text] for name, text in (notes or {}).items() if text.strip()]
    op, _ = await commands.write(
        _write_review, commands.replica, typed, parsed, comment, commands.clock.now_ms(), kept
    )

    def job() -> str:
        found = reads.review_id_of(commands.replica.db, op.space_id(), op.op_id)
        return (found or op.op_id).hex()

    return await commands.database.run(job)


def _received(replica: Replica, found: FoundAssignment) -> list[ReceivedReview]:
    replica.refresh()
    db = replica.db
    person = person_of(db, found.space, replica.key.device_id)
    work = submission_id(found.assignment, person)
    return [
        ReceivedReview(
            r.review_id.hex(),
            r.round,
            r.version,
            dict(r.scores),
            r.comment,
            dict(r.notes),
            r.ratings.get(person, (0, "", False))[0],
        )
        for r in reads.reviews(db, found.space, found.assignment)
        if r.submission == work
    ]


async def received(commands: Commands, found: FoundAssignment) -> list[ReceivedReview]:
    return await commands.database.run(_received, commands.replica, found)


def _rate(
    replica: Replica, typed: str, helpful: int, comment: str, flag: bool, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    replica.refresh()
    candidates = [(op_id, (space, op_id)) for space, _, op_id in reads.review_ids(replica.db)]
    space, review = resolve_prefix(typed, candidates, noun="review", hint="see `review received`")
    fields = {"review": review, "helpful": helpful, "comment": comment, "flag": flag}
    return writer.write(replica, space, "assign.rate", fields, now_ms=now_ms, extra_deps=[review])


async def rate(commands: Commands, typed: str, helpful: int, comment: str, flag: bool) -> None:
    if not 1 <= helpful <= 5:
        raise CommandError(f"Helpfulness is from 1 (not helpful) to 5 (very helpful), not {helpful}.")
    await commands.write(_rate, commands.replica, typed, helpful, comment, flag, commands.clock.now_ms())


async def calibration(commands: Commands, found: FoundAssignment) -> list[CalibrationRow]:
    def job() -> list[CalibrationRow]:
        replica = commands.replica
        replica.refresh()
        me = _my_key(replica, found.space, found.assignment)
        return [
            CalibrationRow(c.submission.hex(), c.round, c.mine, c.others)
            for c in reads.calibration(replica.db, found.space, found.assignment, me)
        ]

    return await commands.database.run(job)


# -- reading ----------------------------------------------------------------------------
async def listing(commands: Commands, space: SpaceId) -> list[AssignmentSummary]:
    def job() -> list[AssignmentSummary]:
        commands.replica.refresh()
        return [
            AssignmentSummary(a.assignment.hex(), a.settings.title, a.phase, a.round)
            for a in reads.assignments(commands.replica.db, space)
        ]

    return await commands.database.run(job)


async def detail(commands: Commands, found: FoundAssignment) -> AssignmentDetail:
    def job() -> AssignmentDetail:
        replica = commands.replica
        replica.refresh()
        view = reads.assignment(replica.db, found.space, found.assignment)
        assert view is not None
        works = reads.submissions(replica.db, found.space, found.assignment)
        person = person_of(replica.db, found.space, replica.key.device_id)
        mine = [w.latest.version for w in works if w.person == person]
        s = view.settings
        return AssignmentDetail(
            view.assignment.hex(),
            found.space.hex(),
            s.title,
            s.brief,
            view.phase,
            view.round,
            tuple(CriterionRow(c.name, c.description, c.top, c.levels, c.weight) for c in s.criteria),
            s.reviewers,
            s.rounds,
            s.peer_weight,
            len(works),
            mine[0] if mine else 0,
            tuple(s.due),
        )

    return await commands.database.run(job)


async def gradebook(commands: Commands, found: FoundAssignment) -> list[GradeEntry]:
    def job() -> list[GradeEntry]:
        replica = commands.replica
        replica.refresh()
        names = names_in(replica, found.space)
        return [
            GradeEntry(
                names.get(row.person, row.person.hex()[:12]),
                row.submission.hex(),
                row.versions,
                row.peer,
                row.reviewing,
                row.suggested,
                row.grade,
                row.comment,
            )
            for row in reads.gradebook(replica.db, found.space, found.assignment, replica.key)
        ]

    return await commands.database.run(job)


def gradebook_csv(rows: list[GradeEntry]) -> str:
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(COLUMNS)
    for row in rows:
        data = row.to_json()
        table.writerow(["" if data[key] is None else data[key] for key in COLUMNS])
    return out.getvalue()


# -- a removed member's pseudonyms -----------------------------------------------------
def _withdrawals(replica: Replica, space: SpaceId, removed: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Reallocation ops taking a removed person's pseudonyms off every open review round:
    their reviews stop counting, written before or after (the link is the teachers' to open)."""
    db = replica.db
    person = person_of(db, space, removed)
    ops: list[tuple[str, dict[str, Any]]] = []
    for view in reads.assignments(db, space):
        now = phase_at(db, space, view.assignment, None)
        if now.phase != "review":
            continue
        theirs = {
            e.pseudonym
            for e in pseudonym.enrolled(db, space, view.assignment, replica.key)
            if person_of(db, space, e.device) == person
        }
        for submission, reviewers in sorted(allocation_at(db, space, now.op_id, None).items()):
            for key in sorted(theirs & reviewers):
                fields = {"opener": now.op_id, "submission": submission, "pseudonym": key, "add": False}
                ops.append(("assign.reviewer", fields))
    return ops


async def withdraw_removed(commands: Commands, space: SpaceId, removed: bytes) -> None:
    """After a teacher removes a member: take their pseudonyms off the open review rounds
    (docs/security.md, "Peer assessment"). Only a teacher's device can open the links."""
    replica = commands.replica
    if await commands.database.run(writer.my_level, replica, space) < Level.TEACHER:
        return
    ops = await commands.database.run(_withdrawals, replica, space, removed)
    if ops:
        await commands.write(writer.write_many, replica, space, ops, now_ms=commands.clock.now_ms())
