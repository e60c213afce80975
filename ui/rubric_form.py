"""The rubric as a review form: per criterion its name and description, a score (points
0..max in a spin box, or its named levels in a list) and a comment; then an overall
comment. A draft is the form's values as a plain dict (`draft()` / `restore()`), kept
by the Assignments tab until the review is sent.

Owns `RubricForm`. GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.rows import CriterionRow


class RubricForm(QWidget):
    edited = Signal()

    def __init__(self, criteria: tuple[CriterionRow, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criteria = criteria
        self.scores: dict[str, QSpinBox | QComboBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for criterion in criteria:
            box = QGroupBox(criterion.name, self)
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: fields get the width
            if criterion.description:
                about = QLabel(criterion.description, box)
                about.setWordWrap(True)
                form.addRow(about)
            score: QSpinBox | QComboBox
            if criterion.levels:
                score = QComboBox(box)
                score.addItems(list(criterion.levels))
                score.currentIndexChanged.connect(self.edited)
            else:
                score = QSpinBox(box)
                score.setRange(0, criterion.max)
                score.setSuffix(self.tr(" of {max}").format(max=criterion.max))
                score.valueChanged.connect(self.edited)
            score.setAccessibleName(self.tr("Score for {name}").format(name=criterion.name))
            note = QLineEdit(box)
            note.setPlaceholderText(self.tr("A comment on {name} (optional)").format(name=criterion.name))
            note.textEdited.connect(self.edited)
            form.addRow(self.tr("Score"), score)
            form.addRow(self.tr("Comment"), note)
            self.scores[criterion.name] = score
            self.notes[criterion.name] = note
            layout.addWidget(box)
        self.comment = QPlainTextEdit(self)
        self.comment.setPlaceholderText(self.tr("Overall: what works, and what would make it better"))
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        self.comment.textChanged.connect(self.edited)
        layout.addWidget(self.comment)

    def score_of(self, name: str) -> int:
        widget = self.scores[name]
        return widget.currentIndex() if isinstance(widget, QComboBox) else widget.value()

    def set_score(self, name: str, value: int) -> None:
        widget = self.scores[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(value)
        else:
            widget.setValue(value)

    def values(self) -> tuple[list[str], str, dict[str, str]]:
        """(scores as "NAME=N", the overall comment, comments per criterion)."""
        scores = [f"{name}={self.score_of(name)}" for name in self.scores]
        notes = {name: line.text() for name, line in self.notes.items() if line.text().strip()}
        return scores, self.comment.toPlainText(), notes

    def draft(self) -> dict[str, Any]:
        return {
            "scores": {name: self.score_of(name) for name in self.scores},
            "notes": {name: line.text() for name, line in self.notes.items()},
            "comment": self.comment.toPlainText(),
        }

    def restore(self, draft: dict[str, Any]) -> None:
        self.blockSignals(True)
        try:
            for name, value in draft.get("scores", {}).items():
                if name in self.scores:
                    self.set_score(name, int(value))
            for name, text in draft.get("notes", {}).items():
                if name in self.notes:
                    self.notes[name].setText(text)
            self.comment.setPlainText(draft.get("comment", ""))
        finally:
            self.blockSignals(False)
