"""What happened to a circle's assignments from a time on (by the writers' clocks), for
notifications: phases opened, reviews written of given submissions, grades given to
given submissions. Rows only; deciding who is told is the client's (`app.services.assessment_news`).
"""

from __future__ import annotations

import sqlite3

from sync.ids import SpaceId


def phases_since(
    db: sqlite3.Connection, space: SpaceId, since_hlc: int
) -> list[tuple[bytes, bytes, str, int]]:
    """(op id, assignment, phase, round) of the phase switches from `since_hlc` on."""
    return [
        (bytes(op), bytes(assignment), phase, round_)
        for op, assignment, phase, round_ in db.execute(
            "SELECT op_id, assignment, phase, round FROM assign_phases WHERE space = ? AND hlc >= ?"
            " ORDER BY hlc, op_id",
            (space, since_hlc),
        )
    ]


def reviews_since(
    db: sqlite3.Connection, space: SpaceId, submissions: set[bytes], since_hlc: int
) -> list[tuple[bytes, bytes, bytes]]:
    """(op id, assignment, submission) of the review ops of `submissions` from `since_hlc` on."""
    return [
        (bytes(op), bytes(assignment), bytes(submission))
        for op, assignment, submission in db.execute(
            "SELECT op_id, assignment, submission FROM assign_reviews WHERE space = ? AND hlc >= ?"
            " ORDER BY hlc, op_id",
            (space, since_hlc),
        )
        if bytes(submission) in submissions
    ]


def grades_since(
    db: sqlite3.Connection, space: SpaceId, submissions: set[bytes], since_hlc: int
) -> list[tuple[bytes, bytes, bytes]]:
    """(op id, assignment, submission) of the grading ops of `submissions` from `since_hlc` on."""
    return [
        (bytes(op), bytes(assignment), bytes(submission))
        for op, assignment, submission in db.execute(
            "SELECT op_id, assignment, submission FROM assign_grades WHERE space = ? AND hlc >= ?"
            " ORDER BY hlc, op_id",
            (space, since_hlc),
        )
        if bytes(submission) in submissions
    ]
