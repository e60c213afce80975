"""Surveys in a circle (issue 18): open one (single choice, scale, free text; anonymous
or named, fixed up front and shown to respondents), answer it once, close it, and read
its results as counts per option — never who answered what (docs/protocol.md, 8b, for
what "anonymous" does and does not hide).
"""

from __future__ import annotations

from typing import Any

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, find_item, names_in, write_content
from app.services.rows import SurveyQuestionResult, SurveyResults, SurveySummary
from sync import coaching_views as cv
from sync.coaching import MAX_OPTIONS, MAX_QUESTIONS, Question, fits
from sync.ids import SpaceId
from sync.reducers.coaching import survey_questions
from sync.replica import Replica
from sync.state import ItemRow, items

ANONYMOUS_NOTICE = (
    "Anonymous to the app: nobody is shown who answered what. A member who inspects the raw"
    " history could still find out (docs/protocol.md, 8b)."
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
    return await write_content(
        commands, survey.space, "survey.answer", {"survey": survey.item.item_id, "answers": values}
    )


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
