"""The Assignments tab's dialogs: setting an assignment with its rubric (a table of
criteria: name, points, description; rows added and removed), and assessing a
submission (a grade 0..100 starting at the suggested one, and a comment), and changing
a submission's reviewers by hand.

Owns `AssignmentDialog`, `AssessDialog` and `ReallocateDialog`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("Criterion", "Points", "Description")


class AssignmentDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New assignment"))
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("e.g. Essay: argue a case"))
        self.brief = QPlainTextEdit(self)
        self.brief.setPlaceholderText(self.tr("The brief (Markdown): what to do, how it is judged"))
        self.brief.setTabChangesFocus(True)
        self.rubric = QTableWidget(0, len(COLUMNS), self)
        self.rubric.setHorizontalHeaderLabels(
            [self.tr("Criterion"), self.tr("Points"), self.tr("Description")]
        )
        self.rubric.horizontalHeader().setStretchLastSection(True)
        add = QPushButton(self.tr("&Add criterion"), self)
        add.clicked.connect(lambda: self.add_criterion("", 4, ""))
        remove = QPushButton(self.tr("&Remove criterion"), self)
        remove.clicked.connect(lambda: self.rubric.removeRow(self.rubric.currentRow()))
        self.reviewers = QSpinBox(self)
        self.reviewers.setRange(1, 10)
        self.reviewers.setValue(3)
        self.rounds = QSpinBox(self)
        self.rounds.setRange(1, 5)
        self.rounds.setValue(2)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Set assignment"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Title"), self.title)
        form.addRow(self.tr("&Brief"), self.brief)
        form.addRow(self.tr("Reviewers per submission"), self.reviewers)
        form.addRow(self.tr("Review rounds"), self.rounds)
        edit = QHBoxLayout()
        edit.addWidget(add)
        edit.addWidget(remove)
        edit.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Rubric"), self))
        layout.addWidget(self.rubric)
        layout.addLayout(edit)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.add_criterion("", 4, "")

    def add_criterion(self, name: str, points: int, description: str) -> None:
        row = self.rubric.rowCount()
        self.rubric.insertRow(row)
        for column, text in enumerate((name, str(points), description)):
            self.rubric.setItem(row, column, QTableWidgetItem(text))

    def criteria(self) -> list[str]:
        """The rubric as `NAME:MAX[:DESCRIPTION]` lines (rows without a name left out)."""
        found = []
        for row in range(self.rubric.rowCount()):
            cells = [self.rubric.item(row, c) for c in range(len(COLUMNS))]
            name, points, description = (cell.text().strip() if cell else "" for cell in cells)
            if name:
                found.append(f"{name}:{points}" + (f":{description}" if description else ""))
        return found

    def _check(self) -> None:
        if not self.title.text().strip():
            self.error.setText(self.tr("An assignment needs a title."))
        elif not self.criteria():
            self.error.setText(self.tr("A rubric needs at least one criterion with a name."))
        elif any(":" in line.split(":", 1)[0] for line in self.criteria()):
            self.error.setText(self.tr("A criterion's name cannot contain ':'."))
        else:
            self.accept()


class AssessDialog(QDialog):
    def __init__(self, name: str, suggested: float | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assess {name}'s work").format(name=name))
        self.grade = QSpinBox(self)
        self.grade.setRange(0, 100)
        self.grade.setValue(round(suggested) if suggested is not None else 0)
        self.comment = QPlainTextEdit(self)
        self.comment.setPlaceholderText(self.tr("Why this grade (shown to the student)"))
        self.comment.setTabChangesFocus(True)
        shown = "—" if suggested is None else f"{suggested:.1f}"
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Suggested from the reviews"), QLabel(shown, self))
        form.addRow(self.tr("&Grade"), self.grade)
        form.addRow(self.tr("&Comment"), self.comment)
        form.addRow(buttons)


class ReallocateDialog(QDialog):
    """Add or take off a reviewer of one submission in the open review round: the work
    (by its author's name) and the reviewer, each from a list; *Add* or *Remove*."""

    def __init__(
        self, works: list[tuple[str, str]], people: list[tuple[str, str]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change reviewers"))
        self.work = QComboBox(self)
        for name, submission in works:
            self.work.addItem(self.tr("{name}'s work").format(name=name), submission)
        self.reviewer = QComboBox(self)
        for name, person in people:
            self.reviewer.addItem(name, person)
        self.add = True
        buttons = QDialogButtonBox(self)
        self.add_button = QPushButton(self.tr("&Add as reviewer"), self)
        self.remove_button = QPushButton(self.tr("&Remove as reviewer"), self)
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.add_button.clicked.connect(lambda: self._choose(True))
        self.remove_button.clicked.connect(lambda: self._choose(False))
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Work"), self.work)
        form.addRow(self.tr("&Reviewer"), self.reviewer)
        form.addRow(buttons)

    def _choose(self, add: bool) -> None:
        self.add = add
        self.accept()
