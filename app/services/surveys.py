"""Surveys in a circle (issue 18): open one (single choice, scale, free text; anonymous
or named, fixed up front and shown to respondents), answer it, close it, and read its
results as counts per option — never who answered what.

An anonymous survey is answered under a per-survey pseudonym (`sync.survey_keys`): a
member first joins (their pseudonym *blinded*: nobody, the owner included, can read it),
the owner's device admits everyone who joined by signing those blinded values, then each
answers signed by their pseudonym with the unblinded signature as its token (a second
answer replaces the first). When a member is removed, the owner renews the survey's key
and the others join again. docs/security.md, "Anonymous surveys", says who can learn what.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

import trio

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, find_item, names_in, write_content
from app.services.rows import SurveyPart, SurveyQuestionResult, SurveyResults, SurveySummary
from app.task_status import TaskStatus
from sync import coaching_views as cv
from sync import survey_keys, writer
from sync.changes import Changes
from sync.coaching import KEY_NONCE_LEN, MAX_ADMITTED, MAX_OPTIONS, MAX_QUESTIONS, Question, fits
from sync.errors import Rejected
from sync.ids import SpaceId
from sync.reducers.coaching import survey_questions
from sync.replica import Replica
from sync.state import ItemRow, items

logger = logging.getLogger(__name__)

ANONYMOUS_NOTICE = (
    "Anonymous: your answer is signed by a key made for this survey, not by your device, and the"
    " survey's owner admitted that key without seeing it, so nobody, the owner included, can tell"
    ' which answer is yours (docs/security.md, "Anonymous surveys").'
)


def parse_question(kind: str, spec: str) -> list[Any]:
    """`choice` "Prompt|a|b|c", `scale` "Prompt|1|5", `text` "Prompt" as a body question."""
    prompt, *rest = [part.strip() for part in spec.split("|")]
    if not prompt:
        raise CommandError(f"A {kind} question needs a prompt before any '|'.")
    if kind == "choice":
        if not 2 <= len(rest) <= MAX_OPTIONS or len(set(rest)) != len(rest) or not all(rest):
            raise CommandError(
                f"A choice question is 'Prompt|option|option…' with 2 to {MAX_OPTIONS} distinct options."
            )
        return [kind, prompt, rest]
    if kind == "scale":
        try:
            low, high = (int(v) for v in rest)
        except ValueError:
            raise CommandError("A scale question is 'Prompt|low|high', e.g. 'How confident?|1|5'.") from None
        if not 0 <= low < high <= 10:
            raise CommandError("A scale runs from low to high with 0 <= low < high <= 10.")
        return [kind, prompt, [low, high]]
    if rest:
        raise CommandError("A text question is just its prompt (no '|').")
    return [kind, prompt, []]


async def open_survey(
    commands: Commands, circle: SpaceId, title: str, *, anonymous: bool, questions: list[list[Any]]
) -> Any:
    if not title.strip():
        raise CommandError("A survey needs a title.")
    if not 0 < len(questions) <= MAX_QUESTIONS:
        raise CommandError(f"A survey has 1 to {MAX_QUESTIONS} questions (--choice, --scale, --text).")
    fields: dict[str, Any] = {"title": title.strip(), "anonymous": anonymous, "questions": questions}
    if anonymous:
        fields.update(await _new_key(commands, circle))
    return await write_content(commands, circle, "survey.open", fields)


async def _new_key(commands: Commands, space: SpaceId) -> dict[str, bytes]:
    """A fresh blind-signing key of this device (about a second of arithmetic, off the
    event loop)."""
    nonce = secrets.token_bytes(KEY_NONCE_LEN)
    return await trio.to_thread.run_sync(survey_keys.key_fields, commands.replica.key, space, nonce)


async def find_survey(commands: Commands, typed: str) -> Found:
    return await commands.database.run(
        lambda: find_item(commands.replica, typed, frozenset({"survey"}), noun="survey")
    )


def _answer_value(question: Question, typed: str, number: int) -> int | str:
    if question.kind == "text":
        return typed
    if question.kind == "choice":
        labels = [str(o) for o in question.options]
        if typed in labels:
            return labels.index(typed)
        if typed.isdigit() and 1 <= int(typed) <= len(labels):
            return int(typed) - 1
        raise CommandError(f"Answer {number} must be one of {', '.join(labels)} (or its number from 1).")
    try:
        value = int(typed)
    except ValueError:
        value = -1
    low, high = question.options
    if not low <= value <= high:
        raise CommandError(f"Answer {number} must be a whole number from {low} to {high}.")
    return value


def _anonymous(survey: Found) -> bool:
    return bool(survey.item.extra.get("anonymous"))


def _require_anonymous(survey: Found) -> None:
    if not _anonymous(survey):
        raise CommandError("This survey is named: answer it directly with 'survey answer'.")


def _standing(replica: Replica, space: SpaceId, survey: bytes) -> tuple[bool, bool]:
    """(joined, admitted) for this device under the survey's current key."""
    replica.refresh()
    joined = replica.key.device_id in survey_keys.joined_devices(replica.db, space, survey)
    return joined, survey_keys.admitted(replica.db, space, survey, replica.key.device_id)


async def join(commands: Commands, survey: Found) -> Any:
    """Ask to take part in an anonymous survey: this device's pseudonym, blinded, for the
    owner's device to sign without seeing it."""
    _require_anonymous(survey)
    replica, space, survey_id = commands.replica, survey.space, survey.item.item_id
    joined, admitted = await commands.database.run(_standing, replica, space, survey_id)
    if admitted:
        raise CommandError("Your anonymous key is already admitted: answer with 'survey answer'.")
    if joined:
        raise CommandError("You have already joined; the survey's owner admits keys with 'survey admit'.")

    def fields() -> dict[str, Any]:
        current = survey_keys.current_key(replica.db, space, survey_id)
        if current is None:
            raise CommandError("This survey has no key for anonymous answers.")
        try:
            return survey_keys.enrolment_fields(replica.key, space, survey_id, current)
        except Rejected as error:
            raise CommandError(f"{error.detail[0].upper()}{error.detail[1:]}.") from None

    return await write_content(commands, space, "survey.enrol", await commands.database.run(fields))


async def admit(commands: Commands, survey: Found) -> tuple[Any, int]:
    """The owner's device admits everyone who joined under the survey's current key and
    is still a member (one per person), signing values it cannot read; returns the op and
    how many joins the key has admitted in all."""
    _require_anonymous(survey)
    if survey.item.author != commands.replica.key.device_id:
        raise CommandError("Only the device that opened this survey can admit anonymous keys.")
    replica, space, survey_id = commands.replica, survey.space, survey.item.item_id

    def read() -> tuple[survey_keys.SurveyKey, list[survey_keys.Join], int]:
        replica.refresh()
        current, chosen = survey_keys.waiting(replica.db, space, survey_id)
        return current, chosen, survey_keys.admitted_count(replica.db, space, survey_id)

    current, chosen, before = await commands.database.run(read)
    if not chosen:
        keys = "1 key" if before == 1 else f"{before} keys"
        raise CommandError(f"Nothing to admit: {keys} admitted already, and nobody new has joined.")
    op = None
    for start in range(0, len(chosen), MAX_ADMITTED):  # one op holds at most MAX_ADMITTED
        try:  # the signing is arithmetic: off the database worker and the event loop
            made = await trio.to_thread.run_sync(
                survey_keys.grant_fields, replica.key, space, survey_id, current,
                chosen[start : start + MAX_ADMITTED],
            )  # fmt: skip
        except Rejected as error:
            raise CommandError(error.detail) from None
        op = await write_content(commands, space, "survey.admit", made)
    return op, before + len(chosen)


async def rekey(commands: Commands, survey: Found) -> Any:
    """The owner renews an anonymous survey's key (after a member left): answers under the
    old key stop counting everywhere; the others join again and answer again."""
    _require_anonymous(survey)
    if survey.item.author != commands.replica.key.device_id:
        raise CommandError("Only the device that opened this survey can renew its key.")
    fields = {"survey": survey.item.item_id, **await _new_key(commands, survey.space)}
    return await write_content(commands, survey.space, "survey.rekey", fields)


def _stale(replica: Replica, space: SpaceId) -> list[bytes]:
    """This device's open anonymous surveys in `space` whose key predates a removal."""
    replica.refresh()
    me = replica.key.device_id
    return [
        row.item_id
        for row in items(replica.db, space, where="type = 'survey'")
        if row.author == me
        and row.extra.get("anonymous")
        and not survey_keys.closed(replica.db, space, row.item_id)
        and survey_keys.removals_since_key(replica, space, row.item_id)
    ]


async def renew_stale_keys(commands: Commands, space: SpaceId) -> int:
    """After a removal, by this device or by anyone (it arrives here): renew the key of
    each open anonymous survey this device owns whose key predates it, so the removed
    member's answer stops counting everywhere. Checked again on the database worker
    just before writing, so two callers at once renew once. Returns how many."""
    renewed = 0
    for survey_id in await commands.database.run(_stale, commands.replica, space):
        fields = {"survey": survey_id, **await _new_key(commands, space)}

        def renew(survey_id: bytes = survey_id, fields: dict[str, Any] = fields) -> Any:
            if survey_id not in _stale(commands.replica, space):
                return None  # renewed meanwhile
            return writer.write(
                commands.replica, space, "survey.rekey", fields, now_ms=commands.clock.now_ms()
            )

        if await commands.write(renew) is not None:
            renewed += 1
    return renewed


class KeyUpkeep:
    """Renews this device's anonymous survey keys when a removal arrives from another
    device (a teacher other than the survey's owner removed a member): told of every
    membership change, it looks at that circle on its own task."""

    def __init__(self, commands: Callable[[], Commands]) -> None:
        self._commands = commands
        self._send, self._receive = trio.open_memory_channel[SpaceId](64)

    def changed(self, changes: Changes) -> None:
        if changes.members or changes.rebuilt:
            with contextlib.suppress(trio.WouldBlock):
                self._send.send_nowait(changes.space)

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        async for space in self._receive:
            try:
                await renew_stale_keys(self._commands(), space)
            except Exception:  # one failed look must never stop the upkeep
                logger.exception("Renewing an anonymous survey's key failed")


async def answer(commands: Commands, survey: Found, given: list[str]) -> Any:
    questions = survey_questions(survey.item.extra)
    if len(given) != len(questions):
        raise CommandError(
            f"This survey has {len(questions)} questions: give one --answer for each, in order."
        )
    values = [
        _answer_value(q, typed, n) for n, (q, typed) in enumerate(zip(questions, given, strict=True), 1)
    ]
    assert all(fits(q, v) for q, v in zip(questions, values, strict=True))
    if _anonymous(survey):
        return await _answer_anonymously(commands, survey, values)
    return await write_content(
        commands, survey.space, "survey.answer", {"survey": survey.item.item_id, "answers": values}
    )


async def _answer_anonymously(commands: Commands, survey: Found, values: list[int | str]) -> Any:
    replica, space, survey_id = commands.replica, survey.space, survey.item.item_id
    joined, admitted = await commands.database.run(_standing, replica, space, survey_id)
    if not admitted:
        raise CommandError(
            "Your anonymous key is not admitted yet: the survey's owner admits keys with 'survey admit'."
            if joined
            else "This survey is anonymous: first 'survey join', then answer once its owner has admitted"
            " your key ('survey admit')."
        )
    # An admission every peer accepted unblinds into a valid token: its signature was
    # checked against the join (`survey.admit`), so `respond` finds one.
    op, _ = await commands.write(
        survey_keys.respond, replica, space, survey_id, {"survey": survey_id, "answers": values},
        now_ms=commands.clock.now_ms(),
    )  # fmt: skip
    return op.op_id


async def close(commands: Commands, survey: Found) -> Any:
    return await write_content(commands, survey.space, "survey.close", {"survey": survey.item.item_id})


def _summary(replica: Replica, space: SpaceId, row: ItemRow) -> tuple[SurveySummary, cv.SurveyResults]:
    results = cv.survey_results(replica.db, space, row)
    names = names_in(replica, space)
    author = names.get(row.author, "")
    summary = SurveySummary(
        row.item_id.hex(), row.title, author, results.anonymous, results.closed, results.respondents
    )
    return summary, results


def _listing(replica: Replica, space: SpaceId) -> list[SurveySummary]:
    replica.refresh()
    return [_summary(replica, space, row)[0] for row in items(replica.db, space, where="type = 'survey'")]


async def listing(commands: Commands, circle: SpaceId) -> list[SurveySummary]:
    return await commands.database.run(_listing, commands.replica, circle)


def _results(replica: Replica, space: SpaceId, row: ItemRow) -> SurveyResults:
    replica.refresh()
    summary, results = _summary(replica, space, row)
    names = names_in(replica, space)
    questions = []
    for result in results.questions:
        q = result.question
        if q.kind == "scale":
            labels = tuple(str(v) for v in range(q.options[0], q.options[1] + 1))
        else:
            labels = tuple(str(o) for o in q.options)
        questions.append(SurveyQuestionResult(q.kind, q.prompt, labels, result.counts, result.texts))
    return SurveyResults(
        summary,
        tuple(questions),
        tuple(sorted(names.get(d, "") for d in results.named)),
        results.admitted,
    )


async def results(commands: Commands, survey: Found) -> SurveyResults:
    return await commands.database.run(_results, commands.replica, survey.space, survey.item)


def _part(replica: Replica, survey: Found) -> SurveyPart:
    replica.refresh()
    space, survey_id, me = survey.space, survey.item.item_id, replica.key.device_id
    if not _anonymous(survey):
        return SurveyPart(False, survey.item.author == me, False, False, 0, 0)
    joined = survey_keys.joined_devices(replica.db, space, survey_id)
    return SurveyPart(
        True,
        survey.item.author == me,
        me in joined,
        survey_keys.admitted(replica.db, space, survey_id, me),
        len(joined),
        survey_keys.admitted_count(replica.db, space, survey_id),
    )


async def part(commands: Commands, survey: Found) -> SurveyPart:
    """Where this device stands in `survey` (the desktop's Surveys tab: join, admit, answer)."""
    return await commands.database.run(_part, commands.replica, survey)
