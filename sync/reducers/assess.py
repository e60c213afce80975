"""Assignments and peer assessment: tasks, phases, enrolments, submission versions,
allocations, reviews, reallocations, ratings and grades.

Every rule is judged over the op's causal past, never a clock: an op fits the phase that
the assignment's phase ops *in its causal past* put it in (the greatest by (order, hlc,
op id), the assignment's creation standing for the submission phase). Hence a version
sent by someone who had not yet seen the review round open is accepted (it is not
allocated: the allocation is over what the opening op had seen), and one sent after
seeing it is refused with a sentence saying what to do.

CRDTs: settings and grades are last-writer-wins registers by (hlc, op id); versions are
LWW per (person, version number); phase ops, enrolments, reallocations and ratings are
kept whole and folded when read; a review is its pseudonym's register per (round,
submission), the highest seq winning (one author, one chain). The allocation of a
review round is a pure function of the opening op's causal past (`sync.allocation`),
so it is computed when that op is applied and is the same on every replica.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sync.allocation import allocate
from sync.assessment import (
    ASSESSMENT_ORDER,
    Assessment,
    Enrolment,
    PhaseSwitch,
    Rating,
    Reallocation,
    Review,
    SubmissionVersion,
    TaskEdit,
    TaskSettings,
    settings_fields,
    settings_of,
    submission_id,
)
from sync.errors import Reason, Refusal
from sync.policy import Level
from sync.reducers import PERSONS_MEMO, Applied, Handler
from sync.reducers.assess_index import AssessIndex, PhaseEntry, ReallocationRow, TaskRow, index_of
from sync.wire.canonical import pack, pack_flat, unpack_canonical

Clock = dict[int, int] | None  # an op's causal past; None: everything this replica holds


def _seen(clock: Clock, author: int, seq: int) -> bool:
    return clock is None or clock.get(author, 0) >= seq


def refuse(reason: Reason, sentence: str) -> Refusal:
    return Refusal(reason, sentence)


# -- what a causal past holds --------------------------------------------------------


def settings_at(db: sqlite3.Connection, space: bytes, assignment: bytes, clock: Clock) -> TaskSettings | None:
    """The assignment's settings as the latest create/edit in `clock` states them."""
    rows = db.execute(
        "SELECT op_id, author_idx, seq, hlc, settings FROM assign_tasks WHERE space = ? AND assignment = ?",
        (space, assignment),
    )
    return settings_of_rows(rows, assignment, clock)


def settings_of_rows(rows: Iterable[TaskRow], assignment: bytes, clock: Clock) -> TaskSettings | None:
    """The (hlc, op id)-latest settings among the task rows in `clock`, if the creation is."""
    best: tuple[int, bytes, bytes] | None = None
    created = False
    for op_id, author, seq, hlc, settings in rows:
        if not _seen(clock, author, seq):
            continue
        created = created or op_id == assignment
        if best is None or (hlc, op_id) > best[:2]:
            best = (hlc, op_id, settings)
    if best is None or not created:
        return None
    return _settings(best[2])


@functools.lru_cache(maxsize=256)
def _settings(stored: bytes) -> TaskSettings:
    return settings_of(unpack_canonical(stored))


class _Keys(tuple[bytes, ...]):
    """A round's certified keys, with their set made once (a review asks it each time)."""

    members: frozenset[bytes]


@functools.lru_cache(maxsize=64)
def _keys(stored: bytes) -> tuple[bytes, ...]:
    keys = _Keys(unpack_canonical(stored))
    keys.members = frozenset(keys)
    return keys


def _certified(keys: tuple[bytes, ...]) -> frozenset[bytes]:
    return keys.members if isinstance(keys, _Keys) else frozenset(keys)


@dataclass(frozen=True, slots=True)
class PhaseRow:
    op_id: bytes
    order: int
    phase: str
    round: int
    hlc: int
    seed: bytes = b""
    pseudonyms: tuple[bytes, ...] = ()


_PHASE_COLUMNS = "op_id, author_idx, seq, hlc, ord, phase, round, seed, pseudonyms"


def phases_at(
    db: sqlite3.Connection, space: bytes, assignment: bytes, clock: Clock, *, keys: bool = True
) -> list[PhaseRow]:
    """The assignment's phase switches in `clock`, in (order, hlc, op id) order (without
    their certified keys unless `keys`: reading those costs most)."""
    columns = _PHASE_COLUMNS if keys else _PHASE_COLUMNS.replace("pseudonyms", "NULL")
    rows = db.execute(
        f"SELECT {columns} FROM assign_phases WHERE space = ? AND assignment = ?", (space, assignment)
    )
    return phases_of_rows(rows, clock, keys=keys)


def phases_of_rows(rows: Iterable[PhaseEntry], clock: Clock, *, keys: bool = True) -> list[PhaseRow]:
    """The phase rows in `clock`, in (order, hlc, op id) order."""
    found = [_phase(entry, keys=keys) for entry in rows if _seen(clock, entry[1], entry[2])]
    return sorted(found, key=lambda row: (row.order, row.hlc, row.op_id))


@functools.lru_cache(maxsize=256)
def _phase(entry: PhaseEntry, *, keys: bool = True) -> PhaseRow:
    op_id, _, _, hlc, order, phase, round_, seed, pseudonyms = entry
    return PhaseRow(op_id, order, phase, round_, hlc, seed, _keys(pseudonyms) if keys else ())


def phase_at(db: sqlite3.Connection, space: bytes, assignment: bytes, clock: Clock) -> PhaseRow:
    """The phase the assignment is in, as `clock` sees it (submission until switched)."""
    rows = phases_at(db, space, assignment, clock, keys=False)
    if not rows:
        return PhaseRow(assignment, 0, "submission", 0, 0)
    return _phase_row(db, space, rows[-1].op_id) if rows[-1].phase == "review" else rows[-1]


def _current(rows: list[PhaseRow], assignment: bytes) -> PhaseRow:
    return rows[-1] if rows else PhaseRow(assignment, 0, "submission", 0, 0)


def opener_row(
    db: sqlite3.Connection, space: bytes, opener: bytes, clock: Clock
) -> tuple[bytes, PhaseRow] | None:
    """(assignment, row) of a review-opening op in `clock`."""
    found = db.execute(
        f"SELECT assignment, {_PHASE_COLUMNS} FROM assign_phases WHERE space = ? AND op_id = ?",
        (space, opener),
    ).fetchone()
    return None if found is None else _opener_of(found[0], found[1:], clock)


def _opener_of(assignment: bytes, entry: PhaseEntry, clock: Clock) -> tuple[bytes, PhaseRow] | None:
    if entry[5] != "review" or not _seen(clock, entry[1], entry[2]):
        return None
    return assignment, _phase(entry)


def _phase_row(db: sqlite3.Connection, space: bytes, op_id: bytes) -> PhaseRow:
    entry = db.execute(
        f"SELECT {_PHASE_COLUMNS} FROM assign_phases WHERE space = ? AND op_id = ?", (space, op_id)
    ).fetchone()
    return _phase(entry)


def person_of(db: sqlite3.Connection, space: bytes, device: bytes) -> bytes:
    row = db.execute(
        "SELECT person FROM device_persons WHERE space = ? AND device = ?", (space, device)
    ).fetchone()
    return row[0] if row else device


def op_person(db: sqlite3.Connection, op: Applied) -> bytes:
    """The person whose device signed `op`, as the space's `device_persons` table says
    (a device it does not list is its own person, as in `person_of`).

    The whole table is read once into the space's memo and kept until the replica
    rewrites it (`Replica._materialize_members` drops the memo's entry), so a class's
    submissions and ratings cost one read, not one per device (each read also forced the
    write buffer out)."""
    persons: dict[bytes, bytes] | None = op.memo.get(PERSONS_MEMO)
    if persons is None:
        persons = op.memo[PERSONS_MEMO] = dict(
            db.execute("SELECT device, person FROM device_persons WHERE space = ?", (op.space,)).fetchall()
        )
    return persons.get(op.device, op.device)


def versions_at(
    db: sqlite3.Connection, space: bytes, assignment: bytes, clock: Clock, *, only: bytes | None = None
) -> dict[bytes, int]:
    """submission -> the highest version number in `clock` (of submission `only`, if given)."""
    query = (
        "SELECT submission, version, author_idx, seq FROM assign_versions WHERE space = ? AND assignment = ?"
    )
    params: tuple[bytes, ...] = (space, assignment)
    if only is not None:
        query, params = query + " AND submission = ?", (*params, only)
    return versions_of_rows(db.execute(query, params), clock)


def versions_of_rows(rows: Iterable[tuple[bytes, int, int, int]], clock: Clock) -> dict[bytes, int]:
    """submission -> the highest version number among (submission, version, author, seq) in `clock`."""
    found: dict[bytes, int] = {}
    for submission, version, author, seq in rows:
        if _seen(clock, author, seq):
            found[submission] = max(found.get(submission, 0), version)
    return found


def allocation_at(
    db: sqlite3.Connection, space: bytes, opener: bytes, clock: Clock, *, only: bytes | None = None
) -> dict[bytes, set[bytes]]:
    """submission -> reviewers under `opener`: its allocation changed by the teachers'
    reallocations in `clock` (per pair, the (hlc, op id)-latest change wins); of
    submission `only`, if given."""
    found: dict[bytes, set[bytes]] = {}
    narrow, params = ("", (space, opener)) if only is None else (" AND submission = ?", (space, opener, only))
    for submission, pseudonym in db.execute(
        "SELECT submission, pseudonym FROM assign_allocation WHERE space = ? AND opener = ?" + narrow, params
    ):
        found.setdefault(submission, set()).add(pseudonym)
    changes = db.execute(
        "SELECT op_id, submission, pseudonym, added, author_idx, seq, hlc FROM assign_reallocations"
        " WHERE space = ? AND opener = ?" + narrow,
        params,
    )
    return reallocated(found, changes, clock)


def reallocated(
    found: dict[bytes, set[bytes]], changes: Iterable[ReallocationRow], clock: Clock
) -> dict[bytes, set[bytes]]:
    """`found` (changed in place) after the reallocations in `clock`: per (submission,
    reviewer), the (hlc, op id)-latest change wins."""
    latest: dict[tuple[bytes, bytes], tuple[int, bytes, int]] = {}
    for op_id, submission, pseudonym, added, author, seq, hlc in changes:
        if _seen(clock, author, seq) and (hlc, op_id) > latest.get((submission, pseudonym), (0, b"", 0))[:2]:
            latest[(submission, pseudonym)] = (hlc, op_id, added)
    for (submission, pseudonym), (_, _, added) in sorted(latest.items()):
        if added:
            found.setdefault(submission, set()).add(pseudonym)
        else:
            found.get(submission, set()).discard(pseudonym)
    return found


# -- the same questions, answered from the space's index (sync.reducers.assess_index) --


def _index(op: Applied) -> AssessIndex:
    return index_of(op.memo, op.space)


def _settings_in(db: sqlite3.Connection, op: Applied, assignment: bytes) -> TaskSettings | None:
    return settings_of_rows(_index(op).tasks(db, assignment), assignment, op.clock)


def _phases_in(
    db: sqlite3.Connection, op: Applied, assignment: bytes, *, keys: bool = True
) -> list[PhaseRow]:
    return phases_of_rows(_index(op).phases(db, assignment), op.clock, keys=keys)


def _phase_in(db: sqlite3.Connection, op: Applied, assignment: bytes) -> PhaseRow:
    """`_current(_phases_in(...))`: the latest phase row, found without sorting them all."""
    latest = _latest_phase(_index(op).phases(db, assignment), op.clock)
    return PhaseRow(assignment, 0, "submission", 0, 0) if latest is None else _phase(latest)


def _opener_in(db: sqlite3.Connection, op: Applied, opener: bytes) -> tuple[bytes, PhaseRow] | None:
    found = _index(op).phase(db, opener)
    return None if found is None else _opener_of(found[0], found[1], op.clock)


def _versions_in(
    db: sqlite3.Connection, op: Applied, assignment: bytes, *, only: bytes | None = None
) -> dict[bytes, int]:
    by_submission = _index(op).versions(db, assignment)
    picked = by_submission.items() if only is None else [(only, by_submission.get(only, {}))]
    return versions_of_rows(
        ((submission, *row) for submission, rows in picked for row in rows.values()), op.clock
    )


def _allocation_in(
    db: sqlite3.Connection, op: Applied, opener: bytes, *, only: bytes | None = None
) -> dict[bytes, set[bytes]]:
    index = _index(op)
    base = index.allocation(db, opener)
    changes = index.reallocations(db, opener)
    if only is None:
        found = {submission: set(reviewers) for submission, reviewers in base.items()}
        rows = [row for rows_of in changes.values() for row in rows_of.values()]
    else:
        found = {only: set(base[only])} if only in base else {}
        rows = list(changes.get(only, {}).values())
    return reallocated(found, rows, op.clock)


def _reviewers_in(
    db: sqlite3.Connection, op: Applied, opener: bytes, submission: bytes
) -> frozenset[bytes] | set[bytes]:
    """`_allocation_in(..., only=submission)`'s reviewers of `submission`; without a
    reallocation of it, the allocation's own set, not a copy."""
    index = _index(op)
    base = index.allocation(db, opener).get(submission, frozenset())
    changes = index.reallocations(db, opener).get(submission)
    if not changes:
        return base
    return reallocated({submission: set(base)}, list(changes.values()), op.clock).get(submission, set())


def _version_in(db: sqlite3.Connection, op: Applied, assignment: bytes, submission: bytes) -> int:
    """`_versions_in(..., only=submission)`'s highest version of `submission` (0: none)."""
    best = 0
    for version, author, seq in _index(op).versions(db, assignment).get(submission, {}).values():
        if version > best and _seen(op.clock, author, seq):
            best = version
    return best


# id(settings) -> (settings, criterion name -> top score). `_settings` hands out one
# value per stored settings, so a review's check finds its rubric by identity (hashing
# the frozen value would hash its whole text); the entry holds the value, so its id
# cannot be reused while the entry exists.
_TOPS: dict[int, tuple[TaskSettings, dict[str, int]]] = {}


def _tops(settings: TaskSettings) -> dict[str, int]:
    """criterion name -> top score of `settings`' rubric."""
    found = _TOPS.get(id(settings))
    if found is None or found[0] is not settings:
        if len(_TOPS) >= 256:
            _TOPS.clear()
        found = _TOPS[id(settings)] = (settings, {c.name: c.top for c in settings.criteria})
    return found[1]


# -- checks and applies --------------------------------------------------------------


def _task(db: sqlite3.Connection, op: Applied, assignment: bytes) -> TaskSettings | Refusal:
    settings = _settings_in(db, op, assignment)
    if settings is None:
        return refuse(
            Reason.BAD_CONTENT, "There is no such assignment here (or it has not reached this device yet)."
        )
    return settings


def _apply_create(db: sqlite3.Connection, op: Applied, body: TaskSettings) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_tasks (space, op_id, assignment, author_idx, seq, hlc, settings)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (op.space, op.op_id, op.op_id, op.author, op.seq, op.hlc, settings := pack(settings_fields(body))),
    )
    _index(op).added_task(op.op_id, (op.op_id, op.author, op.seq, op.hlc, settings))


def _procedure(settings: TaskSettings) -> tuple[Any, ...]:
    return (settings.criteria, settings.reviewers, settings.rounds)


def _check_edit(db: sqlite3.Connection, op: Applied, body: TaskEdit) -> Refusal | None:
    settings = _task(db, op, body.assignment)
    if isinstance(settings, Refusal):
        return settings
    phase = _phase_in(db, op, body.assignment)
    if phase.phase == "closed":
        return refuse(Reason.NOT_PERMITTED, "This assignment is closed; it can no longer be edited.")
    if phase.order > 0 and _procedure(settings) != _procedure(body.settings):
        return refuse(
            Reason.NOT_PERMITTED,
            "The rubric, reviewers per submission and rounds are fixed once reviewing has started;"
            " change only the title, brief or due dates, or create a new assignment.",
        )
    return None


def _apply_edit(db: sqlite3.Connection, op: Applied, body: TaskEdit) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_tasks (space, op_id, assignment, author_idx, seq, hlc, settings)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.assignment,
            op.author,
            op.seq,
            op.hlc,
            settings := pack(settings_fields(body.settings)),
        ),
    )
    _index(op).added_task(body.assignment, (op.op_id, op.author, op.seq, op.hlc, settings))


def _name(phase: str, round_: int) -> str:
    return f"{phase} round {round_}" if phase in ("review", "revision") else phase


def _check_phase(db: sqlite3.Connection, op: Applied, body: PhaseSwitch) -> Refusal | None:
    settings = _task(db, op, body.assignment)
    if isinstance(settings, Refusal):
        return settings
    now = _phase_in(db, op, body.assignment)
    target = _name(body.phase, body.round)
    if body.order <= now.order:
        return refuse(
            Reason.NOT_PERMITTED,
            f"The assignment is already in its {_name(now.phase, now.round)} phase; phases only move"
            f" forward, so {target} cannot open now.",
        )
    if body.round > settings.rounds:
        return refuse(
            Reason.NOT_PERMITTED, f"This assignment has {settings.rounds} review round(s), not {body.round}."
        )
    if body.phase == "review" and now.order != body.order - 1:
        previous = "the submission phase" if body.round == 1 else f"revision round {body.round - 1}"
        return refuse(
            Reason.NOT_PERMITTED,
            f"Review round {body.round} opens after {previous},"
            f" not after the {_name(now.phase, now.round)} phase.",
        )
    if body.phase == "revision" and now.order != body.order - 1:
        return refuse(
            Reason.NOT_PERMITTED, f"Revision round {body.round} opens after review round {body.round}."
        )
    return None


def _previous_allocation(db: sqlite3.Connection, op: Applied, body: PhaseSwitch) -> dict[bytes, set[bytes]]:
    if body.round <= 1:
        return {}
    earlier = [
        row
        for row in _phases_in(db, op, body.assignment)
        if row.phase == "review" and row.round == body.round - 1
    ]
    return _allocation_in(db, op, earlier[-1].op_id) if earlier else {}


def _apply_phase(db: sqlite3.Connection, op: Applied, body: PhaseSwitch) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_phases (space, op_id, assignment, author_idx, seq, hlc, ord, phase,"
        " round,"
        " seed, pseudonyms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.assignment,
            op.author,
            op.seq,
            op.hlc,
            body.order,
            body.phase,
            body.round,
            body.seed,
            keys := pack(list(body.pseudonyms)),
        ),
    )
    index = _index(op)
    index.added_phase(
        body.assignment,
        (op.op_id, op.author, op.seq, op.hlc, body.order, body.phase, body.round, body.seed, keys),
    )
    if body.phase != "review":
        return
    settings = _settings_in(db, op, body.assignment)
    assert settings is not None  # checked
    versions = _versions_in(db, op, body.assignment)
    chosen = allocate(
        versions, body.pseudonyms, settings.reviewers, body.seed, _previous_allocation(db, op, body)
    )
    db.executemany(
        "INSERT OR IGNORE INTO assign_allocation (space, opener, submission, pseudonym, version)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (op.space, op.op_id, submission, reviewer, versions[submission])
            for submission, reviewers in chosen.items()
            for reviewer in reviewers
        ],
    )
    index.added_allocation(op.op_id, chosen)


def _check_enrol(db: sqlite3.Connection, op: Applied, body: Enrolment) -> Refusal | None:
    settings = _task(db, op, body.assignment)
    if isinstance(settings, Refusal):
        return settings
    if _phase_in(db, op, body.assignment).phase == "closed":
        return refuse(Reason.NOT_PERMITTED, "This assignment is closed.")
    return None


def _apply_enrol(db: sqlite3.Connection, op: Applied, body: Enrolment) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_enrolments (space, op_id, assignment, device, sealed)"
        " VALUES (?, ?, ?, ?, ?)",
        (op.space, op.op_id, body.assignment, op.device, pack([list(pair) for pair in body.sealed])),
    )


def _check_submit(db: sqlite3.Connection, op: Applied, body: SubmissionVersion) -> Refusal | None:
    settings = _task(db, op, body.assignment)
    if isinstance(settings, Refusal):
        return settings
    phase = _phase_in(db, op, body.assignment)
    if phase.phase not in ("submission", "revision"):
        return refuse(
            Reason.NOT_PERMITTED,
            f"Submissions to '{settings.title}' are closed: a teacher opened its"
            f" {_name(phase.phase, phase.round)} phase. Nothing was sent; ask a teacher if a late version"
            " can still be taken (they can send it as a comment) or wait for the next revision round.",
        )
    return None


def _apply_submit(db: sqlite3.Connection, op: Applied, body: SubmissionVersion) -> None:
    phase = _phase_in(db, op, body.assignment)
    person = op_person(db, op)
    submission = submission_id(body.assignment, person)
    db.execute(
        "INSERT OR IGNORE INTO assign_versions (space, op_id, assignment, submission, person, device,"
        " author_idx,"
        " seq, hlc, version, text, note, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.assignment,
            submission,
            person,
            op.device,
            op.author,
            op.seq,
            op.hlc,
            phase.round + 1,
            body.text,
            body.note,
            pack([[ref.blob, ref.name, ref.size] for ref in body.files]),
        ),
    )
    _index(op).added_version(body.assignment, submission, op.op_id, (phase.round + 1, op.author, op.seq))


def _latest_phase(entries: Iterable[PhaseEntry], clock: Clock) -> PhaseEntry | None:
    """The last of `phases_of_rows` (the greatest by (order, hlc, op id) in `clock`),
    found without making and sorting a row for each."""
    best: PhaseEntry | None = None
    for entry in entries:
        if _seen(clock, entry[1], entry[2]) and (
            best is None or (entry[4], entry[3], entry[0]) > (best[4], best[3], best[0])
        ):
            best = entry
    return best


def _round_open(db: sqlite3.Connection, op: Applied, opener: bytes) -> tuple[bytes, PhaseRow] | Refusal:
    found = _opener_in(db, op, opener)
    if found is None:
        return refuse(Reason.BAD_CONTENT, "There is no such review round here.")
    assignment, row = found
    latest = _latest_phase(_index(op).phases(db, assignment), op.clock)  # the order is enough here
    if (0 if latest is None else latest[4]) != row.order:
        now = _current(_phases_in(db, op, assignment, keys=False), assignment)
        return refuse(
            Reason.NOT_PERMITTED,
            f"Review round {row.round} has ended (the assignment is in its {_name(now.phase, now.round)}"
            " phase); reviews and reviewer changes are closed for it.",
        )
    return found


def _check_review(db: sqlite3.Connection, op: Applied, body: Review) -> Refusal | None:
    found = _round_open(db, op, body.opener)
    if isinstance(found, Refusal):
        return found
    assignment, row = found
    if op.device not in _certified(row.pseudonyms):
        return refuse(
            Reason.NOT_PERMITTED, "This key is not a reviewer the teacher certified for this round."
        )
    if op.device not in _reviewers_in(db, op, body.opener, body.submission):
        return refuse(
            Reason.NOT_PERMITTED,
            "This submission is not allocated to you in this round; see 'review list' for yours.",
        )
    if body.version > _version_in(db, op, assignment, body.submission):
        return refuse(Reason.BAD_CONTENT, f"The submission has no version {body.version} here.")
    settings = _settings_in(db, op, assignment)
    assert settings is not None
    tops = _tops(settings)
    names = tops.keys()
    for name, score in body.scores:
        top = tops.get(name)
        if top is None:
            return refuse(
                Reason.BAD_CONTENT,
                f"'{name}' is not a criterion of this rubric ({', '.join(sorted(names))}).",
            )
        if not 0 <= score <= top:
            return refuse(Reason.BAD_CONTENT, f"A score for '{name}' is from 0 to {top}, not {score}.")
    missing = names - {name for name, _ in body.scores}
    if missing:
        return refuse(Reason.BAD_CONTENT, f"Score every criterion; missing: {', '.join(sorted(missing))}.")
    if not {name for name, _ in body.notes} <= names:
        return refuse(Reason.BAD_CONTENT, "A comment names a criterion this rubric does not have.")
    return None


# The register's row (schema 0014): first op by (seq, op id), content of the latest.
# Built once: a statement made afresh per review is joined and hashed again each time
# (the write buffer groups statements by their text).
_NEWER = "(excluded.latest_seq, excluded.latest_op) > (latest_seq, latest_op)"
_SCORES_UPSERT = (
    "INSERT INTO assign_scores (space, opener, submission, pseudonym, assignment, first_op, first_seq,"
    " latest_op, latest_seq, version, scores, comment, notes)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (space, opener, submission, pseudonym) DO UPDATE SET"
    " first_op = CASE WHEN (excluded.first_seq, excluded.first_op) < (first_seq, first_op)"
    " THEN excluded.first_op ELSE first_op END,"
    " first_seq = MIN(first_seq, excluded.first_seq),"
    + ",".join(
        f" {column} = CASE WHEN {_NEWER} THEN excluded.{column} ELSE {column} END"
        for column in ("version", "scores", "comment", "notes", "latest_op")
    )
    + f", latest_seq = CASE WHEN {_NEWER} THEN excluded.latest_seq ELSE latest_seq END"
)


def _apply_review(db: sqlite3.Connection, op: Applied, body: Review) -> None:
    found = _index(op).phase(db, body.opener)
    assert found is not None  # checked
    db.execute(
        "INSERT OR IGNORE INTO assign_reviews (space, op_id, opener, assignment, submission, version,"
        " pseudonym,"
        " author_idx, seq, hlc, scores, comment, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.opener,
            found[0],
            body.submission,
            body.version,
            op.device,
            op.author,
            op.seq,
            op.hlc,
            # As `pack` (no maps); msgpack writes a tuple as the array a list would be.
            scores := pack_flat(body.scores),
            body.comment,
            notes := pack_flat(body.notes),
        ),
    )
    db.execute(
        _SCORES_UPSERT,
        (
            op.space,
            body.opener,
            body.submission,
            op.device,
            found[0],
            op.op_id,
            op.seq,
            op.op_id,
            op.seq,
            body.version,
            scores,
            body.comment,
            notes,
        ),
    )


def _check_reallocate(db: sqlite3.Connection, op: Applied, body: Reallocation) -> Refusal | None:
    found = _round_open(db, op, body.opener)
    if isinstance(found, Refusal):
        return found
    assignment, row = found
    if body.pseudonym not in row.pseudonyms:
        return refuse(Reason.BAD_CONTENT, "That reviewer key is not certified for this round.")
    if body.submission not in _versions_in(db, op, assignment, only=body.submission):
        return refuse(Reason.BAD_CONTENT, "There is no such submission here.")
    return None


def _apply_reallocate(db: sqlite3.Connection, op: Applied, body: Reallocation) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_reallocations (space, op_id, opener, submission, pseudonym, added,"
        " author_idx, seq, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.opener,
            body.submission,
            body.pseudonym,
            int(body.add),
            op.author,
            op.seq,
            op.hlc,
        ),
    )
    _index(op).added_reallocation(
        body.opener, (op.op_id, body.submission, body.pseudonym, int(body.add), op.author, op.seq, op.hlc)
    )


def _check_rate(db: sqlite3.Connection, op: Applied, body: Rating) -> Refusal | None:
    found = db.execute(
        "SELECT r.author_idx, r.seq, v.person FROM assign_reviews r JOIN assign_versions v"
        " ON v.space = r.space AND v.submission = r.submission WHERE r.space = ? AND r.op_id = ? LIMIT 1",
        (op.space, body.review),
    ).fetchone()
    if found is None or not _seen(op.clock, found[0], found[1]):
        return refuse(Reason.BAD_CONTENT, "There is no such review here.")
    if found[2] != op_person(db, op):
        return refuse(Reason.NOT_PERMITTED, "Only the author of the reviewed work can rate its reviews.")
    return None


def _apply_rate(db: sqlite3.Connection, op: Applied, body: Rating) -> None:
    assignment = db.execute(
        "SELECT assignment FROM assign_reviews WHERE space = ? AND op_id = ?", (op.space, body.review)
    ).fetchone()[0]
    db.execute(
        "INSERT OR IGNORE INTO assign_ratings (space, op_id, review, assignment, person, hlc, helpful,"
        " comment,"
        " flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.review,
            assignment,
            op_person(db, op),
            op.hlc,
            body.helpful,
            body.comment,
            int(body.flag),
        ),
    )


def _check_assess(db: sqlite3.Connection, op: Applied, body: Assessment) -> Refusal | None:
    settings = _task(db, op, body.assignment)
    if isinstance(settings, Refusal):
        return settings
    phase = _phase_in(db, op, body.assignment)
    if phase.order != ASSESSMENT_ORDER:
        return refuse(
            Reason.NOT_PERMITTED,
            "Grades are given in the assessment phase; the assignment is in its"
            f" {_name(phase.phase, phase.round)}"
            " phase. Open the assessment phase first.",
        )
    if body.submission not in _versions_in(db, op, body.assignment, only=body.submission):
        return refuse(Reason.BAD_CONTENT, "There is no such submission here.")
    return None


def _apply_assess(db: sqlite3.Connection, op: Applied, body: Assessment) -> None:
    db.execute(
        "INSERT OR IGNORE INTO assign_grades (space, op_id, assignment, submission, hlc, sealed)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            op.space,
            op.op_id,
            body.assignment,
            body.submission,
            op.hlc,
            pack([list(pair) for pair in body.sealed]),
        ),
    )


def _no_check(db: sqlite3.Connection, op: Applied, body: Any) -> None:
    return None


def _only_below_teacher(
    check: Callable[[sqlite3.Connection, Applied, Any], Refusal | None],
) -> Callable[[sqlite3.Connection, Applied, Any], Refusal | None]:
    """Students' kinds: a teacher neither submits work nor enrols as a reviewer."""

    def checked(db: sqlite3.Connection, op: Applied, body: Any) -> Refusal | None:
        if op.level >= Level.TEACHER:
            return refuse(
                Reason.NOT_PERMITTED, "Teachers set and grade assignments; they do not submit or review."
            )
        return check(db, op, body)

    return checked


TABLES = (
    "assign_tasks",
    "assign_phases",
    "assign_enrolments",
    "assign_versions",
    "assign_allocation",
    "assign_reallocations",
    "assign_reviews",
    "assign_ratings",
    "assign_grades",
    "assign_scores",
)

HANDLERS = {
    "assign.create": Handler("assign.manage", _no_check, _apply_create),
    "assign.edit": Handler("assign.manage", _check_edit, _apply_edit),
    "assign.phase": Handler("assign.manage", _check_phase, _apply_phase),
    "assign.enrol": Handler("assign.submit", _only_below_teacher(_check_enrol), _apply_enrol),
    "assign.submit": Handler("assign.submit", _only_below_teacher(_check_submit), _apply_submit),
    "assign.review": Handler(None, _check_review, _apply_review),
    "assign.reviewer": Handler("assign.manage", _check_reallocate, _apply_reallocate),
    "assign.rate": Handler("assign.rate", _check_rate, _apply_rate),
    "assign.assess": Handler("assign.manage", _check_assess, _apply_assess),
}


def enrolment_boxes(
    db: sqlite3.Connection, space: bytes, assignment: bytes
) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """(enrolling device, {teacher device: sealed box}) per enrolment op, in op id order."""
    return [
        (device, {bytes(pair[0]): bytes(pair[1]) for pair in unpack_canonical(sealed)})
        for device, sealed in db.execute(
            "SELECT device, sealed FROM assign_enrolments WHERE space = ? AND assignment = ? ORDER BY op_id",
            (space, assignment),
        )
    ]
