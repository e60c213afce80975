"""Test helpers for assignments: a class (an owner who teaches, students), and each step of
the procedure written the way the clients write it (the teacher's review opening with
its certified pseudonyms and chosen seed, reviews signed by pseudonyms)."""

from __future__ import annotations

from typing import Any

from sync import pseudonym, writer
from sync.assessment import submission_id
from sync.changes import Changes
from sync.ids import OpId
from sync.op import VerifiedOp
from sync.reducers.assess import allocation_at, phase_at, versions_at
from sync.replica import Replica
from tests.sync.helpers import Circle, Clock, device, seed

RUBRIC = [
    {"name": "clarity", "description": "Is it clear?", "max": 4, "weight": 2},
    {"name": "method", "levels": ["missing", "partial", "sound"], "weight": 1},
]


def build_class(students: int = 4, *, teachers: int = 0) -> Circle:
    from sync.policy import Level

    circle = Circle.create(Clock())
    for number in range(teachers):
        circle.add(f"T{number}", Level.TEACHER)
    for number in range(students):
        circle.add(f"S{number}")
    circle.sync_all()
    return circle


def create(circle: Circle, *, reviewers: int = 2, rounds: int = 2, actor: Replica | None = None) -> bytes:
    fields = {
        "title": "Essay",
        "brief": "Write.",
        "criteria": RUBRIC,
        "reviewers": reviewers,
        "rounds": rounds,
    }
    op, _ = writer.write(actor or circle.owner, circle.space, "assign.create", fields, now_ms=circle.clock())
    return op.op_id


def teachers(circle: Circle, replica: Replica) -> list[bytes]:
    return [
        row[0]
        for row in replica.db.execute(
            "SELECT device FROM members WHERE space = ? AND level >= 3", (circle.space,)
        )
    ]


def enrol(circle: Circle, student: Replica, assignment: bytes, **kwargs: Any) -> bytes:
    fields = pseudonym.enrolment_fields(student.key, circle.space, assignment, teachers(circle, student))
    op, _ = writer.write(student, circle.space, "assign.enrol", fields, now_ms=circle.clock(), **kwargs)
    return op.op_id


def submit(circle: Circle, student: Replica, assignment: bytes, text: str, **kwargs: Any) -> bytes:
    fields = {"assignment": assignment, "text": text, "note": ""}
    op, _ = writer.write(student, circle.space, "assign.submit", fields, now_ms=circle.clock(), **kwargs)
    return op.op_id


def open_phase(
    circle: Circle,
    assignment: bytes,
    phase: str,
    round_: int = 0,
    *,
    actor: Replica | None = None,
    **kwargs: Any,
) -> bytes:
    actor = actor or circle.owner
    if phase == "review":
        fields = pseudonym.review_opening(
            actor.db, circle.space, assignment, round_, actor.key, base_seed=seed(f"round-{round_}")
        )
    else:
        fields = {"assignment": assignment, "phase": phase}
        if phase == "revision":
            fields["round"] = round_
    op, _ = writer.write(actor, circle.space, "assign.phase", fields, now_ms=circle.clock(), **kwargs)
    return op.op_id


def current_opener(replica: Replica, space: bytes, assignment: bytes) -> bytes:
    return phase_at(replica.db, space, assignment, None).op_id


def my_allocations(circle: Circle, student: Replica, assignment: bytes) -> list[bytes]:
    opener = current_opener(student, circle.space, assignment)
    mine = pseudonym.pseudonym_key(student.key, circle.space, assignment).device_id
    return sorted(
        s
        for s, reviewers in allocation_at(student.db, circle.space, opener, None).items()
        if mine in reviewers
    )


def review(
    circle: Circle,
    student: Replica,
    assignment: bytes,
    submission: bytes,
    scores: dict[str, int] | None = None,
    *,
    comment: str = "good",
    opener: bytes | None = None,
    key: Any = None,
    allow_invalid: bool = False,
    deps: list[OpId] | None = None,
) -> tuple[VerifiedOp, Changes]:
    opener = opener or current_opener(student, circle.space, assignment)
    version = versions_at(student.db, circle.space, assignment, None)[submission]
    fields = {
        "opener": opener,
        "submission": submission,
        "version": version,
        "scores": [[name, value] for name, value in (scores or {"clarity": 3, "method": 2}).items()],
        "comment": comment,
        "notes": [],
    }
    return pseudonym.write_as(
        student,
        key or pseudonym.pseudonym_key(student.key, circle.space, assignment),
        circle.space,
        "assign.review",
        fields,
        deps=deps
        if deps is not None
        else pseudonym.review_deps(student.db, circle.space, assignment, submission, version),
        now_ms=circle.clock(),
        allow_invalid=allow_invalid,
    )


def work_of(student: Replica, assignment: bytes) -> bytes:
    return submission_id(assignment, device(student))
