"""A person's contributions (`app.services.recognition`) in a window of its own: per
circle, answers given and accepted, thanks received, reviews written and how helpful
their authors found them — in sentences that encourage, with no rank and no comparison.
Shown to the person themselves (Circle → My contributions, Ctrl+Shift+R) and to teachers.

Owns `QtRecognition`. Imported when first opened. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from app.services.rows import RecognitionCircle, RecognitionPage
from ui.assessment_words import Assessment
from ui.session import Session
from ui.wording import plural


def sentence(circle: RecognitionCircle) -> str:
    """What a person did in one circle, said plainly ("" if nothing yet)."""
    parts = []
    answers, accepted, thanks, reviews = circle.answers, circle.accepted, circle.thanks, circle.reviews
    if answers:
        parts.append(plural(Assessment.tr("answered %n question(s)", "", answers), answers))
    if accepted:
        parts.append(plural(Assessment.tr("%n answer(s) accepted", "", accepted), accepted))
    if thanks:
        parts.append(plural(Assessment.tr("thanked %n time(s)", "", thanks), thanks))
    if reviews:
        review = plural(Assessment.tr("wrote %n review(s)", "", reviews), reviews)
        if circle.helpful is not None:
            review += Assessment.tr(", found {n} of 5 helpful on average").format(n=f"{circle.helpful:.1f}")
        parts.append(review)
    return Assessment.tr("; ").join(parts)


class QtRecognition(QDialog):
    def __init__(
        self, session: Session, device_hex: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Contributions"))
        self.page: RecognitionPage | None = None
        self.text = QTextBrowser(self)
        self.text.setMarkdown(self.tr("Reading…"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.resize(560, 420)

        async def fetch() -> RecognitionPage:
            from app.services import recognition

            return await recognition.page(session.commands, device_hex)

        session.run(fetch, self._show, lambda error: self.text.setPlainText(error))

    def _show(self, page: RecognitionPage) -> None:
        self.page = page
        who = self.tr("You") if page.mine else page.name
        self.setWindowTitle(self.tr("Contributions — {who}").format(who=who))
        lines = [f"# {who}"]
        for circle in page.circles:
            said = sentence(circle)
            lines.append(
                f"**{circle.circle}**: "
                + (said + "." if said else self.tr("nothing yet — every answer helps someone."))
            )
        self.text.setMarkdown("\n\n".join(lines))
