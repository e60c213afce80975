"""First run: ask for a display name, then offer to create a circle, join one with an
invite code, link this computer to a device of yours with its link code, or try a demo
circle. Owns `FirstRunDialog` and the `FirstRun` it yields.
GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class FirstRun:
    name: str
    choice: str  # "create", "join", "link", "demo" or "none"
    circle_name: str = ""
    invite_code: str = ""


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to StudyCircle"))
        intro = QLabel(
            self.tr(
                "StudyCircle connects you directly with your classmates: no server, no account.\n"
                "First, how should others see you?"
            ),
            self,
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Your display name"))
        self.create_choice = QRadioButton(self.tr("Create a circle"), self)
        self.circle_name = QLineEdit(self)
        self.circle_name.setPlaceholderText(self.tr("The circle's name, e.g. Linear algebra"))
        self.join_choice = QRadioButton(self.tr("Join with an invite code"), self)
        self.invite_code = QLineEdit(self)
        self.invite_code.setPlaceholderText(self.tr("Paste the code someone sent you"))
        self.link_choice = QRadioButton(self.tr("This is another device of mine"), self)
        self.link_code = QLineEdit(self)
        self.link_code.setPlaceholderText(
            self.tr("The link code your other device shows (Devices → Link a device…)")
        )
        self.demo_choice = QRadioButton(
            self.tr("Try a demo circle (two sample classmates on this computer)"), self
        )
        self.later = QRadioButton(self.tr("Just my notes for now"), self)
        self.group = QButtonGroup(self)
        for button in (self.create_choice, self.join_choice, self.link_choice, self.demo_choice, self.later):
            self.group.addButton(button)
            button.toggled.connect(self._update)
        self.problem = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        for widget in (
            self.create_choice,
            self.circle_name,
            self.join_choice,
            self.invite_code,
            self.link_choice,
            self.link_code,
            self.demo_choice,
            self.later,
            self.problem,
            self.buttons,
        ):
            layout.addWidget(widget)
        self.name.textChanged.connect(self._update)
        self.circle_name.textChanged.connect(self._update)
        self.invite_code.textChanged.connect(self._update)
        self.link_code.textChanged.connect(self._update)
        self.create_choice.setChecked(True)
        self._update()

    def _update(self, *_: object) -> None:
        self.circle_name.setEnabled(self.create_choice.isChecked())
        self.invite_code.setEnabled(self.join_choice.isChecked())
        self.link_code.setEnabled(self.link_choice.isChecked())
        self.problem.setText(self._problem())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self._problem())

    def _problem(self) -> str:
        if not self.name.text().strip():
            return self.tr("Enter a display name.")
        if self.create_choice.isChecked() and not self.circle_name.text().strip():
            return self.tr("Give the circle a name.")
        if self.join_choice.isChecked() and not self.invite_code.text().strip():
            return self.tr("Paste the invite code.")
        if self.link_choice.isChecked() and not self.link_code.text().strip():
            return self.tr("Type the link code your other device shows.")
        return ""

    def _start(self) -> None:
        if not self._problem():
            self.accept()

    def result_value(self) -> FirstRun:
        choice = (
            "create"
            if self.create_choice.isChecked()
            else "join"
            if self.join_choice.isChecked()
            else "link"
            if self.link_choice.isChecked()
            else "demo"
            if self.demo_choice.isChecked()
            else "none"
        )
        code = self.link_code if choice == "link" else self.invite_code
        name, circle = self.name.text().strip(), self.circle_name.text().strip()
        return FirstRun(name, choice, circle, code.text().strip())
