"""Command groups: assignments and peer assessment — `assignment create/edit/list/show/open`,
`submit`, `submission files` (a version's attached files: list, save), `review
list/write/received/rate`, `assess` and `grades` (docs/cli.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import CommandLine, counted, emit
from app.errors import CommandError
from app.services import assignments, submission_files
from app.services import files as local_files
from app.services.commands import Commands
from app.services.files import describe_size
from app.services.rows import GradeEntry
from sync.fields import MAX_TEXT


def _text_of(body: str | None, path: str | None, what: str) -> str:
    if path is None:
        return body or ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}; nothing was sent.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save the {what} as UTF-8 and try again.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}; nothing was sent.") from None


def _submission_of(path: str) -> tuple[str, list[Path]]:
    """A submitted file: a UTF-8 text file (no NUL bytes, within the text limit) is the
    version's text; any other file (a PDF, an image, a .docx) is attached to it. A
    missing, unreadable or too large file is refused in one line (`files.check`)."""
    local = local_files.check(Path(path))
    if local.size > 4 * MAX_TEXT:  # more bytes than the longest text can take: attach it
        return "", [local.path]
    try:
        data = local.path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}; nothing was sent.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "", [local.path]
    if "\x00" in text or len(text) > MAX_TEXT or not text.strip():
        return "", [local.path]
    return text, []


async def cmd_create(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    assignment = await assignments.create(
        commands,
        space,
        title=args.title,
        brief=_text_of(args.brief, args.brief_file, "brief"),
        criteria=args.criterion,
        reviewers=args.reviewers,
        rounds=args.rounds,
    )
    emit(args, {"assignment_id": assignment.hex()}, assignment.hex())


def _due_dates(typed: list[str], clear: bool) -> dict[str, int] | None:
    """`--due PHASE=YYYY-MM-DD[THH:MM]` (local time) into phase -> ms; None: unchanged."""
    from datetime import datetime

    if clear:
        return {}
    if not typed:
        return None
    found = {}
    for entry in typed:
        phase, _, when = entry.partition("=")
        try:
            moment = datetime.fromisoformat(when.strip())
        except ValueError:
            raise CommandError(
                f"A due date is PHASE=YYYY-MM-DD[THH:MM], e.g. review=2026-12-18T17:00; not {entry!r}."
            ) from None
        found[phase.strip()] = int(moment.timestamp() * 1000)
    return found


async def cmd_edit(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    due = _due_dates(args.due, args.no_due)
    brief = (
        None
        if args.brief is None and args.brief_file is None
        else _text_of(args.brief, args.brief_file, "brief")
    )
    await assignments.edit(
        commands,
        found,
        title=args.title,
        brief=brief,
        criteria=args.criterion or None,
        reviewers=args.reviewers,
        rounds=args.rounds,
        due=due,
    )
    emit(args, {"assignment_id": found.assignment.hex()}, "Saved.")


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    rows = await assignments.listing(commands, space)
    lines = [f"{r.assignment_id[:12]}  {r.phase}{f' {r.round}' if r.round else ''}  {r.title}" for r in rows]
    emit(args, {"assignments": [r.to_json() for r in rows]}, "\n".join(lines) or "No assignments yet.")


async def cmd_show(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    data = await assignments.detail(commands, found)
    lines = [
        f"{data.title}  ({data.phase}{f' round {data.round}' if data.round else ''})",
        data.brief,
        "",
        *(f"- {c.name}: 0..{c.max}  {c.description}".rstrip() for c in data.criteria),
        f"\n{counted(data.submissions, 'submission')}; {counted(data.reviewers, 'reviewer')} each,"
        f" {counted(data.rounds, 'round')}.",
    ]
    if data.my_version:
        lines.append(f"You submitted version {data.my_version}.")
    emit(args, data.to_json(), "\n".join(lines))


async def cmd_open(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    phase, round_ = await assignments.open_phase(commands, found, args.phase)
    emit(
        args,
        {"assignment_id": found.assignment.hex(), "phase": phase, "round": round_},
        f"Opened the {phase} phase{f' (round {round_})' if round_ else ''}.",
    )


async def cmd_submit(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    text, files = (args.body or "", []) if args.file is None else _submission_of(args.file)
    submission, version = await assignments.submit(commands, found, text, args.note, files)
    attached = f" with {files[0].name} attached" if files else ""
    emit(
        args,
        {"submission_id": submission, "version": version, "files": [path.name for path in files]},
        f"Submitted version {version} of {submission[:12]}{attached}.",
    )


def _check_version(args: argparse.Namespace) -> None:
    if args.version is not None and args.version < 1:
        raise CommandError(f"A version is numbered from 1, not {args.version}.")


async def cmd_submission_files(args: argparse.Namespace, commands: Commands) -> None:
    if args.save is None:
        found = await submission_files.listing(commands, args.submission, args.version)
        lines = [f"{found.submission_id[:12]}  version {found.version} of {found.versions}"]
        for file in found.files:
            state = "" if file.downloaded else "  (not downloaded yet)"
            lines.append(f"    {file.name}  {describe_size(file.size)}{state}")
        if not found.files:
            lines.append("    no files attached")
        emit(args, found.to_json(), "\n".join(lines))
        return
    found, saved = await submission_files.save(commands, args.submission, args.version, Path(args.save))
    emit(
        args,
        found.to_json() | {"saved": [file.to_json() for file in saved]},
        "\n".join(f"Saved {file.path}" for file in saved),
    )


async def cmd_review_list(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    rows = await assignments.review_tasks(commands, found)
    lines = []
    for r in rows:
        lines.append(f"{r.submission_id[:12]}  version {r.version}  {r.status}")
        if r.note:
            lines.append(f"    the author's note: {r.note}")
        lines.extend(f"    attached: {file.name} ({describe_size(file.size)})" for file in r.files)
        if r.diff:
            lines.extend("    " + line for line in r.diff.splitlines())
    emit(args, {"reviews": [r.to_json() for r in rows]}, "\n".join(lines) or "Nothing to review now.")


async def cmd_review_write(args: argparse.Namespace, commands: Commands) -> None:
    review = await assignments.write_review(commands, args.submission, args.score, args.comment)
    emit(args, {"review_id": review}, review)


async def cmd_received(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    rows = await assignments.received(commands, found)
    lines = [
        f"{r.review_id[:12]}  round {r.round}, version {r.version}  "
        + ", ".join(f"{name}={value}" for name, value in r.scores.items())
        + (f"\n    {r.comment}" if r.comment else "")
        for r in rows
    ]
    emit(args, {"reviews": [r.to_json() for r in rows]}, "\n".join(lines) or "No reviews of your work yet.")


async def cmd_compare(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    rows = await assignments.calibration(commands, found)

    def scores(values: dict[str, int]) -> str:
        return ", ".join(f"{name}={value}" for name, value in values.items())

    lines = [
        f"{r.submission_id[:12]}  round {r.round}  you: {scores(r.mine)}"
        + "".join(f"\n    another reviewer: {scores(o)}" for o in r.others)
        for r in rows
    ]
    emit(
        args,
        {"reviews": [r.to_json() for r in rows]},
        "\n".join(lines) or "No finished round to compare yet.",
    )


async def cmd_rate(args: argparse.Namespace, commands: Commands) -> None:
    await assignments.rate(commands, args.review, args.helpful, args.comment, args.flag)
    emit(args, {"review_id": args.review, "helpful": args.helpful, "flag": args.flag}, "Thank you: rated.")


async def cmd_assess(args: argparse.Namespace, commands: Commands) -> None:
    submission = await assignments.assess(commands, args.submission, args.grade, args.comment)
    emit(args, {"submission_id": submission, "grade": args.grade}, f"Graded {submission[:12]}: {args.grade}.")


def _grade_line(row: GradeEntry) -> str:
    def shown(value: float | int | None) -> str:
        return "—" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)

    return (
        f"{row.name:<20} suggested {shown(row.suggested):>5}  grade {shown(row.grade):>5}"
        f"  peer {shown(row.peer):>5}  reviewing {shown(row.reviewing):>5}"
    )


async def cmd_grades(args: argparse.Namespace, commands: Commands) -> None:
    found = await assignments.find_assignment(commands, args.assignment)
    rows = await assignments.gradebook(commands, found)
    if args.csv:
        try:
            Path(args.csv).write_text(assignments.gradebook_csv(rows), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {args.csv}: {error.strerror}.") from None
    emit(
        args, {"grades": [r.to_json() for r in rows]}, "\n".join(_grade_line(r) for r in rows) or "No grades."
    )


def register(cli: CommandLine) -> None:
    cli.group("assignment", help="assignments: set a task with a rubric, open its phases")
    create = cli.command("assignment create", cmd_create, help="set an assignment (teachers)")
    create.add_argument("circle")
    create.add_argument("--title", required=True)
    brief = create.add_mutually_exclusive_group()
    brief.add_argument("--brief", default="", metavar="TEXT")
    brief.add_argument("--brief-file", metavar="F")
    create.add_argument(
        "--criterion", action="append", default=[], metavar="NAME:MAX[:DESCRIPTION]", help="a rubric line"
    )
    create.add_argument("--reviewers", type=int, default=3, metavar="K", help="reviewers per submission")
    create.add_argument("--rounds", type=int, default=2, metavar="R", help="review rounds")

    edit = cli.command("assignment edit", cmd_edit, help="change an assignment (teachers)")
    edit.add_argument("assignment")
    edit.add_argument("--title")
    edit_brief = edit.add_mutually_exclusive_group()
    edit_brief.add_argument("--brief", metavar="TEXT")
    edit_brief.add_argument("--brief-file", metavar="F")
    edit.add_argument(
        "--criterion", action="append", default=[], metavar="NAME:MAX[:DESCRIPTION]", help="the new rubric"
    )
    edit.add_argument("--reviewers", type=int, metavar="K")
    edit.add_argument("--rounds", type=int, metavar="R")
    dates = edit.add_mutually_exclusive_group()
    dates.add_argument(
        "--due", action="append", default=[], metavar="PHASE=YYYY-MM-DD[THH:MM]", help="all the due dates"
    )
    dates.add_argument("--no-due", action="store_true", help="remove every due date")

    listing = cli.command("assignment list", cmd_list, help="the assignments of a circle")
    listing.add_argument("circle")
    show = cli.command("assignment show", cmd_show, help="an assignment: brief, rubric, phase")
    show.add_argument("assignment")
    opening = cli.command("assignment open", cmd_open, help="open the next phase (teachers)")
    opening.add_argument("assignment")
    opening.add_argument("phase", choices=assignments.PHASE_NAMES)

    submit = cli.command("submit", cmd_submit, help="hand in (or replace) your version of an assignment")
    submit.add_argument("assignment")
    body = submit.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT")
    body.add_argument(
        "--file", metavar="F", help="a UTF-8 text file (its text), or any other file up to 50 MiB (attached)"
    )
    submit.add_argument("--note", default="", help="what changed since your last version")

    cli.group("submission", help="a submitted version's attached files (a PDF, an image)")
    attached = cli.command(
        "submission files",
        cmd_submission_files,
        help="list a version's files, or save them into a folder (its author, its reviewers, teachers)",
        check=_check_version,
    )
    attached.add_argument("submission")
    attached.add_argument(
        "--version",
        type=int,
        metavar="N",
        help="which version (default: the latest; a reviewer's: the one they review)",
    )
    attached.add_argument("--save", metavar="DIR", help="write the files into DIR (made if missing)")

    cli.group("review", help="peer review: your allocated reviews, reviews of your work")
    mine = cli.command("review list", cmd_review_list, help="the submissions allocated to you this round")
    mine.add_argument("assignment")
    write = cli.command("review write", cmd_review_write, help="review a submission (anonymously)")
    write.add_argument("submission")
    write.add_argument("--score", action="append", default=[], metavar="CRITERION=N")
    write.add_argument("--comment", default="")
    got = cli.command("review received", cmd_received, help="the reviews of your work")
    got.add_argument("assignment")
    compare = cli.command(
        "review compare", cmd_compare, help="after a round: your scores beside the other reviewers'"
    )
    compare.add_argument("assignment")
    rate = cli.command("review rate", cmd_rate, help="rate a review you received")
    rate.add_argument("review")
    rate.add_argument("--helpful", type=int, required=True, metavar="1..5")
    rate.add_argument("--comment", default="")
    rate.add_argument("--flag", action="store_true", help="flag the review to the teachers")

    assess = cli.command("assess", cmd_assess, help="grade a submission (teachers, assessment phase)")
    assess.add_argument("submission")
    assess.add_argument("--grade", type=int, required=True, metavar="0..100")
    assess.add_argument("--comment", default="")

    grades = cli.command("grades", cmd_grades, help="the gradebook (teachers: everyone; students: their own)")
    grades.add_argument("assignment")
    grades.add_argument("--csv", metavar="FILE", help="also write it as CSV")
