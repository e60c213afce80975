"""The forms of a coaching cycle: opening a cycle (who is observed, a title), a goal (what
to work on, what success looks like), an observation (focus, evidence, questions, under
a prompt that keeps it descriptive, not a grade), a text (feedback, a reflection, a
message), closing a cycle (the goals met, the next goals proposed), ending a pair (asked
first, with an optional closing word) and a survey (title, anonymous or named said up
front, questions of three kinds).

Each dialog is opened with `open()` and reports through `accepted`; its `values()`
reads the fields. GUI thread.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.rows import CoachGoal


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _text(parent: QWidget, hint: str) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(hint)
    box.setMinimumWidth(380)
    return box


class CycleDialog(QDialog):
    """A new cycle: who is observed this time, what it is about, and whether to start
    from the goals the last cycle proposed (checked when there are some)."""

    def __init__(
        self, people: tuple[str, ...], proposed: tuple[str, ...] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open a cycle"))
        self.observed = QComboBox(self)
        self.observed.addItems(list(people))
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("e.g. wait time after questions"))
        listed = "; ".join(proposed)
        self.carry = QCheckBox(
            self.tr("Start with the goals the last cycle proposed: {goals}").format(goals=listed), self
        )
        self.carry.setChecked(bool(proposed))
        self.carry.setVisible(bool(proposed))
        form = QFormLayout(self)
        form.addRow(self.tr("&Observed"), self.observed)
        form.addRow(self.tr("&Title"), self.title)
        form.addRow(self.carry)
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, str]:
        return self.observed.currentText(), self.title.text()


class GoalDialog(QDialog):
    """A goal, new or edited: both people agree to it (again) afterwards."""

    def __init__(self, goal: str = "", success: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("A goal for this cycle"))
        self.goal = QLineEdit(goal, self)
        self.goal.setPlaceholderText(self.tr("What to work on"))
        self.success = QLineEdit(success, self)
        self.success.setPlaceholderText(self.tr("What success looks like"))
        form = QFormLayout(self)
        form.addRow(self.tr("&Goal"), self.goal)
        form.addRow(self.tr("&Success"), self.success)
        form.addRow(QLabel(self.tr("Both of you agree to a goal before the observation."), self))
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, str]:
        return self.goal.text(), self.success.text()


class ObservationDialog(QDialog):
    """What the observer saw against the goals: focus, evidence, questions."""

    def __init__(self, goals: tuple[CoachGoal, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record an observation"))
        self.prompt = QLabel(
            self.tr(
                "Describe, do not grade. Focus: what they asked you to look at. Evidence: what"
                " you saw and heard (words, times, counts). Questions: what you would ask them."
            ),
            self,
        )
        self.prompt.setWordWrap(True)
        self.prompt.setObjectName("prompt")
        self.focus = QLineEdit(goals[0].goal if goals else "", self)
        self.evidence = _text(self, self.tr("e.g. waited about 1 s after 4 of 6 questions"))
        self.questions = _text(self, self.tr("e.g. what made you move on?"))
        form = QFormLayout(self)
        form.addRow(self.prompt)
        if goals:
            listed = "; ".join(g.goal for g in goals)
            form.addRow(QLabel(self.tr("Goals: {goals}").format(goals=listed), self))
        form.addRow(self.tr("&Focus"), self.focus)
        form.addRow(self.tr("&Evidence"), self.evidence)
        form.addRow(self.tr("&Questions"), self.questions)
        form.addRow(_buttons(self))

    def values(self) -> tuple[str, str, str]:
        return self.focus.text(), self.evidence.toPlainText(), self.questions.toPlainText()


class TextDialog(QDialog):
    """One text: a feedback reply, a reflection."""

    def __init__(self, caption: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.text = _text(self, "")
        label.setBuddy(self.text)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(_buttons(self))

    def value(self) -> str:
        return self.text.toPlainText()


class EndPairDialog(QDialog):
    """Are you sure you want to end the pair? With a closing word both will read under the
    pair's heading (optional, one sentence). Cancel is the default; Escape cancels."""

    def __init__(self, people: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("End the pair"))
        layout = QVBoxLayout(self)
        asked = self.tr("End your coaching pair with {who}?").format(who=people)
        question = QLabel("<b>" + escape(asked) + "</b>", self)
        question.setTextFormat(Qt.TextFormat.RichText)
        question.setWordWrap(True)
        detail = QLabel(
            self.tr("Nothing more can be added to it. You both keep its history, read-only."), self
        )
        detail.setWordWrap(True)
        self.words = QLineEdit(self)
        self.words.setMaxLength(1_000)
        self.words.setPlaceholderText(self.tr("Thank you for the cycles together…"))
        label = QLabel(self.tr("A &closing word (optional):"), self)
        label.setBuddy(self.words)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.confirm = buttons.addButton(self.tr("End the pair"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setAutoDefault(False)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for widget in (question, detail, label, self.words, buttons):
            layout.addWidget(widget)

    def value(self) -> str:
        return self.words.text().strip()


class ShareDialog(QDialog):
    """Share one of my own items of a pair with its circle: which one, and who will read it.
    `mine` holds (id, what it is, its words); the partner's items are never offered."""

    def __init__(self, mine: list[tuple[str, str, str]], circle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Share with the circle"))
        layout = QVBoxLayout(self)
        label = QLabel(self.tr("&What you wrote in this cycle:"), self)
        self.choices = QTreeWidget(self)
        self.choices.setRootIsDecorated(False)
        self.choices.setHeaderLabels([self.tr("What"), self.tr("Your words")])
        self.choices.setColumnWidth(0, 110)
        self.choices.setMinimumWidth(420)
        for item_id, what, words in mine:
            row = QTreeWidgetItem([what, " ".join(words.split())[:200]])
            row.setData(0, Qt.ItemDataRole.UserRole, item_id)
            self.choices.addTopLevelItem(row)
        first = self.choices.topLevelItem(0)
        if first is not None:
            self.choices.setCurrentItem(first)
        label.setBuddy(self.choices)
        self.who = QLabel(
            self.tr(
                "A copy becomes a thread in “{circle}”, titled “Shared from our coaching pair”: everyone"
                " in that circle can read it, its teachers too. Only your own words are listed; your"
                " partner shares theirs."
            ).format(circle=circle or self.tr("the pair's circle")),
            self,
        )
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        layout.addWidget(self.choices)
        layout.addWidget(self.who)
        buttons = _buttons(self)
        share = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if share is not None:
            share.setText(self.tr("Share"))
        layout.addWidget(buttons)

    def value(self) -> str | None:
        row = self.choices.currentItem()
        return row.data(0, Qt.ItemDataRole.UserRole) if row is not None else None


class CloseDialog(QDialog):
    """Closing a cycle: which goals were met, and the next goals to propose."""

    def __init__(self, goals: tuple[CoachGoal, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close the cycle"))
        self.goals = goals
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Goals met:"), self))
        self.met: list[QCheckBox] = []
        for goal in goals:
            box = QCheckBox(goal.goal, self)
            self.met.append(box)
            form.addRow(box)
        self.next = _text(self, self.tr("One next goal a line (proposed for the next cycle)"))
        form.addRow(self.tr("&Next goals"), self.next)
        form.addRow(_buttons(self))

    def values(self) -> tuple[list[str], list[str]]:
        met = [goal.id for goal, box in zip(self.goals, self.met, strict=True) if box.isChecked()]
        following = [line for line in self.next.toPlainText().splitlines() if line.strip()]
        return met, following


class SurveyDialog(QDialog):
    """A new survey: its title, anonymous or named (chosen, never assumed), and its
    questions (single choice, scale, free text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New survey"))
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("e.g. Start of term"))
        self.anonymous = QRadioButton(self.tr("&Anonymous: nobody is shown who answered what"), self)
        self.named = QRadioButton(self.tr("N&amed: respondents' names are shown with the results"), self)
        self.who = QButtonGroup(self)
        self.who.addButton(self.anonymous)
        self.who.addButton(self.named)
        self.kind = QComboBox(self)
        for label, kind in (
            (self.tr("Single choice"), "choice"),
            (self.tr("Scale"), "scale"),
            (self.tr("Free text"), "text"),
        ):
            self.kind.addItem(label, kind)
        self.prompt = QLineEdit(self)
        self.prompt.setPlaceholderText(self.tr("The question"))
        self.options = QLineEdit(self)
        self.options.setPlaceholderText(self.tr("Options, separated by commas"))
        self.low, self.high = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.low, 1), (self.high, 5)):
            box.setRange(0, 10)
            box.setValue(value)
        self.add = QPushButton(self.tr("Add &question"), self)
        self.add.clicked.connect(self.add_question)
        self.listed = QTreeWidget(self)
        self.listed.setRootIsDecorated(False)
        self.listed.setHeaderLabels([self.tr("Kind"), self.tr("Question"), self.tr("Options")])
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.hide()
        self.questions: list[list[Any]] = []
        form = QFormLayout(self)
        form.addRow(self.tr("&Title"), self.title)
        form.addRow(self.anonymous)
        form.addRow(self.named)
        form.addRow(self.tr("&Kind"), self.kind)
        form.addRow(self.tr("&Question"), self.prompt)
        form.addRow(self.tr("&Options"), self.options)
        form.addRow(self.tr("Scale &from"), self.low)
        form.addRow(self.tr("Scale &to"), self.high)
        form.addRow(self.add)
        form.addRow(self.listed)
        form.addRow(self.problem)
        buttons = _buttons(self)
        buttons.accepted.disconnect(self.accept)
        buttons.accepted.connect(self._check)
        form.addRow(buttons)

    def add_question(self) -> None:
        kind, prompt = self.kind.currentData(), self.prompt.text().strip()
        if not prompt:
            return self._say(self.tr("Write the question first."))
        if kind == "choice":
            options = [o.strip() for o in self.options.text().split(",") if o.strip()]
            if len(options) < 2:
                return self._say(self.tr("A single choice question needs at least two options."))
            question: list[Any] = [kind, prompt, options]
            shown = ", ".join(options)
        elif kind == "scale":
            if self.low.value() >= self.high.value():
                return self._say(self.tr("A scale runs from a lower number to a higher one."))
            question = [kind, prompt, [self.low.value(), self.high.value()]]
            shown = f"{self.low.value()}–{self.high.value()}"
        else:
            question, shown = [kind, prompt, []], ""
        self.questions.append(question)
        self.listed.addTopLevelItem(QTreeWidgetItem([self.kind.currentText(), prompt, shown]))
        self.prompt.clear()
        self.options.clear()
        self.problem.hide()
        self.prompt.setFocus()
        return None

    def _check(self) -> None:
        if self.who.checkedButton() is None:
            self._say(self.tr("Say up front whether the survey is anonymous or named."))
        elif not self.questions:
            self._say(self.tr("Add at least one question."))
        else:
            self.accept()

    def _say(self, text: str) -> None:
        self.problem.setText("⚠ " + text)
        self.problem.show()

    def values(self) -> tuple[str, bool, list[list[Any]]]:
        return self.title.text(), self.anonymous.isChecked(), self.questions
