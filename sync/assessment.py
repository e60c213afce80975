"""Body schemas of the assignment kinds: tasks with a rubric, phase switches, pseudonym
enrolment, submission versions, reviews, reallocation, ratings of reviews and grades.

Each parser returns a frozen value or refuses the op with BAD_CONTENT. Who may write a
kind, and whether it fits the assignment's phase in its causal past, is the reducer's
business (`sync.reducers.assess`); here is only what a well-formed body is. The
protocol is stated in docs/protocol.md, "Assignments and peer assessment".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import fields as f
from sync.content import FileRef, _files
from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, KEY_LEN, OpId, digest

MAX_CRITERIA = 20
MAX_LEVELS = 10
MAX_POINTS = 1000
MAX_REVIEWERS = 10
MAX_ROUNDS = 5
MAX_PSEUDONYMS = 1000
MAX_SEALED = 64
SEED_LEN = 32
SUBMISSION_LEN = HASH_LEN

#: Phases in the order they come; `round` counts review and revision phases from 1.
PHASES = ("submission", "review", "revision", "assessment", "closed")
ASSESSMENT_ORDER = 1_000_000


def phase_order(phase: str, round_: int) -> int:
    """A phase's place in the procedure: submission 0, review k 2k-1, revision k 2k,
    assessment and closed after every round."""
    if phase == "submission":
        return 0
    if phase == "review":
        return 2 * round_ - 1
    if phase == "revision":
        return 2 * round_
    return ASSESSMENT_ORDER + (phase == "closed")


def submission_id(assignment: bytes, person: bytes) -> bytes:
    """A submission is one person's work on one assignment, whichever device sent it."""
    return digest(assignment + person, person=b"sc-submission")


@dataclass(frozen=True, slots=True)
class Criterion:
    """One rubric line: points 0..`max`, or named levels (score = the level's index)."""

    name: str
    description: str
    max: int
    levels: tuple[str, ...]
    weight: int

    @property
    def top(self) -> int:
        return len(self.levels) - 1 if self.levels else self.max


@dataclass(frozen=True, slots=True)
class TaskSettings:
    """What an assignment is: its brief, rubric and procedure (assign.create, assign.edit)."""

    title: str
    brief: str
    files: tuple[FileRef, ...]
    criteria: tuple[Criterion, ...]
    reviewers: int
    rounds: int
    hide_authors: bool
    peer_weight: int
    due: tuple[tuple[str, int], ...]

    def criterion(self, name: str) -> Criterion | None:
        return next((c for c in self.criteria if c.name == name), None)


@dataclass(frozen=True, slots=True)
class TaskEdit:
    assignment: OpId
    settings: TaskSettings


@dataclass(frozen=True, slots=True)
class PhaseSwitch:
    """assign.phase: a teacher opens the next phase. A review phase carries the seed of
    its allocation and the pseudonym keys it certifies as this round's reviewers."""

    assignment: OpId
    phase: str
    round: int
    seed: bytes
    pseudonyms: tuple[bytes, ...]

    @property
    def order(self) -> int:
        return phase_order(self.phase, self.round)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """assign.enrol: a member's pseudonym for this assignment, sealed to each teacher
    device (`sync.pseudonym`); nobody else can open it."""

    assignment: OpId
    sealed: tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class SubmissionVersion:
    """assign.submit: the author's work for the current phase (replaces their earlier
    version of the same phase)."""

    assignment: OpId
    text: str
    files: tuple[FileRef, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Review:
    """assign.review, signed by a pseudonym: scores per criterion and comments on one
    version of one submission, in the round `opener` opened."""

    opener: OpId
    submission: bytes
    version: int
    scores: tuple[tuple[str, int], ...]
    comment: str
    notes: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Reallocation:
    """assign.reviewer: a teacher adds or removes one reviewer (pseudonym) of a submission."""

    opener: OpId
    submission: bytes
    pseudonym: bytes
    add: bool


@dataclass(frozen=True, slots=True)
class Rating:
    """assign.rate: the submission's author on a review they received."""

    review: OpId
    helpful: int
    comment: str
    flag: bool


@dataclass(frozen=True, slots=True)
class Assessment:
    """assign.assess: the teacher's grade and comment, sealed to the student's devices and
    the teachers' (`sync.pseudonym.seal_grade`)."""

    assignment: OpId
    submission: bytes
    sealed: tuple[tuple[bytes, bytes], ...]


def _int(fields: dict[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    value = fields.get(key, default)
    if type(value) is not int or not low <= value <= high:
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be a whole number from {low} to {high}")
    return value


def _bool(fields: dict[str, Any], key: str, default: bool = False) -> bool:
    value = fields.get(key, default)
    if type(value) is not bool:
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be true or false")
    return value


def _list(fields: dict[str, Any], key: str, limit: int) -> list[Any]:
    value = fields.get(key, [])
    if not isinstance(value, list) or len(value) > limit:
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be a list of at most {limit}")
    return value


def _criterion(entry: Any) -> Criterion:
    if not isinstance(entry, dict):
        raise Rejected(Reason.BAD_CONTENT, "a criterion is a map")
    levels = tuple(_list(entry, "levels", MAX_LEVELS))
    if levels and (
        len(levels) < 2 or not all(isinstance(level, str) and 0 < len(level) <= 100 for level in levels)
    ):
        raise Rejected(Reason.BAD_CONTENT, f"a criterion's levels are 2 to {MAX_LEVELS} names")
    name = f.text(entry, "name", 100, empty_ok=False)
    if "=" in name or ":" in name:
        raise Rejected(Reason.BAD_CONTENT, "a criterion's name has no '=' or ':'")
    return Criterion(
        name=name,
        description=f.optional_text(entry, "description", 2000),
        max=len(levels) - 1 if levels else _int(entry, "max", 1, MAX_POINTS),
        levels=levels,
        weight=_int(entry, "weight", 1, 100, 1),
    )


def settings_of(fields: dict[str, Any]) -> TaskSettings:
    criteria = tuple(_criterion(entry) for entry in _list(fields, "criteria", MAX_CRITERIA))
    if not criteria:
        raise Rejected(Reason.BAD_CONTENT, "an assignment needs at least one criterion")
    if len({c.name for c in criteria}) != len(criteria):
        raise Rejected(Reason.BAD_CONTENT, "two criteria have the same name")
    due = []
    for entry in _list(fields, "due", 16):
        if not (
            isinstance(entry, list)
            and len(entry) == 2
            and isinstance(entry[0], str)
            and entry[0] in PHASES
            and type(entry[1]) is int
            and entry[1] >= 0
        ):
            raise Rejected(Reason.BAD_CONTENT, "a due date is [phase, milliseconds]")
        due.append((entry[0], entry[1]))
    return TaskSettings(
        title=f.text(fields, "title", f.MAX_TITLE, empty_ok=False),
        brief=f.optional_text(fields, "brief", f.MAX_TEXT),
        files=_files(fields),
        criteria=criteria,
        reviewers=_int(fields, "reviewers", 1, MAX_REVIEWERS, 3),
        rounds=_int(fields, "rounds", 1, MAX_ROUNDS, 2),
        hide_authors=_bool(fields, "hide_authors"),
        peer_weight=_int(fields, "peer_weight", 0, 100, 80),
        due=tuple(due),
    )


def settings_fields(settings: TaskSettings) -> dict[str, Any]:
    """The body map that parses back into `settings` (stored, and written by edits)."""
    return {
        "title": settings.title,
        "brief": settings.brief,
        "files": [[ref.blob, ref.name, ref.size] for ref in settings.files],
        "criteria": [
            {"name": c.name, "description": c.description, "weight": c.weight}
            | ({"levels": list(c.levels)} if c.levels else {"max": c.max})
            for c in settings.criteria
        ],
        "reviewers": settings.reviewers,
        "rounds": settings.rounds,
        "hide_authors": settings.hide_authors,
        "peer_weight": settings.peer_weight,
        "due": [[phase, ms] for phase, ms in settings.due],
    }


def _edit(fields: dict[str, Any]) -> TaskEdit:
    return TaskEdit(f.op_ref(fields, "assignment"), settings_of(fields))


def _keys(fields: dict[str, Any], key: str, limit: int) -> tuple[bytes, ...]:
    value = _list(fields, key, limit)
    if not all(isinstance(k, bytes) and len(k) == KEY_LEN for k in value) or value != sorted(set(value)):
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be distinct keys in ascending order")
    return tuple(value)


def _phase(fields: dict[str, Any]) -> PhaseSwitch:
    phase = fields.get("phase")
    if phase not in PHASES:
        raise Rejected(Reason.BAD_CONTENT, f"phase must be one of {', '.join(PHASES)}")
    rounded = phase in ("review", "revision")
    round_ = _int(fields, "round", 1, MAX_ROUNDS) if rounded else _int(fields, "round", 0, 0, 0)
    if phase == "review":
        seed = f.raw(fields, "seed", SEED_LEN)
        pseudonyms = _keys(fields, "pseudonyms", MAX_PSEUDONYMS)
    elif "seed" in fields or "pseudonyms" in fields:
        raise Rejected(Reason.BAD_CONTENT, "only a review phase carries a seed and pseudonyms")
    else:
        seed, pseudonyms = b"", ()
    return PhaseSwitch(f.op_ref(fields, "assignment"), phase, round_, seed, pseudonyms)


def _sealed(fields: dict[str, Any]) -> tuple[tuple[bytes, bytes], ...]:
    entries = _list(fields, "sealed", MAX_SEALED)
    if not entries or not all(
        isinstance(e, list)
        and len(e) == 2
        and isinstance(e[0], bytes)
        and len(e[0]) == KEY_LEN
        and isinstance(e[1], bytes)
        and 0 < len(e[1]) <= 4096
        for e in entries
    ):
        raise Rejected(Reason.BAD_CONTENT, "sealed is a list of [device, sealed box]")
    return tuple((e[0], e[1]) for e in entries)


def _enrol(fields: dict[str, Any]) -> Enrolment:
    return Enrolment(f.op_ref(fields, "assignment"), _sealed(fields))


def _submit(fields: dict[str, Any]) -> SubmissionVersion:
    version = SubmissionVersion(
        f.op_ref(fields, "assignment"),
        f.text(fields, "text", f.MAX_TEXT),
        _files(fields),
        f.optional_text(fields, "note", 10_000),
    )
    if not (version.text.strip() or version.files):
        raise Rejected(Reason.BAD_CONTENT, "a submission needs a text or a file")
    return version


def _pairs(fields: dict[str, Any], key: str, limit: int, value_type: type) -> tuple[tuple[str, Any], ...]:
    entries = _list(fields, key, limit)
    pairs = []
    for e in entries:  # every review has two of these lists: one loop, no generators
        if not (
            isinstance(e, list)
            and len(e) == 2
            and isinstance(e[0], str)
            and 0 < len(e[0]) <= 100
            and type(e[1]) is value_type
        ):
            raise Rejected(Reason.BAD_CONTENT, f"{key} is a list of [criterion, value]")
        pairs.append((e[0], e[1]))
    if len({name for name, _ in pairs}) != len(pairs):
        raise Rejected(Reason.BAD_CONTENT, f"{key} names a criterion twice")
    return tuple(pairs)


def _review(fields: dict[str, Any]) -> Review:
    notes = _pairs(fields, "notes", MAX_CRITERIA, str)
    if any(len(text) > 20_000 for _, text in notes):
        raise Rejected(Reason.BAD_CONTENT, "a criterion's comment is at most 20000 characters")
    return Review(
        f.op_ref(fields, "opener"),
        f.raw(fields, "submission", SUBMISSION_LEN),
        _int(fields, "version", 1, MAX_ROUNDS + 1),
        _pairs(fields, "scores", MAX_CRITERIA, int),
        f.optional_text(fields, "comment", 50_000),
        notes,
    )


def _reallocation(fields: dict[str, Any]) -> Reallocation:
    return Reallocation(
        f.op_ref(fields, "opener"),
        f.raw(fields, "submission", SUBMISSION_LEN),
        f.raw(fields, "pseudonym", KEY_LEN),
        _bool(fields, "add"),
    )


def _rate(fields: dict[str, Any]) -> Rating:
    return Rating(
        f.op_ref(fields, "review"),
        _int(fields, "helpful", 1, 5),
        f.optional_text(fields, "comment", 10_000),
        _bool(fields, "flag"),
    )


def _assess(fields: dict[str, Any]) -> Assessment:
    return Assessment(
        f.op_ref(fields, "assignment"), f.raw(fields, "submission", SUBMISSION_LEN), _sealed(fields)
    )


#: Kinds signed by a pseudonym rather than a member device: the replica skips the role
#: check for them and the reducer checks the pseudonym's certification instead.
PSEUDONYMOUS = frozenset({"assign.review", "survey.respond"})  # and anonymous survey answers

PARSERS = {
    "assign.create": settings_of,
    "assign.edit": _edit,
    "assign.phase": _phase,
    "assign.enrol": _enrol,
    "assign.submit": _submit,
    "assign.review": _review,
    "assign.reviewer": _reallocation,
    "assign.rate": _rate,
    "assign.assess": _assess,
}
