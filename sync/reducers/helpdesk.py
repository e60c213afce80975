"""Help requests: ask → claim → answers and progress → escalate → resolve (or reopen).

Requests, answers and progress notes are items (add-wins, author-owned edits). The
steps (claim, escalate, resolve, reopen, me too) are kept whole and folded when read,
in (hlc, op id) order — a linear extension of causality, since an op's hlc is above
its parents' — so every replica holding the same steps reads the same status:

    open --claim--> claimed --escalate--> escalated --resolve--> resolved --reopen--> back

A step that makes no sense where it lands in that order (a claim after the learner
resolved, say, written by someone who had not seen the resolution) is kept and has no
effect on the status. Who may take each step is judged over the op's causal past:
only the asker reports progress, resolves and reopens; anyone else may claim, answer
and say "me too"; the asker, a mentor or above, or someone who claimed it escalates.
"The asker" is the person: any device of the asker's person, linked in the op's causal
past (`Applied.by_author_of`); so is "someone who claimed it".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sync.content import HelpAsk, HelpResolve, HelpStep, HelpText
from sync.errors import Reason
from sync.ids import OpId
from sync.policy import Level
from sync.reducers import Applied, Handler
from sync.reducers.common import Origin, insert_item, origin
from sync.reducers.marks import locked_for

REQUEST = frozenset({"help"})


class HelpStatus(StrEnum):
    """Where a help request stands. Stored and shown as these strings."""

    OPEN = "open"
    CLAIMED = "claimed"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


STATUSES = tuple(HelpStatus)

#: The request's lifecycle, declared: (status, step) -> the next status. A pair not listed
#: leaves the status as it is (the step is still recorded: a second claim, a "me too").
#: `BACK` is where a reopened request returns: escalated if it ever was, else claimed if
#: anyone claimed it, else open. A resolved request takes no step but "reopen".
BACK = None
TRANSITIONS: dict[tuple[HelpStatus, str], HelpStatus | None] = {
    (HelpStatus.OPEN, "claim"): HelpStatus.CLAIMED,
    (HelpStatus.OPEN, "escalate"): HelpStatus.ESCALATED,
    (HelpStatus.CLAIMED, "escalate"): HelpStatus.ESCALATED,
    (HelpStatus.OPEN, "resolve"): HelpStatus.RESOLVED,
    (HelpStatus.CLAIMED, "resolve"): HelpStatus.RESOLVED,
    (HelpStatus.ESCALATED, "resolve"): HelpStatus.RESOLVED,
    (HelpStatus.RESOLVED, "reopen"): BACK,
}


def next_status(status: HelpStatus, step: str, *, escalated: bool, claimed: bool) -> HelpStatus:
    """The status after `step` (pure): the table's, else unchanged."""
    if (status, step) not in TRANSITIONS:
        return status
    target = TRANSITIONS[(status, step)]
    if target is BACK:
        return HelpStatus.ESCALATED if escalated else HelpStatus.CLAIMED if claimed else HelpStatus.OPEN
    return target


@dataclass(frozen=True, slots=True)
class Step:
    step: str
    device: bytes
    hlc: int
    op_id: bytes
    answer: bytes | None = None


@dataclass(slots=True)
class Status:
    status: HelpStatus = HelpStatus.OPEN
    claimed_by: list[bytes] = field(default_factory=list)
    escalated: bool = False
    accepted: bytes | None = None
    me_too: set[bytes] = field(default_factory=set)


def fold(steps: Iterable[Step]) -> Status:
    """The status a set of steps adds up to (the same for any order they arrived in)."""
    status = Status()
    for step in sorted(steps, key=lambda s: (s.hlc, s.op_id)):
        if step.step == "metoo":
            status.me_too.add(step.device)
            continue
        if status.status == HelpStatus.RESOLVED and step.step != "reopen":
            continue  # the table's rule: a resolved request only reopens
        claimed = bool(status.claimed_by)
        after = next_status(status.status, step.step, escalated=status.escalated, claimed=claimed)
        if step.step == "claim" and step.device not in status.claimed_by:
            status.claimed_by.append(step.device)
        elif step.step == "escalate":
            status.escalated = True
        elif step.step == "resolve":
            status.accepted = step.answer
        elif step.step == "reopen" and after != status.status:
            status.accepted = None
        status.status = after
    return status


def steps_of(db: sqlite3.Connection, space: bytes, request: bytes) -> list[Step]:
    return [
        Step(*row)
        for row in db.execute(
            "SELECT step, device, hlc, op_id, answer FROM help_steps WHERE space = ? AND request = ?",
            (space, request),
        )
    ]


def steps_by_request(db: sqlite3.Connection, space: bytes) -> dict[bytes, list[Step]]:
    """Every request's steps in the space, read in one query (request -> its steps): folding
    each is `fold(steps_of(…))` for every request at once, without a query per request."""
    found: dict[bytes, list[Step]] = {}
    for request, *step in db.execute(
        "SELECT request, step, device, hlc, op_id, answer FROM help_steps WHERE space = ?", (space,)
    ):
        found.setdefault(request, []).append(Step(*step))
    return found


def _request(db: sqlite3.Connection, op: Applied, request: OpId, *, lockable: bool = True) -> Origin | Reason:
    found = origin(db, op, request, REQUEST)
    if found is None:
        return Reason.BAD_CONTENT
    return Reason.NOT_PERMITTED if lockable and locked_for(db, op, request) else found


def _check_ask(db: sqlite3.Connection, op: Applied, body: HelpAsk) -> Reason | None:
    """A link names an item or an assignment in the asker's causal past."""
    if body.link is None or origin(db, op, body.link) is not None:
        return None
    from sync.reducers.assess import settings_at

    return None if settings_at(db, op.space, body.link, op.clock) is not None else Reason.BAD_CONTENT


def _apply_ask(db: sqlite3.Connection, op: Applied, body: HelpAsk) -> None:
    extra = {"link": body.link} if body.link else None
    insert_item(db, op, "help", title=body.title, text=body.text, tags=body.tags, extra=extra)


def _by_asker(
    asker: bool, *, lockable: bool = True
) -> Callable[[sqlite3.Connection, Applied, HelpText | HelpStep], Reason | None]:
    """A check that the op's author is (or is not) the one who asked. A lock holds back
    everything but the asker closing or reopening their own request."""

    def check(db: sqlite3.Connection, op: Applied, body: HelpText | HelpStep) -> Reason | None:
        found = _request(db, op, body.request, lockable=lockable)
        if isinstance(found, Reason):
            return found
        return None if op.by_author_of(found.author) == asker else Reason.NOT_PERMITTED

    return check


def _check_escalate(db: sqlite3.Connection, op: Applied, body: HelpStep) -> Reason | None:
    found = _request(db, op, body.request)
    if isinstance(found, Reason):
        return found
    if op.by_author_of(found.author) or op.level >= Level.MENTOR:
        return None
    claimers = db.execute(
        "SELECT author, seq FROM help_steps WHERE space = ? AND request = ? AND step = 'claim'",
        (op.space, body.request),
    ).fetchall()
    # A claim the escalating person made earlier (from any device), in this op's past.
    claimed = any(op.clock.get(author, 0) >= seq and op.by_author_of(author) for author, seq in claimers)
    return None if claimed else Reason.NOT_PERMITTED


def _check_resolve(db: sqlite3.Connection, op: Applied, body: HelpResolve) -> Reason | None:
    problem = _by_asker(True, lockable=False)(db, op, HelpStep(body.request))
    if problem is None and body.accept is not None:
        answer = origin(db, op, body.accept, frozenset({"answer"}))
        if answer is None or answer.parent != body.request:
            return Reason.BAD_CONTENT
    return problem


def _text(type_: str) -> Callable[[sqlite3.Connection, Applied, HelpText], None]:
    def apply(db: sqlite3.Connection, op: Applied, body: HelpText) -> None:
        insert_item(db, op, type_, text=body.text, parent=body.request)

    return apply


def _step(step: str) -> Callable[[sqlite3.Connection, Applied, HelpStep | HelpResolve], None]:
    def apply(db: sqlite3.Connection, op: Applied, body: HelpStep | HelpResolve) -> None:
        answer = body.accept if isinstance(body, HelpResolve) else None
        db.execute(
            "INSERT OR IGNORE INTO help_steps (op_id, space, request, step, device, author, seq, hlc, answer)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (op.op_id, op.space, body.request, step, op.device, op.author, op.seq, op.hlc, answer),
        )

    return apply


HANDLERS = {
    "help.ask": Handler("help.ask", _check_ask, _apply_ask),
    "help.answer": Handler("help.answer", _by_asker(False), _text("answer")),
    "help.progress": Handler("help.ask", _by_asker(True), _text("progress")),
    "help.claim": Handler("help.claim", _by_asker(False), _step("claim")),
    "help.escalate": Handler("help.ask", _check_escalate, _step("escalate")),
    "help.resolve": Handler("help.ask", _check_resolve, _step("resolve")),
    "help.reopen": Handler("help.ask", _by_asker(True, lockable=False), _step("reopen")),
    "help.metoo": Handler("help.ask", _by_asker(False), _step("metoo")),
}
