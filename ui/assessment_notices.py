"""The words of assignment notifications (pure): a phase opened, reviews assigned to me,
feedback on my work, my grade given. Which news is mine is `app.services.assessment_news`'s;
when and how notices are shown is `ui.notifications`'s.
"""

from __future__ import annotations

from app.services.rows import AssessNews
from sync.ids import SpaceId
from ui.assessment_words import Assessment, phase_name
from ui.notifications import Notice
from ui.wording import plural


def assessment_notices(
    space: SpaceId, circle: str, news: list[AssessNews]
) -> list[Notice]:
    found = []
    for item in news:
        phase = phase_name(item.phase, item.round)
        if item.event == "review_assigned":
            title = Assessment.tr("Reviews to do")
            count = item.reviews
            open_now = Assessment.tr("{circle}: {phase} of “{title}” is open; %n submission(s) to review.", "", count)  # noqa: E501
            message = plural(open_now, count).format(circle=circle, phase=phase, title=item.title)
        elif item.event == "phase":
            title = Assessment.tr("Assignment moved on")
            message = Assessment.tr("{circle}: “{title}” is now in its {phase} phase.").format(
                circle=circle, title=item.title, phase=phase
            )
        elif item.event == "feedback":
            title = Assessment.tr("Feedback received")
            message = Assessment.tr("{circle}: a new review of your work on “{title}”.").format(
                circle=circle, title=item.title
            )
        elif item.event == "graded":
            title = Assessment.tr("Grade released")
            graded = Assessment.tr("{circle}: your grade for “{title}” is in.")
            message = graded.format(circle=circle, title=item.title)
        else:
            continue
        found.append(Notice(space, "", title, message, assignment=item.assignment_id))
    return found
