"""Surveys in a circle (issue 18): open one (single choice, scale, free text; anonymous
or named, fixed up front and shown to respondents), answer it, close it, and read its
results as counts per option — never who answered what.

An anonymous survey is answered under a per-survey pseudonym (`sync.survey_keys`): a
member first joins (their pseudonym sealed to the survey's owner device), the owner
admits the keys of everyone who joined, then each answers signed by their pseudonym (a
second answer replaces the first). docs/security.md, "Anonymous surveys", says who can
learn what.
"""

from __future__ import annotations

from typing import Any

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, find_item, names_in, write_content
from app.services.rows import SurveyPart, SurveyQuestionResult, SurveyResults, SurveySummary
from sync import coaching_views as cv
from sync import survey_keys
from sync.coaching import MAX_OPTIONS, MAX_QUESTIONS, Question, fits
from sync.ids import SpaceId
from sync.reducers.coaching import survey_questions
from sync.replica import Replica
from sync.state import ItemRow, items

ANONYMOUS_NOTICE = (
    "Anonymous to the other members: your answer is signed by a key made for this survey, not by"
    " your device. The survey's owner can tell which key is whose (docs/security.md, \"Anonymous"
    ' surveys").'
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
    fields = {"title": title.strip(), "anonymous": anonymous, "questions": questions}
    return await write_content(commands, circle, "survey.open", fields)


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


async def join(commands: Commands, survey: Found) -> Any:
    """Ask to take part in an anonymous survey: this device's pseudonym, sealed to the
    survey's owner device."""
    _require_anonymous(survey)
    replica, space, survey_id = commands.replica, survey.space, survey.item.item_id

    def state() -> tuple[bool, bool]:
        replica.refresh()
        joined = replica.key.device_id in survey_keys.enrolled_devices(replica.db, space, survey_id)
        return joined, survey_keys.admitted(replica.db, space, survey_id, replica.key)

    joined, admitted = await commands.database.run(state)
    if admitted:
        raise CommandError("Your anonymous key is already admitted: answer with 'survey answer'.")
    if joined:
        raise CommandError("You have already joined; the survey's owner admits keys with 'survey admit'.")
    fields = survey_keys.enrolment_fields(replica.key, space, survey_id, survey.item.author)
    return await write_content(commands, space, "survey.enrol", fields)


def _admit_fields(
    replica: Replica, space: SpaceId, survey: bytes
) -> tuple[dict[str, Any], tuple[bytes, ...]]:
    replica.refresh()
    fields = survey_keys.admit_fields(replica.db, space, survey, replica.key)
    latest = survey_keys.latest_admit(replica.db, space, survey)
    return fields, (latest[1] if latest else ())


MIN_NEW_KEYS = 2  # an admit adding one key tells every member whose key it is


async def admit(commands: Commands, survey: Found, *, anyway: bool = False) -> tuple[Any, int]:
    """The owner admits the pseudonyms of every current member who joined (one per
    person); returns the op and how many keys it admits. Adding fewer than
    MIN_NEW_KEYS new keys is refused unless `anyway` (docs/security.md)."""
    _require_anonymous(survey)
    if survey.item.author != commands.replica.key.device_id:
        raise CommandError("Only the device that opened this survey can admit anonymous keys.")
    fields, before = await commands.database.run(
        _admit_fields, commands.replica, survey.space, survey.item.item_id
    )
    if tuple(fields["pseudonyms"]) == before:
        raise CommandError(
            f"Nothing to admit: {len(before)} key(s) admitted already, and nobody new has joined."
        )
    new = len(set(fields["pseudonyms"]) - set(before))
    if 0 < new < MIN_NEW_KEYS and not anyway:
        raise CommandError(
            "Only one person has joined since the last admit: admitting their key alone would tell every"
            " member which answer is theirs. Wait for more to join, or admit --anyway."
        )
    op = await write_content(commands, survey.space, "survey.admit", fields)
    return op, len(fields["pseudonyms"])


async def readmit_after_removal(commands: Commands, space: SpaceId) -> None:
    """After a removal: for each open anonymous survey this device owns, admit again
    without the removed member's key, so their answer stops counting everywhere."""

    def changed() -> list[dict[str, Any]]:
        replica = commands.replica
        replica.refresh()
        me = replica.key.device_id
        out = []
        for row in items(replica.db, space, where="type = 'survey'"):
            if row.author != me or not row.extra.get("anonymous"):
                continue
            fields, before = _admit_fields(replica, space, row.item_id)
            if before and tuple(fields["pseudonyms"]) != before:
                out.append(fields)
        return out

    for fields in await commands.database.run(changed):
        await write_content(commands, space, "survey.admit", fields)


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

    def state() -> tuple[bool, bool]:
        replica.refresh()
        joined = replica.key.device_id in survey_keys.enrolled_devices(replica.db, space, survey_id)
        return joined, survey_keys.admitted(replica.db, space, survey_id, replica.key)

    joined, admitted = await commands.database.run(state)
    if not admitted:
        raise CommandError(
            "Your anonymous key is not admitted yet: the survey's owner admits keys with 'survey admit'."
            if joined
            else "This survey is anonymous: first 'survey join', then answer once its owner has admitted"
            " your key ('survey admit')."
        )
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
    return SurveyResults(summary, tuple(questions), tuple(sorted(names.get(d, "") for d in results.named)))


async def results(commands: Commands, survey: Found) -> SurveyResults:
    return await commands.database.run(_results, commands.replica, survey.space, survey.item)


def _part(replica: Replica, survey: Found) -> SurveyPart:
    replica.refresh()
    space, survey_id, me = survey.space, survey.item.item_id, replica.key.device_id
    if not _anonymous(survey):
        return SurveyPart(False, survey.item.author == me, False, False, 0, 0)
    joined = survey_keys.enrolled_devices(replica.db, space, survey_id)
    latest = survey_keys.latest_admit(replica.db, space, survey_id)
    return SurveyPart(
        True,
        survey.item.author == me,
        me in joined,
        survey_keys.admitted(replica.db, space, survey_id, replica.key),
        len(joined),
        len(latest[1]) if latest else 0,
    )


async def part(commands: Commands, survey: Found) -> SurveyPart:
    """Where this device stands in `survey` (the desktop's Surveys tab: join, admit, answer)."""
    return await commands.database.run(_part, commands.replica, survey)
