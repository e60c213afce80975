"""Command group: the help desk — ask, list, show, claim, answer, progress, escalate,
resolve (accepting the answer that helped), reopen, me too.
"""

from __future__ import annotations

import argparse

from app.cli.base import CommandLine, emit
from app.errors import CommandError
from app.services import assignments, discussion, helpdesk
from app.services.commands import Commands
from app.services.rows import Answer, HelpRequest, HelpRequestSummary, Item
from sync.reducers.helpdesk import STATUSES


def _line(request: HelpRequestSummary | HelpRequest) -> str:
    count = request.answers if isinstance(request.answers, int) else len(request.answers)
    answers = f"{count} answer{'s' if count != 1 else ''}"
    flags = "".join(f" [{flag}]" for flag in ("hidden", "locked") if getattr(request, flag))
    return (
        f"{request.id[:12]}  {request.status.value:<9}  {request.title}"
        f"  — {request.author_name}, {answers}{flags}"
    )


async def cmd_ask(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    link = None
    if args.assignment:
        found = await assignments.find_assignment(commands, args.assignment)
        if found.space != space:
            raise CommandError("That assignment is in another circle; ask for help in its circle.")
        link = found.assignment
    request = await helpdesk.ask(commands, space, args.title, args.body, args.tag, link)
    emit(args, {"request_id": request.hex()}, request.hex())


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    rows = await helpdesk.listing(commands, space, status=args.status, mine=args.mine)
    document = {"circle_id": space.hex(), "requests": [row.to_json() for row in rows]}
    emit(args, document, "\n".join(_line(row) for row in rows))


async def cmd_show(args: argparse.Namespace, commands: Commands) -> None:
    request = await helpdesk.find_request(commands, args.request)
    data = await helpdesk.detail(commands, request)
    lines = [_line(data), "", data.text]
    if data.claimed_by:
        lines.append(f"\nClaimed by {', '.join(data.claimed_by)}.")
    if data.me_too:
        others = "1 other person has" if data.me_too == 1 else f"{data.me_too} others have"
        lines.append(f"{others} the same problem.")
    timeline: list[Answer | Item] = [*data.answers, *data.progress]
    for entry in sorted(timeline, key=lambda e: e.created):
        accepted = isinstance(entry, Answer) and entry.accepted
        label = "progress" if entry.type == "progress" else "answer" + (" ✓ accepted" if accepted else "")
        lines.append(f"\n[{label}] {entry.id[:12]}  {entry.author_name}, {entry.created}\n{entry.text}")
    emit(args, data.to_json(), "\n".join(lines))


def _step(name: str, done: str):
    async def handler(args: argparse.Namespace, commands: Commands) -> None:
        request = await helpdesk.find_request(commands, args.request)
        op = await helpdesk.step(commands, request, name)
        emit(args, {"request_id": request.item.item_id.hex(), "op_id": op.hex()}, done)

    return handler


async def cmd_answer(args: argparse.Namespace, commands: Commands) -> None:
    request = await helpdesk.find_request(commands, args.request)
    answer = await helpdesk.answer(commands, request, args.body)
    emit(args, {"answer_id": answer.hex()}, answer.hex())


async def cmd_progress(args: argparse.Namespace, commands: Commands) -> None:
    request = await helpdesk.find_request(commands, args.request)
    note = await helpdesk.progress(commands, request, args.body)
    emit(args, {"progress_id": note.hex()}, note.hex())


async def cmd_resolve(args: argparse.Namespace, commands: Commands) -> None:
    request = await helpdesk.find_request(commands, args.request)
    op = await helpdesk.resolve(commands, request, args.accept)
    emit(
        args,
        {"request_id": request.item.item_id.hex(), "op_id": op.hex()},
        "Resolved. Thank you for closing it.",
    )


async def cmd_helpers(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    rows = await discussion.helpers(commands, space)
    lines = [
        f"{r.name or r.device_id[:12]}: answered {r.answers}, accepted {r.accepted}, thanked {r.thanks}"
        for r in rows
    ]
    emit(
        args,
        {"circle_id": space.hex(), "helpers": [r.to_json() for r in rows]},
        "\n".join(lines) or "Nobody has answered yet.",
    )


def register(cli: CommandLine) -> None:
    cli.group("help", help="help requests: ask, claim, answer, escalate, resolve")
    ask = cli.command("help ask", cmd_ask, help="ask your circle for help")
    ask.add_argument("circle")
    ask.add_argument("--title", required=True)
    ask.add_argument("--body", default="")
    ask.add_argument("--tag", action="append", default=[], metavar="TAG")
    ask.add_argument("--assignment", metavar="ASSIGNMENT", help="the assignment this is about")

    listing = cli.command("help list", cmd_list, help="help requests of a circle")
    listing.add_argument("circle")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--mine", action="store_true", help="only the requests you asked")

    show = cli.command("help show", cmd_show, help="a request with its answers and progress")
    show.add_argument("request")

    for name, done, text in (
        ("claim", "Claimed: the asker sees you are on it.", "take up a request"),
        ("escalate", "Escalated to the circle's teachers.", "ask the teacher to step in"),
        ("reopen", "Reopened.", "reopen your resolved request"),
        ("metoo", "Noted: you have the same problem.", "say you have the same problem"),
    ):
        cli.command(f"help {name}", _step(name, done), help=text).add_argument("request")

    answer = cli.command("help answer", cmd_answer, help="answer a request")
    answer.add_argument("request")
    answer.add_argument("--body", required=True)

    progress = cli.command("help progress", cmd_progress, help="report progress on your request")
    progress.add_argument("request")
    progress.add_argument("--body", required=True)

    resolve = cli.command("help resolve", cmd_resolve, help="mark your request resolved")
    resolve.add_argument("request")
    resolve.add_argument("--accept", metavar="ANSWER", help="the answer that helped (id or prefix)")

    helpers = cli.command("help helpers", cmd_helpers, help="who helped in a circle (by name, not a ranking)")
    helpers.add_argument("circle")
