"""The Assignments tab's dialogs: setting an assignment with its rubric (a table of
criteria: name, points, description; rows added and removed) and its due dates (one per
phase), or editing one (the same dialog filled in; once reviewing has started the
rubric, reviewers and rounds are fixed, as the core rules), and assessing a
submission (a grade 0..100 starting at the suggested one, and a comment), and changing
a submission's reviewers by hand.

Owns `AssignmentDialog`, `AssessDialog` and `ReallocateDialog`. GUI thread.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
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

from app.services.rows import AssignmentDetail
from ui.assessment_words import phase_word

COLUMNS = ("Criterion", "Points", "Description")
DUE_PHASES = ("submission", "review", "revision", "assessment")  # the core's phase names
DUE_FORMAT = "%Y-%m-%d %H:%M"  # local time, as typed and shown


class AssignmentDialog(QDialog):
    """A new assignment, or with `existing` the one to edit, filled in. Editing, *Save
    changes* emits `wanted` and the dialog stays open until the tab says it was saved
    (`accept`) or shows why not (`refused`)."""

    wanted = Signal()

    def __init__(self, parent: QWidget | None = None, existing: AssignmentDetail | None = None) -> None:
        super().__init__(parent)
        self.existing = existing
        self.setWindowTitle(self.tr("New assignment") if existing is None else self.tr("Edit assignment"))
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
        self.due = QTableWidget(len(DUE_PHASES), 2, self)
        self.due.setHorizontalHeaderLabels([self.tr("Phase"), self.tr("Due (YYYY-MM-DD HH:MM)")])
        self.due.horizontalHeader().setStretchLastSection(True)
        self.due.verticalHeader().hide()
        self.due_cells: list[QTableWidgetItem] = []  # the date typed for each of DUE_PHASES
        for row, phase in enumerate(DUE_PHASES):
            label = QTableWidgetItem(phase_word(phase))
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.due.setItem(row, 0, label)
            self.due_cells.append(QTableWidgetItem(""))
            self.due.setItem(row, 1, self.due_cells[-1])
        rows_height = sum(self.due.rowHeight(row) for row in range(len(DUE_PHASES)))
        header_height = self.due.horizontalHeader().sizeHint().height()
        self.due.setMinimumHeight(header_height + rows_height + 2 * self.due.frameWidth())  # all phases
        self.fixed = QLabel(self)  # editing after reviewing started: what cannot change, and why
        self.fixed.setWordWrap(True)
        self.fixed.hide()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Set assignment") if existing is None else self.tr("Save changes"))
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
        layout.addWidget(self.fixed)
        due_label = QLabel(self.tr("&Due dates (empty: none)"), self)
        due_label.setBuddy(self.due)
        layout.addWidget(due_label)
        layout.addWidget(self.due)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._rubric_widgets = (self.rubric, add, remove, self.reviewers, self.rounds)
        if existing is None:
            self.add_criterion("", 4, "")
        else:
            self._fill(existing)
        self.initial_criteria = self.criteria()

    def _fill(self, existing: AssignmentDetail) -> None:
        self.title.setText(existing.title)
        self.brief.setPlainText(existing.brief)
        for c in existing.criteria:
            self.add_criterion(c.name, c.max, c.description)
        self.reviewers.setValue(existing.reviewers)
        self.rounds.setValue(existing.rounds)
        due = dict(existing.due)
        for row, phase in enumerate(DUE_PHASES):
            if phase in due:
                when = datetime.fromtimestamp(due[phase] / 1000).strftime(DUE_FORMAT)
                self.due_cells[row].setText(when)
        if existing.phase != "submission":  # the core's rule (sync.reducers.assess._check_edit)
            for widget in self._rubric_widgets:
                widget.setEnabled(False)
            self.fixed.setText(
                self.tr(
                    "Reviewing has started: the rubric, reviewers per submission and rounds are"
                    " fixed. The title, brief and due dates can still change."
                )
            )
            self.fixed.show()

    def changed_criteria(self) -> list[str] | None:
        """The rubric typed, or None if it is as it was (kept whole: levels and weights)."""
        found = self.criteria()
        return None if self.existing is not None and found == self.initial_criteria else found

    def due_dates(self) -> dict[str, int] | None:
        """phase -> due (ms) for each date typed; None if one cannot be read (said in `error`)."""
        found = {}
        for row, phase in enumerate(DUE_PHASES):
            typed = self.due_cells[row].text().strip()
            if not typed:
                continue
            try:
                found[phase] = int(datetime.strptime(typed, DUE_FORMAT).timestamp() * 1000)
            except ValueError:
                self.error.setText(
                    self.tr("Write the {phase} due date as YYYY-MM-DD HH:MM, e.g. 2026-12-18 17:00.").format(
                        phase=phase_word(phase)
                    )
                )
                return None
        return found

    def refused(self, message: str) -> None:
        """The change was not made: say why, keep the dialog open."""
        self.error.setText(message)
        self.ok.setEnabled(True)

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
        elif self.due_dates() is None:
            return
        elif self.existing is None:
            self.accept()
        else:
            self.error.setText("")
            self.ok.setEnabled(False)  # until the tab says saved or refused
            self.wanted.emit()


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
