"""The words of assignment notifications (pure): a phase opened, reviews assigned to me,
feedback on my work, my grade given. Which news is mine is `app.services.assessment_news`'s;
when and how notices are shown is `ui.notifications`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from app.services.rows import AssessNews
from sync.ids import SpaceId
from ui.notifications import Notice


def assessment_notices(
    space: SpaceId, circle: str, news: list[AssessNews], tr: Callable[[str], str]
) -> list[Notice]:
    found = []
    for item in news:
        phase = f"{item.phase} round {item.round}" if item.phase in ("review", "revision") else item.phase
        if item.event == "review_assigned":
            title = tr("Reviews to do")
            message = tr("{circle}: {phase} of “{title}” is open; {n} submission(s) to review.").format(
                circle=circle, phase=phase, title=item.title, n=item.reviews
            )
        elif item.event == "phase":
            title = tr("Assignment moved on")
            message = tr("{circle}: “{title}” is now in its {phase} phase.").format(
                circle=circle, title=item.title, phase=phase
            )
        elif item.event == "feedback":
            title = tr("Feedback received")
            message = tr("{circle}: a new review of your work on “{title}”.").format(
                circle=circle, title=item.title
            )
        elif item.event == "graded":
            title = tr("Grade released")
            message = tr("{circle}: your grade for “{title}” is in.").format(circle=circle, title=item.title)
        else:
            continue
        found.append(Notice(space, "", title, message, assignment=item.assignment_id))
    return found
