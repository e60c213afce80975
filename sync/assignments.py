"""Reading assignments: their settings and phase, submissions and versions, allocations,
the reviews that count, ratings, and the gradebook (sealed grades opened with a key).

A review counts when it is its pseudonym's latest on that submission in that round and
the pseudonym is still allocated to the submission after every teacher reallocation this
replica holds (a removal the review had not seen still discards it: the review stays a
valid op, it just no longer counts).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sync import grading
from sync.assessment import TaskSettings
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId
from sync.policy import Level
from sync.pseudonym import enrolled, open_grade, pseudonym_key
from sync.reducers.assess import PhaseRow, allocation_at, phase_at, phases_at, settings_at
from sync.wire.canonical import unpack_canonical, unpack_stored


@dataclass(frozen=True, slots=True)
class AssignmentView:
    assignment: OpId
    settings: TaskSettings
    phase: str
    round: int
    created_hlc: int


@dataclass(frozen=True, slots=True)
class VersionView:
    op_id: OpId
    version: int
    text: str
    note: str
    files: tuple[tuple[bytes, str, int], ...]
    hlc: int


@dataclass(frozen=True, slots=True)
class SubmissionView:
    submission: bytes
    person: bytes
    versions: tuple[VersionView, ...]  # one per version number, ascending

    @property
    def latest(self) -> VersionView:
        return self.versions[-1]


@dataclass(frozen=True, slots=True)
class ReviewView:
    review_id: OpId  # the pseudonym's first review op of this submission in this round
    latest_op: OpId
    opener: OpId
    round: int
    submission: bytes
    version: int
    pseudonym: bytes
    scores: dict[str, int]
    comment: str
    notes: dict[str, str]
    ratings: dict[bytes, tuple[int, str, bool]] = field(default_factory=dict)  # person -> rating


def assignment(db: sqlite3.Connection, space: SpaceId, assignment_id: bytes) -> AssignmentView | None:
    settings = settings_at(db, space, assignment_id, None)
    if settings is None:
        return None
    phase = phase_at(db, space, assignment_id, None)
    created = db.execute(
        "SELECT hlc FROM assign_tasks WHERE space = ? AND op_id = ?", (space, assignment_id)
    ).fetchone()
    return AssignmentView(OpId(assignment_id), settings, phase.phase, phase.round, created[0])


def assignments(db: sqlite3.Connection, space: SpaceId) -> list[AssignmentView]:
    ids = [
        row[0]
        for row in db.execute(
            "SELECT op_id FROM assign_tasks WHERE space = ? AND op_id = assignment", (space,)
        )
    ]
    found = [assignment(db, space, i) for i in ids]
    return sorted((a for a in found if a is not None), key=lambda a: (a.created_hlc, a.assignment))


def submissions(db: sqlite3.Connection, space: SpaceId, assignment_id: bytes) -> list[SubmissionView]:
    latest: dict[tuple[bytes, int], tuple[int, bytes, VersionView]] = {}
    persons: dict[bytes, bytes] = {}
    for op_id, submission, person, hlc, version, text, note, files in db.execute(
        "SELECT op_id, submission, person, hlc, version, text, note, files FROM assign_versions"
        " WHERE space = ? AND assignment = ?",
        (space, assignment_id),
    ):
        persons[submission] = person
        key = (submission, version)
        if key not in latest or (hlc, op_id) > latest[key][:2]:
            refs = tuple((bytes(f[0]), str(f[1]), int(f[2])) for f in unpack_canonical(files))
            latest[key] = (hlc, op_id, VersionView(OpId(op_id), version, text, note, refs, hlc))
    versions: dict[bytes, list[VersionView]] = {}
    for (submission, _), (_, _, view) in sorted(latest.items()):
        versions.setdefault(submission, []).append(view)
    return [SubmissionView(s, persons[s], tuple(versions[s])) for s in sorted(persons)]


def review_rounds(db: sqlite3.Connection, space: SpaceId, assignment_id: bytes) -> list[PhaseRow]:
    """The review-opening op in force for each round (the (hlc, op id)-latest), by round."""
    rounds: dict[int, PhaseRow] = {}
    for row in phases_at(db, space, assignment_id, None):
        if row.phase == "review":
            rounds[row.round] = row  # sorted by (order, hlc, op id): the last one wins
    return [rounds[r] for r in sorted(rounds)]


def reviews(
    db: sqlite3.Connection, space: SpaceId, assignment_id: bytes, *, rounds: set[int] | None = None
) -> list[ReviewView]:
    """The reviews that count, with their ratings, by round then submission (of `rounds`
    only, if given). One row per register, kept by the review reducer (assign_scores)."""
    openers = {
        row.op_id: row
        for row in review_rounds(db, space, assignment_id)
        if rounds is None or row.round in rounds
    }
    allocations = {opener: allocation_at(db, space, opener, None) for opener in openers}
    found: dict[tuple[bytes, bytes, bytes], ReviewView] = {}
    params: tuple[bytes, ...]
    if rounds is None:
        where, params = "assignment = ?", (space, assignment_id)
    else:  # those rounds' registers only, by the primary key
        where, params = f"opener IN ({', '.join('?' * len(openers))})", (space, *openers)
    for opener, submission, pseudonym, first_op, latest_op, version, scores, comment, notes in db.execute(
        "SELECT opener, submission, pseudonym, first_op, latest_op, version, scores, comment, notes"
        f" FROM assign_scores WHERE space = ? AND {where}",
        params,
    ):
        if opener not in openers or pseudonym not in allocations[opener].get(submission, set()):
            continue
        found[(opener, submission, pseudonym)] = ReviewView(
            review_id=OpId(first_op),
            latest_op=OpId(latest_op),
            opener=OpId(opener),
            round=openers[opener].round,
            submission=submission,
            version=version,
            pseudonym=pseudonym,
            scores={str(n): int(v) for n, v in unpack_stored(scores)},
            comment=comment,
            notes={str(n): str(v) for n, v in unpack_stored(notes)},
        )
    latest_rating: dict[
        tuple[tuple[bytes, bytes, bytes], bytes], tuple[int, bytes, tuple[int, str, bool]]
    ] = {}
    for op_id, opener, submission, pseudonym, person, hlc, helpful, comment, flag in db.execute(
        "SELECT g.op_id, r.opener, r.submission, r.pseudonym, g.person, g.hlc, g.helpful, g.comment, g.flag"
        " FROM assign_ratings g JOIN assign_reviews r ON r.space = g.space AND r.op_id = g.review"
        " WHERE g.space = ? AND g.assignment = ?",
        (space, assignment_id),
    ):
        key2 = ((opener, submission, pseudonym), person)
        if key2 not in latest_rating or (hlc, op_id) > latest_rating[key2][:2]:
            latest_rating[key2] = (hlc, op_id, (helpful, comment, bool(flag)))
    for (register, person), (_, _, rating) in latest_rating.items():
        if register in found:
            found[register].ratings[person] = rating
    return sorted(found.values(), key=lambda r: (r.round, r.submission, r.review_id))


def sealed_grades(
    db: sqlite3.Connection, space: SpaceId, assignment_id: bytes
) -> dict[bytes, dict[bytes, bytes]]:
    """submission -> {reader device: sealed box} of the grade in force."""
    latest: dict[bytes, tuple[int, bytes, bytes]] = {}
    for op_id, submission, hlc, sealed in db.execute(
        "SELECT op_id, submission, hlc, sealed FROM assign_grades WHERE space = ? AND assignment = ?",
        (space, assignment_id),
    ):
        if submission not in latest or (hlc, op_id) > latest[submission][:2]:
            latest[submission] = (hlc, op_id, sealed)
    return {
        submission: {bytes(p[0]): bytes(p[1]) for p in unpack_canonical(sealed)}
        for submission, (_, _, sealed) in latest.items()
    }


@dataclass(frozen=True, slots=True)
class GradeRow:
    submission: bytes
    person: bytes
    versions: int
    peer: float | None
    reviewing: float | None
    suggested: float | None
    grade: int | None
    comment: str


def gradebook(db: sqlite3.Connection, space: SpaceId, assignment_id: bytes, key: DeviceKey) -> list[GradeRow]:
    """Grades as `key`'s device may read them: a teacher device that can open the
    enrolments reads everyone's; a student reads their own row only (their reviewing
    grade from their own pseudonym, their grade from the box sealed to them)."""
    view = assignment(db, space, assignment_id)
    if view is None:
        return []
    criteria = view.settings.criteria
    # The reviews of the last round that has any that count (read round by round, latest first).
    final: list[ReviewView] = []
    for row in reversed(review_rounds(db, space, assignment_id)):
        final = reviews(db, space, assignment_id, rounds={row.round})
        if final:
            break
    works = submissions(db, space, assignment_id)
    sealed = sealed_grades(db, space, assignment_id)
    opened = {s: open_grade(key, boxes) for s, boxes in sealed.items()}
    teacher_grades = {s: float(g.grade) for s, g in opened.items() if g is not None}
    me = _person(db, space, key.device_id)
    level = db.execute(
        "SELECT level FROM members WHERE space = ? AND device = ?", (space, key.device_id)
    ).fetchone()
    teacher = level is not None and level[0] >= Level.TEACHER
    if teacher:
        person_of_pseudonym = {
            e.pseudonym: _person(db, space, e.device) for e in enrolled(db, space, assignment_id, key)
        }
    else:  # only one's own pseudonym is known
        person_of_pseudonym = {pseudonym_key(key, space, assignment_id).device_id: me}
    facts = [
        grading.ReviewFacts(r.pseudonym, r.submission, r.scores, tuple(h for h, _, _ in r.ratings.values()))
        for r in final
    ]
    reviewing_of = grading.reviewing_grades(facts, criteria, teacher_grades)
    scores_of: dict[bytes, list[dict[str, int]]] = {}
    for r in final:
        scores_of.setdefault(r.submission, []).append(r.scores)
    pseudonyms_of: dict[bytes, list[bytes]] = {}
    for pseudonym, person in person_of_pseudonym.items():
        pseudonyms_of.setdefault(person, []).append(pseudonym)
    rows = []
    for work in works:
        if not teacher and work.person != me:
            continue  # a student sees their own row only
        peer = grading.peer_score(scores_of.get(work.submission, []), criteria)
        pseudonyms = pseudonyms_of.get(work.person, [])
        reviewing = reviewing_of.get(pseudonyms[0]) if pseudonyms else None
        grade = opened.get(work.submission)
        rows.append(
            GradeRow(
                work.submission,
                work.person,
                len(work.versions),
                peer,
                reviewing,
                grading.suggested_grade(peer, reviewing, view.settings.peer_weight),
                grade.grade if grade else None,
                grade.comment if grade else "",
            )
        )
    return rows


def _person(db: sqlite3.Connection, space: bytes, device: bytes) -> bytes:
    from sync.reducers.assess import person_of

    return person_of(db, space, device)


# -- finding things by id prefix, across this device's spaces ----------------------------


def assignment_ids(db: sqlite3.Connection) -> list[tuple[SpaceId, OpId]]:
    return [
        (SpaceId(space), OpId(op_id))
        for space, op_id in db.execute("SELECT space, op_id FROM assign_tasks WHERE op_id = assignment")
    ]


def submission_ids(db: sqlite3.Connection) -> list[tuple[SpaceId, OpId, bytes]]:
    """(space, assignment, submission) of every submission this device holds."""
    return [
        (SpaceId(space), OpId(assignment), submission)
        for space, assignment, submission in db.execute(
            "SELECT DISTINCT space, assignment, submission FROM assign_versions"
        )
    ]


def review_ids(db: sqlite3.Connection) -> list[tuple[SpaceId, OpId, OpId]]:
    """(space, assignment, review op) of every review op this device holds."""
    return [
        (SpaceId(space), OpId(assignment), OpId(op_id))
        for space, assignment, op_id in db.execute("SELECT space, assignment, op_id FROM assign_reviews")
    ]


def has_enrolled(db: sqlite3.Connection, space: SpaceId, assignment_id: bytes, device: bytes) -> bool:
    row = db.execute(
        "SELECT 1 FROM assign_enrolments WHERE space = ? AND assignment = ? AND device = ? LIMIT 1",
        (space, assignment_id, device),
    ).fetchone()
    return row is not None


def register_of(
    db: sqlite3.Connection, space: SpaceId, review_op: bytes
) -> tuple[bytes, bytes, bytes] | None:
    """(opener, submission, pseudonym) of a review op."""
    row = db.execute(
        "SELECT opener, submission, pseudonym FROM assign_reviews WHERE space = ? AND op_id = ?",
        (space, review_op),
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def review_id_of(db: sqlite3.Connection, space: SpaceId, review_op: bytes) -> OpId | None:
    """A review's id: the first op of its pseudonym's register (round, submission)."""
    row = db.execute(
        "SELECT b.op_id FROM assign_reviews a JOIN assign_reviews b"
        " ON b.space = a.space AND b.opener = a.opener AND b.submission = a.submission"
        " AND b.pseudonym = a.pseudonym"
        " WHERE a.space = ? AND a.op_id = ? ORDER BY b.seq LIMIT 1",
        (space, review_op),
    ).fetchone()
    return None if row is None else OpId(row[0])


def allocated_version(db: sqlite3.Connection, space: SpaceId, opener: bytes, submission: bytes) -> int:
    """The version a round's allocation is of (what the opening op had seen); 0 if none."""
    row = db.execute(
        "SELECT MAX(version) FROM assign_allocation WHERE space = ? AND opener = ? AND submission = ?",
        (space, opener, submission),
    ).fetchone()
    return int(row[0] or 0)


@dataclass(frozen=True, slots=True)
class Calibration:
    """After a round: one reviewer's scores of a work beside the other reviewers' (whose
    are not said), so they can see how their judgement compares."""

    submission: bytes
    round: int
    mine: dict[str, int]
    others: tuple[dict[str, int], ...]


def calibration(
    db: sqlite3.Connection, space: SpaceId, assignment_id: bytes, pseudonym: bytes
) -> list[Calibration]:
    """For every round that has ended, each work `pseudonym` reviewed in it."""
    now = phase_at(db, space, assignment_id, None)
    openers = {row.op_id: row for row in review_rounds(db, space, assignment_id)}
    ended = {op for op, row in openers.items() if row.order < now.order}
    counted = [r for r in reviews(db, space, assignment_id) if r.opener in ended]
    return [
        Calibration(
            mine.submission,
            mine.round,
            dict(mine.scores),
            tuple(
                dict(r.scores)
                for r in counted
                if r.opener == mine.opener and r.submission == mine.submission and r.pseudonym != pseudonym
            ),
        )
        for mine in counted
        if mine.pseudonym == pseudonym
    ]
