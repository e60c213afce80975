"""Peer coaching and surveys: the reducers of the kinds in `sync.coaching`.

CRDTs: cycles, goals, observations, feedback, reflections, offers, suggestions and
surveys are items (add-wins, keyed by the creating op); a goal is a last-writer-wins
register over (goal, success) that *either* participant may edit, ordered by (hlc, op
id); profiles are one LWW register per author device; pair accepts and ends, goal
agreements, cycle closes, offer declines and survey closes are steps kept whole and
folded when read (`sync.coaching_views`); survey answers are rows.

Consent and privacy are judged over the op's causal past only, so every replica gives
the same verdict: in a pair space, nothing but `pair.accept` is valid until someone
other than the space's creator has accepted; nothing is valid once a `pair.end` is in
the causal past; the creator cannot accept for anyone. A participant, the creator and a
survey's author are persons: any of their devices linked in the op's causal past
(`Applied.by_author_of`). Design: docs/protocol.md, 8b.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sync import blind_token
from sync import coaching as c
from sync.errors import Reason, Refusal
from sync.ids import digest
from sync.policy import Level
from sync.reducers import Applied, Handler
from sync.reducers.common import Origin, insert_item, origin
from sync.wire.canonical import pack, unpack_canonical

PAIR = "coach.pair"


def in_past(op: Applied, author: int, seq: int) -> bool:
    return op.clock.get(author, 0) >= seq


def creator(db: sqlite3.Connection, op: Applied) -> int | None:
    row = db.execute("SELECT author FROM ops WHERE op_id = ?", (op.space,)).fetchone()
    return None if row is None else int(row[0])


def _steps_in_past(db: sqlite3.Connection, op: Applied, target: bytes, step: str) -> list[tuple[int, bytes]]:
    """(author, op id) of the steps `step` on `target` in `op`'s causal past."""
    return [
        (author, op_id)
        for author, seq, op_id in db.execute(
            "SELECT author, seq, op_id FROM coaching_steps WHERE space = ? AND target = ? AND step = ?",
            (op.space, target, step),
        )
        if in_past(op, author, seq)
    ]


def participants_in_past(db: sqlite3.Connection, op: Applied) -> set[int] | None:
    """The pair's participants as `op`'s author saw them (the creator and everyone whose
    accept is in its causal past), or None if the pair was not formed or had ended."""
    if _steps_in_past(db, op, op.space, "end"):
        return None
    accepted = {author for author, _ in _steps_in_past(db, op, op.space, "accept")}
    first = creator(db, op)
    if not accepted or first is None:
        return None
    return accepted | {first}


def _participant(db: sqlite3.Connection, op: Applied) -> Reason | None:
    found = participants_in_past(db, op)
    return None if found is not None and _among(op, found) else Reason.NOT_PERMITTED


def _among(op: Applied, authors: set[int]) -> bool:
    """Whether the op's author is one of `authors` or another device of one's person."""
    return any(op.by_author_of(author) for author in authors)


def _author_index(db: sqlite3.Connection, op: Applied, device: bytes) -> int | None:
    row = db.execute("SELECT idx FROM authors WHERE space = ? AND device = ?", (op.space, device)).fetchone()
    return None if row is None else int(row[0])


def _person(db: sqlite3.Connection, space: bytes, device: bytes) -> bytes:
    row = db.execute(
        "SELECT person FROM device_persons WHERE space = ? AND device = ?", (space, device)
    ).fetchone()
    return bytes(row[0]) if row is not None and row[0] is not None else device


def _closed(db: sqlite3.Connection, op: Applied, cycle: bytes) -> bool:
    return bool(_steps_in_past(db, op, cycle, "close"))


def _record(db: sqlite3.Connection, op: Applied, target: bytes, step: str, data: Any = None) -> None:
    db.execute(
        "INSERT OR IGNORE INTO coaching_steps (op_id, space, target, step, device, author, seq, hlc, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.op_id,
            op.space,
            target,
            step,
            op.device,
            op.author,
            op.seq,
            op.hlc,
            None if data is None else pack(data),
        ),
    )


def _extra(db: sqlite3.Connection, space: bytes, item: bytes) -> dict[str, Any]:
    row = db.execute("SELECT extra FROM items WHERE space = ? AND item_id = ?", (space, item)).fetchone()
    return unpack_canonical(row[0]) if row is not None and row[0] else {}


def _open_cycle(db: sqlite3.Connection, op: Applied, cycle: bytes) -> Origin | Reason:
    """The cycle `cycle` if the author is a participant and it is open in the causal past."""
    problem = _participant(db, op)
    if problem is not None:
        return problem
    found = origin(db, op, cycle, frozenset({"cycle"}))
    if found is None:
        return Reason.BAD_CONTENT
    return Reason.NOT_PERMITTED if _closed(db, op, cycle) else found


# --- pair space -------------------------------------------------------------------


def _check_accept(db: sqlite3.Connection, op: Applied, body: c.PairAccept) -> Reason | None:
    first = creator(db, op)
    if (first is not None and op.by_author_of(first)) or _steps_in_past(db, op, op.space, "end"):
        return Reason.NOT_PERMITTED
    mine = [author for author, _ in _steps_in_past(db, op, op.space, "accept") if op.by_author_of(author)]
    return Reason.NOT_PERMITTED if mine else None


def _check_end(db: sqlite3.Connection, op: Applied, body: c.PairEnd) -> Reason | None:
    return _participant(db, op)


def _check_cycle_open(db: sqlite3.Connection, op: Applied, body: c.CycleOpen) -> Reason | None:
    found = participants_in_past(db, op)
    if found is None or not _among(op, found):
        return Reason.NOT_PERMITTED
    observed = _author_index(db, op, body.observed)
    return None if observed in found else Reason.BAD_CONTENT


def _apply_cycle_open(db: sqlite3.Connection, op: Applied, body: c.CycleOpen) -> None:
    insert_item(db, op, "cycle", title=body.title, extra={"observed": body.observed})


def _check_goal(db: sqlite3.Connection, op: Applied, body: c.Goal) -> Reason | None:
    found = _open_cycle(db, op, body.cycle)
    return found if isinstance(found, Reason) else None


def _apply_goal(db: sqlite3.Connection, op: Applied, body: c.Goal) -> None:
    insert_item(db, op, "goal", title=body.goal, text=body.success, parent=body.cycle)


def _goal(db: sqlite3.Connection, op: Applied, goal: bytes) -> Origin | Reason:
    found = origin(db, op, goal, frozenset({"goal"}))
    if found is None or found.parent is None:
        return Reason.BAD_CONTENT
    cycle = _open_cycle(db, op, found.parent)
    return cycle if isinstance(cycle, Reason) else found


def _check_goal_edit(db: sqlite3.Connection, op: Applied, body: c.GoalEdit) -> Reason | None:
    found = _goal(db, op, body.goal_id)
    return found if isinstance(found, Reason) else None


def _apply_goal_edit(db: sqlite3.Connection, op: Applied, body: c.GoalEdit) -> None:
    _record(db, op, body.goal_id, "edit")
    db.execute(
        "UPDATE items SET title = ?, text = ?, edit_hlc = ?, edit_op = ?"
        " WHERE space = ? AND item_id = ? AND (edit_hlc < ? OR (edit_hlc = ? AND edit_op < ?))",
        (body.goal, body.success, op.hlc, op.op_id, op.space, body.goal_id, op.hlc, op.hlc, op.op_id),
    )


def _check_agree(db: sqlite3.Connection, op: Applied, body: c.Agree) -> Reason | None:
    found = _goal(db, op, body.goal_id)
    if isinstance(found, Reason):
        return found
    if body.version == body.goal_id:
        return None
    edits = {op_id for _, op_id in _steps_in_past(db, op, body.goal_id, "edit")}
    return None if body.version in edits else Reason.BAD_CONTENT


def _check_observe(db: sqlite3.Connection, op: Applied, body: c.Observation) -> Reason | None:
    found = _open_cycle(db, op, body.cycle)
    if isinstance(found, Reason):
        return found
    observed = _extra(db, op.space, body.cycle).get("observed", b"")
    same = _person(db, op.space, observed) == _person(db, op.space, op.device)
    return Reason.NOT_PERMITTED if same else None


def _apply_observe(db: sqlite3.Connection, op: Applied, body: c.Observation) -> None:
    insert_item(
        db, op, "observation", title=body.focus, text=body.evidence, parent=body.cycle,
        extra={"questions": body.questions} if body.questions else None,
    )  # fmt: skip


def _check_feedback(db: sqlite3.Connection, op: Applied, body: c.Feedback) -> Reason | None:
    problem = _participant(db, op)
    if problem is not None:
        return problem
    # Comments go under an observation, a reflection (shared from a journal) or feedback.
    parents = frozenset({"observation", "reflection", "feedback"})
    return None if origin(db, op, body.parent, parents) else Reason.BAD_CONTENT


def _apply_feedback(db: sqlite3.Connection, op: Applied, body: c.Feedback) -> None:
    insert_item(db, op, "feedback", text=body.text, parent=body.parent)


def _check_reflect(db: sqlite3.Connection, op: Applied, body: c.Reflection) -> Reason | None:
    """A reflection may come after the cycle closed (that is when people reflect)."""
    problem = _participant(db, op)
    if problem is not None:
        return problem
    return None if origin(db, op, body.cycle, frozenset({"cycle"})) else Reason.BAD_CONTENT


def _apply_reflect(db: sqlite3.Connection, op: Applied, body: c.Reflection) -> None:
    insert_item(db, op, "reflection", text=body.text, parent=body.cycle)


def _check_close(db: sqlite3.Connection, op: Applied, body: c.CycleClose) -> Reason | None:
    found = _open_cycle(db, op, body.cycle)
    if isinstance(found, Reason):
        return found
    for goal in body.met:
        met = origin(db, op, goal, frozenset({"goal"}))
        if met is None or met.parent != body.cycle:
            return Reason.BAD_CONTENT
    return None


def _step(
    step: str, target: Callable[[Any], bytes] | None = None, data: Callable[[Any], Any] | None = None
) -> Callable[[sqlite3.Connection, Applied, Any], None]:
    def apply(db: sqlite3.Connection, op: Applied, body: Any) -> None:
        _record(
            db, op, op.space if target is None else target(body), step, None if data is None else data(body)
        )

    return apply


# --- circle: profiles, offers, suggestions ----------------------------------------


def _none(db: sqlite3.Connection, op: Applied, body: Any) -> Reason | None:
    return None


def _apply_profile(db: sqlite3.Connection, op: Applied, body: c.Profile) -> None:
    db.execute(
        """
        INSERT INTO coach_profiles (space, device, can_help, can_help_text, wants, wants_text, hlc, op_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (space, device) DO UPDATE SET
            can_help = excluded.can_help, can_help_text = excluded.can_help_text,
            wants = excluded.wants, wants_text = excluded.wants_text,
            hlc = excluded.hlc, op_id = excluded.op_id
        WHERE excluded.hlc > coach_profiles.hlc
           OR (excluded.hlc = coach_profiles.hlc AND excluded.op_id > coach_profiles.op_id)
        """,
        (
            op.space, op.device, " ".join(t.lower() for t in body.can_help), body.can_help_text,
            " ".join(t.lower() for t in body.wants), body.wants_text, op.hlc, op.op_id,
        ),
    )  # fmt: skip


def _check_offer(db: sqlite3.Connection, op: Applied, body: c.Offer) -> Reason | None:
    same = _person(db, op.space, body.to) == _person(db, op.space, op.device)
    return Reason.NOT_PERMITTED if same else None


def _apply_offer(db: sqlite3.Connection, op: Applied, body: c.Offer) -> None:
    extra = {"to": body.to, "purpose": body.purpose, "boxes": [[d, box] for d, box in body.boxes]}
    insert_item(db, op, "offer", extra=extra)


def _check_decline(db: sqlite3.Connection, op: Applied, body: c.OfferRef) -> Reason | None:
    if origin(db, op, body.offer, frozenset({"offer"})) is None:
        return Reason.BAD_CONTENT
    to = _extra(db, op.space, body.offer).get("to", b"")
    return None if _person(db, op.space, to) == _person(db, op.space, op.device) else Reason.NOT_PERMITTED


def _apply_suggest(db: sqlite3.Connection, op: Applied, body: c.Suggestion) -> None:
    insert_item(db, op, "suggestion", text=body.text, extra={"first": body.first, "second": body.second})


# --- circle: surveys ----------------------------------------------------------------


def _apply_survey(db: sqlite3.Connection, op: Applied, body: c.SurveyOpen) -> None:
    questions = [[q.kind, q.prompt, list(q.options)] for q in body.questions]
    extra: dict[str, Any] = {"anonymous": body.anonymous, "questions": questions}
    if body.anonymous:
        extra.update(token_key=body.token_key, key_nonce=body.key_nonce)
    insert_item(db, op, "survey", title=body.title, extra=extra)


def survey_questions(extra: dict[str, Any]) -> tuple[c.Question, ...]:
    return tuple(
        c.Question(kind, prompt, tuple(options)) for kind, prompt, options in extra.get("questions", [])
    )


def _fits_all(db: sqlite3.Connection, op: Applied, body: c.SurveyAnswer | c.SurveyResponse) -> bool:
    questions = survey_questions(_extra(db, op.space, body.survey))
    return len(body.answers) == len(questions) and all(
        c.fits(q, a) for q, a in zip(questions, body.answers, strict=True)
    )


def _check_answer(db: sqlite3.Connection, op: Applied, body: c.SurveyAnswer) -> Reason | Refusal | None:
    if origin(db, op, body.survey, frozenset({"survey"})) is None:
        return Reason.BAD_CONTENT
    if _steps_in_past(db, op, body.survey, "close"):
        return Reason.NOT_PERMITTED
    if _extra(db, op.space, body.survey).get("anonymous"):
        return Refusal(
            Reason.NOT_PERMITTED,
            "An anonymous survey is answered with its anonymous key (survey.respond), not a device.",
        )
    # One answer per person (any of their devices) that had seen an earlier one of theirs.
    key = respondent_hash(_person(db, op.space, op.device), body.survey)
    earlier = db.execute(
        "SELECT author, seq FROM survey_answers WHERE space = ? AND survey = ? AND respondent_hash = ?",
        (op.space, body.survey, key),
    ).fetchall()
    if any(in_past(op, author, seq) for author, seq in earlier):
        return Reason.NOT_PERMITTED
    return None if _fits_all(db, op, body) else Reason.BAD_CONTENT


def respondent_hash(person: bytes, survey: bytes) -> bytes:
    """Who answered, as results count them: the person (their first device), per survey."""
    return digest(person + survey, person=b"sc-survey-resp")


def _apply_answer(db: sqlite3.Connection, op: Applied, body: c.SurveyAnswer) -> None:
    anonymous = bool(_extra(db, op.space, body.survey).get("anonymous"))  # only named ones now
    db.execute(
        "INSERT OR IGNORE INTO survey_answers (op_id, space, survey, respondent, respondent_hash,"
        " author, seq, hlc, answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.op_id, op.space, body.survey, None if anonymous else op.device,
            respondent_hash(_person(db, op.space, op.device), body.survey), op.author, op.seq, op.hlc,
            pack(list(body.answers)),
        ),
    )  # fmt: skip


# --- anonymous surveys (docs/protocol.md, 8b, "Anonymous surveys") ------------------


def _anonymous_survey(db: sqlite3.Connection, op: Applied, survey: bytes) -> Origin | Reason:
    """The survey if it is in the causal past, anonymous and not closed there."""
    found = origin(db, op, survey, frozenset({"survey"}))
    if found is None:
        return Reason.BAD_CONTENT
    if not _extra(db, op.space, survey).get("anonymous") or _steps_in_past(db, op, survey, "close"):
        return Reason.NOT_PERMITTED
    return found


def _key_in_past(db: sqlite3.Connection, op: Applied, survey: bytes, key_op: bytes) -> bytes | None:
    """The blind-signing public key of `key_op` (the survey's open op or one of its
    rekeys) if that op is in `op`'s causal past."""
    if key_op == survey:
        token_key = _extra(db, op.space, survey).get("token_key")
        return token_key if isinstance(token_key, bytes) else None
    row = db.execute(
        "SELECT author, seq, data FROM coaching_steps WHERE op_id = ? AND space = ? AND target = ?"
        " AND step = 'rekey'",
        (key_op, op.space, survey),
    ).fetchone()
    if row is None or not in_past(op, row[0], row[1]):
        return None
    return bytes(unpack_canonical(row[2])[0])


def _enrolments(
    db: sqlite3.Connection, op: Applied, survey: bytes
) -> dict[bytes, tuple[bytes, bytes, bytes]]:
    """The enrolments of `survey` in `op`'s causal past: op id -> (device, key op, blinded)."""
    found = {}
    for op_id, device, author, seq, data in db.execute(
        "SELECT op_id, device, author, seq, data FROM coaching_steps"
        " WHERE space = ? AND target = ? AND step = 'enrol'",
        (op.space, survey),
    ):
        if in_past(op, author, seq):
            key_op, blinded = unpack_canonical(data)
            found[bytes(op_id)] = (bytes(device), bytes(key_op), bytes(blinded))
    return found


def _check_enrol(db: sqlite3.Connection, op: Applied, body: c.SurveyEnrol) -> Reason | None:
    found = _anonymous_survey(db, op, body.survey)
    if isinstance(found, Reason):
        return found
    public = _key_in_past(db, op, body.survey, body.key)
    n = 0 if public is None else int.from_bytes(public, "big")
    if not 1 < int.from_bytes(body.blinded, "big") < n:
        return Reason.BAD_CONTENT  # an unknown key, or no number that key can sign
    mine = any(  # this device's own joins only: one indexed read, not every join of the survey
        in_past(op, author, seq) and bytes(unpack_canonical(data)[0]) == body.key
        for author, seq, data in db.execute(
            "SELECT author, seq, data FROM coaching_steps"
            " WHERE space = ? AND target = ? AND step = 'enrol' AND device = ?",
            (op.space, body.survey, op.device),
        )
    )
    return Reason.NOT_PERMITTED if mine else None


def _apply_enrol(db: sqlite3.Connection, op: Applied, body: c.SurveyEnrol) -> None:
    _record(db, op, body.survey, "enrol", [body.key, body.blinded])


def _check_admit(db: sqlite3.Connection, op: Applied, body: c.SurveyAdmit) -> Reason | None:
    """The owner device signs joins it holds, each the owner key's signature of the
    blinded value (anyone checks), one per person per key, of devices still members —
    all judged in the admit's causal past, so the verdict is the same in any order."""
    found = _anonymous_survey(db, op, body.survey)
    if isinstance(found, Reason):
        return found
    if found.author != op.author:  # the owner *device*: the key derives from its seed
        return Reason.NOT_PERMITTED
    enrolments = _enrolments(db, op, body.survey)
    granted: set[tuple[int, bytes]] = set()  # (person, key op) admitted in the causal past
    for author, seq, data in db.execute(
        "SELECT author, seq, data FROM coaching_steps WHERE space = ? AND target = ? AND step = 'admit'",
        (op.space, body.survey),
    ):
        if in_past(op, author, seq):
            for enrol, _ in unpack_canonical(data):
                if bytes(enrol) in enrolments:
                    device, key_op, _ = enrolments[bytes(enrol)]
                    granted.add((_person_at(db, op, device), key_op))
    for enrol, signed in body.grants:
        if enrol not in enrolments:
            return Reason.BAD_CONTENT
        device, key_op, blinded = enrolments[enrol]
        public = _key_in_past(db, op, body.survey, key_op)
        if public is None or not blind_token.signed_ok(public, blinded, signed):
            return Reason.BAD_CONTENT
        who = (_person_at(db, op, device), key_op)
        if who in granted or not _still_member(db, op, device):
            return Reason.NOT_PERMITTED
        granted.add(who)
    return None


def _person_at(db: sqlite3.Connection, op: Applied, device: bytes) -> int:
    """`device`'s person as `op`'s causal past has it (author indices): its person's first
    device if the link that made it so is in that past, else the device itself. Not the
    `device_persons` table, which holds what this replica knows now (a link that arrived
    before or after the op would give two verdicts)."""
    index = _author_index(db, op, device)
    if index is None or op.auth is None:
        return -1
    person = op.auth.person_of(index)
    return person if person != index and op.auth.same_person_at(index, person, op.clock) else index


def _still_member(db: sqlite3.Connection, op: Applied, device: bytes) -> bool:
    """Whether `device` is a member in `op`'s causal past: no removal or unlink of it
    there (`strong=False`: a removal the admit had not seen does not change its verdict;
    the rekey that follows a removal is what stops the removed member's answers)."""
    index = _author_index(db, op, device)
    if index is None or op.auth is None:
        return False
    return op.auth.level_at(index, op.clock, op.clock.get(index, 0) + 1, strong=False) >= Level.MEMBER


def _check_rekey(db: sqlite3.Connection, op: Applied, body: c.SurveyRekey) -> Reason | None:
    found = _anonymous_survey(db, op, body.survey)
    if isinstance(found, Reason):
        return found
    return None if found.author == op.author else Reason.NOT_PERMITTED


def answer_message(survey: bytes, key_op: bytes, pseudonym: bytes) -> bytes:
    """What the owner's token signs: this pseudonym may answer this survey under this key."""
    return b"survey-answer\x00" + survey + key_op + pseudonym


def _check_respond(db: sqlite3.Connection, op: Applied, body: c.SurveyResponse) -> Reason | None:
    """Signed by a pseudonym (`sync.survey_keys`) holding the owner key's token for it;
    the survey open in the causal past and not closed there."""
    found = _anonymous_survey(db, op, body.survey)
    if isinstance(found, Reason):
        return found
    public = _key_in_past(db, op, body.survey, body.key)
    if public is None:
        return Reason.BAD_CONTENT
    if not blind_token.token_ok(public, answer_message(body.survey, body.key, op.device), body.token):
        return Reason.NOT_PERMITTED
    return None if _fits_all(db, op, body) else Reason.BAD_CONTENT


def _apply_respond(db: sqlite3.Connection, op: Applied, body: c.SurveyResponse) -> None:
    db.execute(
        "INSERT OR IGNORE INTO survey_answers (op_id, space, survey, respondent, respondent_hash,"
        " author, seq, hlc, answers, key) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
        (
            op.op_id, op.space, body.survey, respondent_hash(op.device, body.survey), op.author, op.seq,
            op.hlc, pack(list(body.answers)), body.key,
        ),
    )  # fmt: skip


def _check_survey_close(db: sqlite3.Connection, op: Applied, body: c.SurveyRef) -> Reason | None:
    found = origin(db, op, body.survey, frozenset({"survey"}))
    if found is None:
        return Reason.BAD_CONTENT
    return None if op.by_author_of(found.author) or op.level >= Level.TEACHER else Reason.NOT_PERMITTED


HANDLERS = {
    "coach.profile": Handler("coach.profile", _none, _apply_profile),
    "coach.offer": Handler("coach.offer", _check_offer, _apply_offer),
    "coach.decline": Handler("coach.offer", _check_decline, _step("decline", lambda b: b.offer)),
    "coach.suggest": Handler("coach.suggest", _none, _apply_suggest),
    "pair.accept": Handler(PAIR, _check_accept, _step("accept")),
    "pair.end": Handler(PAIR, _check_end, _step("end", data=lambda b: b.text)),
    "cycle.open": Handler(PAIR, _check_cycle_open, _apply_cycle_open),
    "cycle.goal": Handler(PAIR, _check_goal, _apply_goal),
    "cycle.goal.edit": Handler(PAIR, _check_goal_edit, _apply_goal_edit),
    "cycle.agree": Handler(PAIR, _check_agree, _step("agree", lambda b: b.goal_id, lambda b: b.version)),
    "cycle.observe": Handler(PAIR, _check_observe, _apply_observe),
    "cycle.feedback": Handler(PAIR, _check_feedback, _apply_feedback),
    "cycle.reflect": Handler(PAIR, _check_reflect, _apply_reflect),
    "cycle.close": Handler(
        PAIR, _check_close, _step("close", lambda b: b.cycle, lambda b: [list(b.met), list(b.next)])
    ),
    "survey.open": Handler("survey.run", _none, _apply_survey),
    "survey.answer": Handler("survey.answer", _check_answer, _apply_answer),
    "survey.close": Handler("survey.answer", _check_survey_close, _step("close", lambda b: b.survey)),
    "survey.enrol": Handler("survey.answer", _check_enrol, _apply_enrol),
    "survey.admit": Handler(
        "survey.answer",
        _check_admit,
        _step("admit", lambda b: b.survey, lambda b: [list(g) for g in b.grants]),
    ),
    "survey.rekey": Handler(
        "survey.answer",
        _check_rekey,
        _step("rekey", lambda b: b.survey, lambda b: [b.token_key, b.key_nonce]),
    ),
    "survey.respond": Handler(None, _check_respond, _apply_respond),  # signed by a pseudonym
}

MATERIALIZED = ("coaching_steps", "coach_profiles", "survey_answers")
