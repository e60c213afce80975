"""Reading coaching and survey state: profiles, a pair's participants and whether it is
formed or ended, cycles with their goals (agreed or not) and close, offers addressed to
a device, and survey results. Steps are folded here, in (hlc, op id) order, so every
replica holding the same valid ops reads the same thing (docs/protocol.md, 8b).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sync.coaching import Question
from sync.ids import DeviceId, OpId, SpaceId
from sync.reducers.coaching import survey_questions
from sync.state import ItemRow, items
from sync.wire.canonical import unpack_canonical


@dataclass(frozen=True, slots=True)
class Profile:
    device: DeviceId
    can_help: tuple[str, ...]
    can_help_text: str
    wants: tuple[str, ...]
    wants_text: str


@dataclass(frozen=True, slots=True)
class Pair:
    creator: DeviceId | None
    accepted: tuple[DeviceId, ...]
    ended_by: DeviceId | None
    end_text: str
    ended_hlc: int = 0

    @property
    def formed(self) -> bool:
        return bool(self.accepted)

    @property
    def ended(self) -> bool:
        return self.ended_by is not None

    @property
    def participants(self) -> tuple[DeviceId, ...]:
        return ((self.creator,) if self.creator else ()) + self.accepted


@dataclass(frozen=True, slots=True)
class Goal:
    item: ItemRow
    agreed: bool
    agreed_by: tuple[DeviceId, ...]


@dataclass(frozen=True, slots=True)
class Close:
    op_id: OpId
    by: DeviceId
    hlc: int
    met: tuple[OpId, ...]
    next: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cycle:
    item: ItemRow
    observed: DeviceId
    goals: tuple[Goal, ...]
    observations: tuple[ItemRow, ...]
    reflections: tuple[ItemRow, ...]
    closed: Close | None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: Question
    counts: tuple[int, ...]  # per option (choice) or per value low..high (scale)
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SurveyResults:
    survey: ItemRow
    anonymous: bool
    closed: bool
    respondents: int
    named: tuple[DeviceId, ...]  # empty for an anonymous survey
    questions: tuple[QuestionResult, ...] = field(default=())
    admitted: int = 0  # anonymous: joins admitted under the current key (answers may not exceed it)


def _steps(
    db: sqlite3.Connection, space: SpaceId, step: str, target: bytes | None = None
) -> list[tuple[Any, ...]]:
    sql = "SELECT target, device, hlc, op_id, data FROM coaching_steps WHERE space = ? AND step = ?"
    params: tuple[Any, ...] = (space, step)
    if target is not None:
        sql += " AND target = ?"
        params += (target,)
    rows = db.execute(sql + " ORDER BY hlc, op_id", params).fetchall()
    return [
        (t, DeviceId(d), h, OpId(o), unpack_canonical(x) if x is not None else None) for t, d, h, o, x in rows
    ]


def profiles(db: sqlite3.Connection, space: SpaceId) -> list[Profile]:
    return [
        Profile(DeviceId(device), tuple(can.split()), can_text, tuple(wants.split()), wants_text)
        for device, can, can_text, wants, wants_text in db.execute(
            "SELECT device, can_help, can_help_text, wants, wants_text FROM coach_profiles WHERE space = ?"
            " ORDER BY device",
            (space,),
        )
    ]


def pair(db: sqlite3.Connection, space: SpaceId) -> Pair:
    row = db.execute(
        "SELECT a.device FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
        " WHERE o.op_id = ?",
        (space,),
    ).fetchone()
    accepted = tuple(dict.fromkeys(device for _, device, _, _, _ in _steps(db, space, "accept")))
    ends = _steps(db, space, "end")
    return Pair(
        DeviceId(row[0]) if row else None,
        accepted,
        ends[0][1] if ends else None,
        (ends[0][4] or "") if ends else "",
        ends[0][2] if ends else 0,
    )


def goal_state(
    db: sqlite3.Connection, space: SpaceId, goal: ItemRow, participants: tuple[DeviceId, ...]
) -> Goal:
    """Agreed iff every participant's latest agreement names the goal's current version."""
    version = db.execute(
        "SELECT edit_op FROM items WHERE space = ? AND item_id = ?", (space, goal.item_id)
    ).fetchone()[0]
    latest: dict[DeviceId, bytes] = {}
    for _, device, _, _, named in _steps(db, space, "agree", goal.item_id):
        latest[device] = named
    by = tuple(d for d in participants if latest.get(d) == version)
    return Goal(goal, bool(participants) and len(by) == len(participants), by)


def cycles(db: sqlite3.Connection, space: SpaceId) -> list[Cycle]:
    everyone = pair(db, space).participants
    found = []
    all_items = items(db, space, where="type IN ('cycle', 'goal', 'observation', 'reflection')")
    below: dict[bytes, list[ItemRow]] = {}
    for row in all_items:
        if row.parent is not None:
            below.setdefault(row.parent, []).append(row)
    for row in (r for r in all_items if r.type == "cycle"):
        under = below.get(row.item_id, [])
        closes = _steps(db, space, "close", row.item_id)
        close = None
        if closes:
            _, by, hlc, op_id, (met, following) = closes[0]
            close = Close(op_id, by, hlc, tuple(OpId(m) for m in met), tuple(following))
        found.append(
            Cycle(
                row,
                DeviceId(row.extra.get("observed", b"")),
                tuple(goal_state(db, space, g, everyone) for g in under if g.type == "goal"),
                tuple(r for r in under if r.type == "observation"),
                tuple(r for r in under if r.type == "reflection"),
                close,
            )
        )
    return found


def feedback_under(db: sqlite3.Connection, space: SpaceId, item: OpId) -> list[ItemRow]:
    """The feedback thread under an observation, depth first in (hlc, op id) order."""
    out: list[ItemRow] = []
    for row in items(db, space, where="parent = ? AND type = 'feedback'", params=(item,)):
        out.append(row)
        out.extend(feedback_under(db, space, row.item_id))
    return out


def declined(db: sqlite3.Connection, space: SpaceId) -> set[bytes]:
    """Offers (item ids) that their invitee declined."""
    return {bytes(target) for target, *_ in _steps(db, space, "decline")}


def offers_to(db: sqlite3.Connection, space: SpaceId, devices: set[DeviceId]) -> list[ItemRow]:
    """Offers addressed to any of `devices` (a person's devices) that were not declined."""
    declined = {bytes(target) for target, *_ in _steps(db, space, "decline")}
    return [
        row
        for row in items(db, space, where="type = 'offer'")
        if row.extra.get("to") in devices and row.item_id not in declined
    ]


def survey_results(db: sqlite3.Connection, space: SpaceId, survey: ItemRow) -> SurveyResults:
    """Counts each respondent's first answer in (hlc, op id) order; never who answered
    what, and for an anonymous survey not even who answered. An anonymous survey counts
    each pseudonym's latest answer (a second one replaces the first) under the survey's
    current key (`sync.survey_keys`): after a rekey, answers under an older key — a
    removed member's among them — stop counting. `admitted` says how many joins that key
    admitted; more answers than that means the owner signed keys outside any admission."""
    questions = survey_questions(survey.extra)
    anonymous = bool(survey.extra.get("anonymous"))
    counted: dict[bytes, list[Any]] = {}
    named: list[DeviceId] = []
    rows = db.execute(
        "SELECT respondent, respondent_hash, answers, seq, key FROM survey_answers"
        " WHERE space = ? AND survey = ? ORDER BY hlc, op_id",
        (space, survey.item_id),
    ).fetchall()
    admitted = 0
    if anonymous:
        from sync.survey_keys import admitted_count, current_key

        current = current_key(db, space, survey.item_id)
        admitted = admitted_count(db, space, survey.item_id)
        latest: dict[bytes, tuple[int, bytes]] = {}
        for _, key, answers, seq, key_op in rows:
            if (
                current is not None
                and key_op == current.op_id
                and (key not in latest or seq > latest[key][0])
            ):
                latest[key] = (seq, answers)
        counted = {key: unpack_canonical(answers) for key, (_, answers) in latest.items()}
    for respondent, key, answers, _, _ in () if anonymous else rows:
        if key in counted:
            continue
        counted[key] = unpack_canonical(answers)
        if respondent is not None:
            named.append(DeviceId(respondent))
    results = []
    for index, question in enumerate(questions):
        given = [answers[index] for answers in counted.values()]
        if question.kind == "choice":
            counts = tuple(given.count(i) for i in range(len(question.options)))
            texts: tuple[str, ...] = ()
        elif question.kind == "scale":
            low, high = question.options
            counts = tuple(given.count(v) for v in range(low, high + 1))
            texts = ()
        else:
            counts, texts = (), tuple(sorted(a for a in given if isinstance(a, str) and a.strip()))
        results.append(QuestionResult(question, counts, texts))
    closed = bool(_steps(db, space, "close", survey.item_id))
    return SurveyResults(
        survey,
        anonymous,
        closed,
        len(counted),
        () if anonymous else tuple(sorted(named)),
        tuple(results),
        admitted,
    )


def state_rows(db: sqlite3.Connection, space: SpaceId) -> list[Any]:
    """The coaching part of the state hash (empty when the space has none)."""
    steps = [
        list(row)
        for row in db.execute(
            "SELECT op_id, target, step, device, hlc, data FROM coaching_steps WHERE space = ?"
            " ORDER BY op_id",
            (space,),
        )
    ]
    profile_rows = [
        list(row)
        for row in db.execute(
            "SELECT device, can_help, can_help_text, wants, wants_text, op_id FROM coach_profiles"
            " WHERE space = ? ORDER BY device",
            (space,),
        )
    ]
    answers = [
        list(row)
        for row in db.execute(
            "SELECT op_id, survey, respondent, respondent_hash, answers, key FROM survey_answers"
            " WHERE space = ?"
            " ORDER BY op_id",
            (space,),
        )
    ]
    return [steps, profile_rows, answers] if steps or profile_rows or answers else []


def _setting(db: sqlite3.Connection, space: SpaceId, key: str) -> str:
    row = db.execute("SELECT value FROM settings WHERE space = ? AND key = ?", (space, key)).fetchone()
    value = unpack_canonical(row[0]) if row else ""
    return value if isinstance(value, str) else ""


def space_type(db: sqlite3.Connection, space: SpaceId) -> str:
    """ "pair", "direct", or "" for a circle (the `space.type` setting a pair is born with)."""
    return _setting(db, space, "space.type")


PAIR_MODES = ("reciprocal", "coach-me")


def pair_intent(db: sqlite3.Connection, space: SpaceId) -> tuple[str, str]:
    """What the pair was proposed as: ("reciprocal" | "coach-me" | "" for a pair made
    before modes were recorded, its topic), from the `pair.mode` and `pair.topic` settings
    it is born with."""
    mode = _setting(db, space, "pair.mode")
    return (mode if mode in PAIR_MODES else ""), _setting(db, space, "pair.topic")


def pair_circle(db: sqlite3.Connection, space: SpaceId) -> SpaceId | None:
    """The circle a pair (or direct conversation) was offered from (`space.circle`)."""
    value = _setting(db, space, "space.circle")
    try:
        return SpaceId(bytes.fromhex(value)) if value else None
    except ValueError:
        return None


def goal_version(db: sqlite3.Connection, space: SpaceId, goal: OpId) -> OpId:
    """The op whose text the goal shows now (the goal itself or the winning edit)."""
    row = db.execute("SELECT edit_op FROM items WHERE space = ? AND item_id = ?", (space, goal)).fetchone()
    return OpId(row[0]) if row else goal
