"""A person's contributions (`app.services.recognition`) in a window of its own: per
circle, answers given and accepted, thanks received, reviews written and how helpful
their authors found them — in sentences that encourage, with no rank and no comparison.
Shown to the person themselves (Circle → My contributions, Ctrl+Shift+R) and to teachers.

Owns `QtRecognition`. Imported when first opened. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from app.services.rows import RecognitionCircle, RecognitionPage
from ui.session import Session


def sentence(circle: RecognitionCircle) -> str:
    """What a person did in one circle, said plainly ("" if nothing yet)."""
    parts = []
    if circle.answers:
        parts.append(f"answered {circle.answers} question{'s' if circle.answers != 1 else ''}")
    if circle.accepted:
        parts.append(f"{circle.accepted} answer{'s were' if circle.accepted != 1 else ' was'} accepted")
    if circle.thanks:
        parts.append(f"thanked {circle.thanks} time{'s' if circle.thanks != 1 else ''}")
    if circle.reviews:
        review = f"wrote {circle.reviews} review{'s' if circle.reviews != 1 else ''}"
        if circle.helpful is not None:
            review += f", found {circle.helpful:.1f} of 5 helpful on average"
        parts.append(review)
    return "; ".join(parts)


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
