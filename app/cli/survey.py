"""Command group: surveys in a circle — open (anonymous or named, said up front), list,
join and admit (anonymous surveys), answer, close, results (docs/cli.md, "Surveys")."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.cli.base import CommandLine, emit
from app.errors import CommandError
from app.services import surveys
from app.services.commands import Commands


async def cmd_open(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    if args.anonymous == args.named:
        raise CommandError("Say up front whether the survey is --anonymous or --named.")
    questions = [surveys.parse_question(kind, spec) for kind, spec in args.question]
    op = await surveys.open_survey(
        commands, circle, args.title, anonymous=args.anonymous, questions=questions
    )
    emit(args, {"survey_id": op.hex()}, op.hex())


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    rows = await surveys.listing(commands, circle)
    lines = [
        f"{r.id[:12]}  {r.title}  ({'anonymous' if r.anonymous else 'named'}, {r.respondents} answered"
        f"{', closed' if r.closed else ''})"
        for r in rows
    ]
    emit(
        args,
        {"circle_id": circle.hex(), "surveys": [r.to_json() for r in rows]},
        "\n".join(lines) or "No surveys.",
    )


async def cmd_answer(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    op = await surveys.answer(commands, survey, args.answer)
    anonymous = bool(survey.item.extra.get("anonymous"))
    data: dict[str, object] = {"op_id": op.hex(), "anonymous": anonymous}
    said = "Answered. This survey is named."
    if anonymous:
        admitted = (await surveys.part(commands, survey)).admitted_count
        people = "1 person" if admitted == 1 else f"{admitted} people"
        data["admitted"] = admitted
        said = f"Answered. {surveys.ANONYMOUS_NOTICE} It hides among the {people} admitted so far."
    emit(args, data, said)


async def cmd_join(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    op = await surveys.join(commands, survey)
    said = (
        "Joined: your anonymous key went to the survey's owner blinded (they sign it without seeing it)."
        " Answer once they have admitted it."
    )
    emit(args, {"op_id": op.hex()}, said)


async def cmd_admit(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    op, count = await surveys.admit(commands, survey)
    keys = "1 anonymous key" if count == 1 else f"{count} anonymous keys"
    emit(args, {"op_id": op.hex(), "admitted": count},
         f"Admitted: {keys} in all. An answer hides among everyone admitted before it is sent.")  # fmt: skip


async def cmd_rekey(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    op = await surveys.rekey(commands, survey)
    emit(args, {"op_id": op.hex()},
         "Renewed the survey's key: answers under the old one no longer count; members join and answer"
         " again (a removed member cannot).")  # fmt: skip


async def cmd_close(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    op = await surveys.close(commands, survey)
    emit(args, {"op_id": op.hex()}, "Closed: no more answers.")


async def cmd_results(args: argparse.Namespace, commands: Commands) -> None:
    survey = await surveys.find_survey(commands, args.survey)
    data = await surveys.results(commands, survey)
    lines = [f"{data.survey.title}: {data.survey.respondents} answered"]
    if data.survey.anonymous:
        lines[0] += f" ({data.admitted} admitted)"
    if data.excess:
        lines.append(
            "Warning: more answers than admitted people: the survey's owner signed keys outside any"
            ' admission (docs/security.md, "Anonymous surveys").'
        )
    for q in data.questions:
        lines.append(f"\n{q.prompt}")
        width = max(q.counts, default=0)
        lines += [
            f"  {label:>12} {'█' * count}{' ' * (width - count)} {count}"
            for label, count in zip(q.options, q.counts, strict=True)
        ]
        lines += [f"  - {text}" for text in q.texts]
    emit(args, data.to_json(), "\n".join(lines))


def _question(kind: str) -> Callable[[str], tuple[str, str]]:
    def parse(spec: str) -> tuple[str, str]:
        return kind, spec

    return parse


def register(cli: CommandLine) -> None:
    cli.group("survey", help="short surveys in a circle: single choice, scale, free text")
    opened = cli.command("survey open", cmd_open, help="open a survey (say --anonymous or --named)")
    opened.add_argument("circle")
    opened.add_argument("--title", required=True)
    opened.add_argument("--anonymous", action="store_true")
    opened.add_argument("--named", action="store_true")
    for kind, example in (
        ("choice", "'Useful?|yes|no'"),
        ("scale", "'How confident?|1|5'"),
        ("text", "'Why?'"),
    ):
        opened.add_argument(
            f"--{kind}", dest="question", action="append", default=[], type=_question(kind),
            metavar="SPEC", help=f"a {kind} question, e.g. {example}",
        )  # fmt: skip
    cli.command("survey list", cmd_list, help="surveys of a circle").add_argument("circle")
    answer = cli.command(
        "survey answer",
        cmd_answer,
        help="answer a survey (one --answer per question; anonymous: again replaces)",
    )
    answer.add_argument("survey")
    answer.add_argument("--answer", action="append", default=[], metavar="VALUE")
    cli.command(
        "survey join", cmd_join, help="take part in an anonymous survey (your key, blinded, to its owner)"
    ).add_argument("survey")
    cli.command(
        "survey admit", cmd_admit, help="admit the anonymous keys of everyone who joined (the survey's owner)"
    ).add_argument("survey")
    cli.command(
        "survey rekey", cmd_rekey, help="renew an anonymous survey's key after a member left (its owner)"
    ).add_argument("survey")
    cli.command("survey close", cmd_close, help="close your survey (or, teachers, any)").add_argument(
        "survey"
    )
    cli.command("survey results", cmd_results, help="a survey's results as counts").add_argument("survey")
