"""The words of peer assessment on screen — phases, "3 of 5", ages, reviewers' labels —
through `tr()` under one context, so the teacher's desk, the Assignments tab, My
contributions and the notices say them alike, in English or in a translation.

Pure functions over `QCoreApplication.translate`; GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.wording import Context, plural

if TYPE_CHECKING:
    from app.services.rows import ProgressBoard

Assessment = Context("Assessment")


def phase_word(phase: str) -> str:
    """A phase's name alone ("review"), in the reader's language."""
    return _names().get(phase, phase)


def phase_name(phase: str, round_: int = 0) -> str:
    """ "submission", "review round 2", "assessment"… as the reader's language says them."""
    name = phase_word(phase)
    if phase in ("review", "revision"):
        return Assessment.tr("{phase} round {n}").format(phase=name, n=round_)
    return name


def _names() -> dict[str, str]:
    return {
        "submission": Assessment.tr("submission"),
        "review": Assessment.tr("review"),
        "revision": Assessment.tr("revision"),
        "assessment": Assessment.tr("assessment"),
        "closed": Assessment.tr("closed"),
    }


def of(done: int, total: int) -> str:
    return Assessment.tr("{done} of {total}").format(done=done, total=total)


def age_text(ms: int) -> str:
    """ "just now", "5 min", "3 h", "2 days"."""
    minutes = ms // 60_000
    if minutes < 1:
        return Assessment.tr("just now")
    if minutes < 60:
        return Assessment.tr("{n} min").format(n=minutes)
    if minutes < 48 * 60:
        return Assessment.tr("{n} h").format(n=minutes // 60)
    days = minutes // (24 * 60)
    return plural(Assessment.tr("%n day(s)", "", days), days)


def reviewer_label(n: int, round_: int) -> str:
    return Assessment.tr("Reviewer {n}, round {round}").format(n=n, round=round_)


def version_label(version: int) -> str:
    return Assessment.tr("version {n}").format(n=version)


def consequence(board: ProgressBoard) -> str:
    """What opening the next phase will do, for the confirmation: the sentences of
    `app.services.assessment_board.consequence` (the CLI's, in English), in the reader's language."""
    upcoming = board.next_phase
    if upcoming == "review" and board.phase == "submission":
        reviewers = board.reviewers
        opening = Assessment.tr(
            "{submitted} of {students} submitted; {left} will not be reviewed."
            " Each submission gets %n reviewer(s); submitting ends.",
            "",
            reviewers,
        )
        return plural(opening, reviewers).format(
            submitted=board.submitted, students=board.students, left=board.students - board.submitted
        )
    if upcoming == "review":
        return Assessment.tr(
            "{revised} of {submitted} revised; the others are reviewed as they stand."
            " Review round {next} opens; revising ends."
        ).format(revised=board.revised, submitted=board.submitted, next=board.round + 1)
    if upcoming in ("revision", "assessment"):
        said = (
            Assessment.tr(
                "{done} of {allocated} reviews written; {missing} will not count."
                " Review round {n} ends and revising opens."
            )
            if upcoming == "revision"
            else Assessment.tr(
                "{done} of {allocated} reviews written; {missing} will not count."
                " Review round {n} ends and you assess."
            )
        )
        return said.format(
            done=board.done, allocated=board.allocated, missing=board.allocated - board.done, n=board.round
        )
    if upcoming == "closed":
        return Assessment.tr("The assignment closes: nothing more can be submitted, reviewed or rated.")
    return Assessment.tr("The assignment is closed.")
