"""A space's assignment tables as the assessment reducers judge with them, in memory.

Judging a review asks for the opening op, the phase in the op's causal past, the
allocation and versions of one submission and the settings: nine statements a review
read from SQLite (bench/assessment.py). This index holds the rows those questions
read — task settings, phase switches, submission versions, allocations and teacher
reallocations — loaded from the tables the first time they are asked for and kept
up to date by the reducers' applies. Every answer is still folded over the asking
op's causal past (`sync.reducers.assess`'s `*_of` functions, shared with the SQL
reads), so the index changes how fast a replica judges, never what it decides.

It lives in the space's `SpaceContext.memo` and is dropped with it: after a rebuild
(the tables are cleared and refolded), a rolled-back write, or another process's
commit, the next question loads it afresh from the tables.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sync.wire.canonical import unpack_canonical

MEMO_KEY = "assess"

TaskRow = tuple[bytes, int, int, int, bytes]  # op id, author index, seq, hlc, settings
PhaseEntry = tuple[bytes, int, int, int, int, str, int, bytes, bytes]
# op id, author index, seq, hlc, order, phase, round, seed, packed pseudonyms
VersionRow = tuple[int, int, int]  # version, author index, seq
ReallocationRow = tuple[bytes, bytes, bytes, int, int, int, int]
# op id, submission, pseudonym, added, author index, seq, hlc


class AssessIndex:
    """The assessment rows of one space (see the module docstring)."""

    __slots__ = ("_allocations", "_phase_of", "_phases", "_reallocations", "_tasks", "_versions", "space")

    def __init__(self, space: bytes) -> None:
        self.space = space
        self._tasks: dict[bytes, dict[bytes, TaskRow]] | None = None  # assignment -> op id -> row
        self._phases: dict[bytes, dict[bytes, PhaseEntry]] | None = None  # assignment -> op id -> row
        self._phase_of: dict[bytes, bytes] = {}  # phase op -> assignment
        self._versions: dict[
            bytes, dict[bytes, dict[bytes, VersionRow]]
        ] = {}  # assignment -> submission -> op
        self._allocations: dict[
            bytes, dict[bytes, frozenset[bytes]]
        ] = {}  # opener -> submission -> reviewers
        self._reallocations: dict[
            bytes, dict[bytes, dict[bytes, ReallocationRow]]
        ] = {}  # opener -> submission

    # -- reads ---------------------------------------------------------------------
    def tasks(self, db: sqlite3.Connection, assignment: bytes) -> list[TaskRow]:
        if self._tasks is None:
            self._tasks = {}
            for op_id, task, author, seq, hlc, settings in db.execute(
                "SELECT op_id, assignment, author_idx, seq, hlc, settings FROM assign_tasks WHERE space = ?",
                (self.space,),
            ):
                self._tasks.setdefault(task, {})[op_id] = (op_id, author, seq, hlc, settings)
        return list(self._tasks.get(assignment, {}).values())

    def phases(self, db: sqlite3.Connection, assignment: bytes) -> list[PhaseEntry]:
        return list(self._loaded_phases(db).get(assignment, {}).values())

    def phase(self, db: sqlite3.Connection, op_id: bytes) -> tuple[bytes, PhaseEntry] | None:
        """(assignment, row) of a phase switch."""
        phases = self._loaded_phases(db)
        assignment = self._phase_of.get(op_id)
        return None if assignment is None else (assignment, phases[assignment][op_id])

    def versions(self, db: sqlite3.Connection, assignment: bytes) -> dict[bytes, dict[bytes, VersionRow]]:
        found = self._versions.get(assignment)
        if found is None:
            found = self._versions[assignment] = {}
            for op_id, submission, version, author, seq in db.execute(
                "SELECT op_id, submission, version, author_idx, seq FROM assign_versions"
                " WHERE space = ? AND assignment = ?",
                (self.space, assignment),
            ):
                found.setdefault(submission, {})[op_id] = (version, author, seq)
        return found

    def allocation(self, db: sqlite3.Connection, opener: bytes) -> dict[bytes, frozenset[bytes]]:
        found = self._allocations.get(opener)
        if found is None:
            pairs: dict[bytes, set[bytes]] = {}
            for submission, pseudonym in db.execute(
                "SELECT submission, pseudonym FROM assign_allocation WHERE space = ? AND opener = ?",
                (self.space, opener),
            ):
                pairs.setdefault(submission, set()).add(pseudonym)
            found = self._allocations[opener] = {s: frozenset(r) for s, r in pairs.items()}
        return found

    def reallocations(
        self, db: sqlite3.Connection, opener: bytes
    ) -> dict[bytes, dict[bytes, ReallocationRow]]:
        found = self._reallocations.get(opener)
        if found is None:
            found = self._reallocations[opener] = {}
            for row in db.execute(
                "SELECT op_id, submission, pseudonym, added, author_idx, seq, hlc FROM assign_reallocations"
                " WHERE space = ? AND opener = ?",
                (self.space, opener),
            ):
                found.setdefault(row[1], {})[row[0]] = row
        return found

    def _loaded_phases(self, db: sqlite3.Connection) -> dict[bytes, dict[bytes, PhaseEntry]]:
        if self._phases is None:
            self._phases = {}
            for assignment, *row in db.execute(
                "SELECT assignment, op_id, author_idx, seq, hlc, ord, phase, round, seed, pseudonyms"
                " FROM assign_phases WHERE space = ?",
                (self.space,),
            ):
                self._phases.setdefault(assignment, {})[row[0]] = tuple(row)
                self._phase_of[row[0]] = assignment
        return self._phases

    # -- what the applies wrote (rows the tables hold from now on) ------------------
    def added_task(self, assignment: bytes, row: TaskRow) -> None:
        if self._tasks is not None:
            self._tasks.setdefault(assignment, {})[row[0]] = row

    def added_phase(self, assignment: bytes, row: PhaseEntry) -> None:
        if self._phases is not None:
            self._phases.setdefault(assignment, {})[row[0]] = row
            self._phase_of[row[0]] = assignment

    def added_allocation(self, opener: bytes, chosen: dict[bytes, Any]) -> None:
        if opener not in self._allocations:
            return  # read from the table when asked
        merged = dict(self._allocations[opener])
        for submission, reviewers in chosen.items():
            merged[submission] = merged.get(submission, frozenset()) | frozenset(reviewers)
        self._allocations[opener] = merged

    def added_version(self, assignment: bytes, submission: bytes, op_id: bytes, row: VersionRow) -> None:
        found = self._versions.get(assignment)
        if found is not None:
            found.setdefault(submission, {})[op_id] = row

    def added_reallocation(self, opener: bytes, row: ReallocationRow) -> None:
        found = self._reallocations.get(opener)
        if found is not None:
            found.setdefault(row[1], {})[row[0]] = row


def index_of(memo: dict[str, Any], space: bytes) -> AssessIndex:
    """The space's index in a reducer's memo (`Applied.memo`), made on first use."""
    index = memo.get(MEMO_KEY)
    if index is None or index.space != space:
        index = memo[MEMO_KEY] = AssessIndex(space)
    return index


def pseudonyms_of(stored: bytes) -> tuple[bytes, ...]:
    return tuple(unpack_canonical(stored))
