"""The Surveys tab of a circle: its surveys (title, who runs it, anonymous or named, how
many answered, open or closed); *New survey…* (single choice, scale, free text; anonymous
or named chosen up front); for an anonymous survey *Join (anonymous)* (a key made for
this survey, sent blinded) and, for the person who opened it, *Admit who joined* and
*Renew key…* (after a member left) — a line says where I
stand; *Answer…* — a form that says first whether the survey is anonymous or named;
*Close*; and the chosen survey's results as a chart: one bar per option (`QProgressBar`
rows, the count beside each), and the free-text answers listed.

Re-read live when survey ops arrive in the circle. Owns `QtSurveys` and `AnswerDialog`.
GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import surveys
from app.services.rows import SurveyPart, SurveyQuestionResult, SurveyResults, SurveySummary
from ui.circle import CircleContext, QtCircleTab
from ui.coach_dialogs import SurveyDialog
from ui.dialogs import confirm
from ui.empty_state import EmptyHint
from ui.live import LiveQuery
from ui.wording import plural

ROW = Qt.ItemDataRole.UserRole
SURVEY_KINDS = frozenset(
    {
        "survey.open",
        "survey.answer",
        "survey.close",
        "survey.enrol",
        "survey.admit",
        "survey.rekey",
        "survey.respond",
    }
)


class AnswerDialog(QDialog):
    """The questions of a survey, under a line saying whether it is anonymous or named."""

    def __init__(self, results: SurveyResults, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Answer: {title}").format(title=results.survey.title))
        self.questions = results.questions
        notice = QLabel(
            self.tr("Anonymous: your answer is signed by a key made for this survey, not by your"
                    " device, and the person who opened the survey admitted that key without seeing"
                    " it, so nobody, they included, can tell which answer is yours. Answering again"
                    " replaces your answer.")
            if results.survey.anonymous
            else self.tr("Named: your name is shown with the results."),
            self,
        )  # fmt: skip
        notice.setObjectName("anonymity")
        notice.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(notice)
        self.fields: list[Any] = []
        for question in results.questions:
            if question.kind == "text":
                box = QPlainTextEdit(self)
                box.setTabChangesFocus(True)
                box.setMaximumHeight(80)
                form.addRow(question.prompt, box)
                self.fields.append(box)
                continue
            group = QButtonGroup(self)
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            for index, label in enumerate(question.options):
                button = QRadioButton(label, row)
                group.addButton(button, index)
                line.addWidget(button)
            line.addStretch(1)
            form.addRow(question.prompt, row)
            self.fields.append(group)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.hide()
        form.addRow(self.problem)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check(self) -> None:
        if any(isinstance(f, QButtonGroup) and f.checkedId() < 0 for f in self.fields):
            self.problem.setText("⚠ " + self.tr("Choose an answer to every choice and scale question."))
            self.problem.show()
            return
        self.accept()

    def values(self) -> list[str]:
        """One answer a question, as `surveys.answer` takes them (a choice's label, a number)."""
        answers = []
        for question, field in zip(self.questions, self.fields, strict=True):
            if isinstance(field, QButtonGroup):
                answers.append(question.options[field.checkedId()])
            else:
                answers.append(field.toPlainText())
        return answers


class QtSurveys(QtCircleTab):
    kinds = SURVEY_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.summaries: list[SurveySummary] = []
        self.results: SurveyResults | None = None
        self.dialog: Any = None
        self.list = QTreeWidget(self)
        self.list.setRootIsDecorated(False)
        self.list.setAllColumnsShowFocus(True)
        self.list.setHeaderLabels(
            [self.tr("Survey"), self.tr("By"), self.tr("Answers"), self.tr("Respondents"), self.tr("Status")]
        )
        header = self.list.header()  # the title takes the room; the short columns fit their words
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(lambda *_: self._chosen_changed())
        self.list.itemActivated.connect(lambda *_: self.answer())
        self.empty = EmptyHint(
            self.list, self.tr("No surveys yet — start one with New survey…"), loaded=self._loaded
        )
        self.new = QPushButton(self.tr("&New survey…"), self)
        self.new.clicked.connect(self.new_survey)
        self.answer_button = QPushButton(self.tr("&Answer…"), self)
        self.answer_button.clicked.connect(self.answer)
        self.close_button = QPushButton(self.tr("C&lose survey"), self)
        self.close_button.clicked.connect(self.close_survey)
        self.join_button = QPushButton(self.tr("&Join (anonymous)"), self)
        self.join_button.clicked.connect(self.join)
        self.admit_button = QPushButton(self.tr("Ad&mit who joined"), self)
        self.admit_button.clicked.connect(self.admit)
        self.rekey_button = QPushButton(self.tr("Re&new key…"), self)
        self.rekey_button.setToolTip(
            self.tr("After a member has left: answers under the old key stop counting; the others join again")
        )
        self.rekey_button.clicked.connect(self.rekey)
        self.part: SurveyPart | None = None
        self.standing = QLabel(self)
        self.standing.setObjectName("standing")
        self.standing.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.chart = QWidget(self)
        self.chart_layout = QVBoxLayout(self.chart)
        self.chart_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        buttons = QHBoxLayout()
        for button in (
            self.new,
            self.join_button,
            self.admit_button,
            self.rekey_button,
            self.answer_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.list, 1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.standing)
        top_layout.addWidget(self.problem)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        commands, space = self.session.commands, circle.space
        self.query = LiveQuery(self.session, lambda: surveys.listing(commands, space), self._show)
        self.results_query = LiveQuery(self.session, self._fetch_results, self._show_results)
        self.query.refresh()

    def _loaded(self) -> bool:
        return self.query.runs > 0

    def on_touched(self) -> None:
        self.query.refresh()

    def on_roles(self) -> None:
        self.query.refresh()

    # -- reading ----------------------------------------------------------------------
    def _chosen_changed(self) -> None:
        self.results_query.refresh()

    def _chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, ROW) if item is not None else None

    def _show(self, rows: list[SurveySummary]) -> None:
        self.summaries = rows
        kept = self._chosen()
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QTreeWidgetItem([
                row.title, row.author_name,
                self.tr("anonymous") if row.anonymous else self.tr("named"),
                str(row.respondents), self.tr("closed") if row.closed else self.tr("open"),
            ])  # fmt: skip
            item.setData(0, ROW, row.id)
            item.setToolTip(0, row.title)  # in full when the column elides it
            self.list.addTopLevelItem(item)
            if row.id == kept:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and rows:
            newest = self.list.topLevelItem(len(rows) - 1)
            assert newest is not None
            self.list.setCurrentItem(newest)
        else:
            self.results_query.refresh()

    async def _fetch_results(self) -> tuple[SurveyResults, SurveyPart] | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        commands = self.session.commands
        found = await surveys.find_survey(commands, chosen)
        return await surveys.results(commands, found), await surveys.part(commands, found)

    def _show_results(self, read: tuple[SurveyResults, SurveyPart] | None) -> None:
        results, self.part = read if read is not None else (None, None)
        unchanged = results == self.results and self.chart_layout.count() > 0
        self.results = results
        self._show_standing()
        if unchanged:  # read again after every survey op: redraw only what changed
            return
        while self.chart_layout.count():
            taken = self.chart_layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.setParent(None)  # out of the chart now (its bars no longer counted)
                widget.deleteLater()
        if results is None:
            return
        respondents = results.survey.respondents
        answers = plural(self.tr("%n answer(s)", "", respondents), respondents)
        head = QLabel("<b>" + escape(results.survey.title) + "</b> — " + answers, self.chart)
        self.chart_layout.addWidget(head)
        if results.excess:
            warning = QLabel(
                "⚠ "
                + self.tr(
                    "More answers than people admitted: the person who opened the survey signed keys"
                    " outside any admission."
                ),
                self.chart,
            )
            warning.setObjectName("excess")
            warning.setWordWrap(True)
            self.chart_layout.addWidget(warning)
        if results.respondent_names:
            names = QLabel(self.tr("Answered: {names}").format(names=", ".join(results.respondent_names)))
            names.setWordWrap(True)
            self.chart_layout.addWidget(names)
        for question in results.questions:
            self.chart_layout.addWidget(self._question_chart(question))

    def _show_standing(self) -> None:
        """Which actions fit, and a line saying where I stand in the survey chosen."""
        results, part = self.results, self.part
        open_ = results is not None and not results.survey.closed
        anonymous = part is not None and part.anonymous
        self.join_button.setVisible(anonymous)
        self.admit_button.setVisible(anonymous and part is not None and part.mine)
        self.rekey_button.setVisible(anonymous and part is not None and part.mine)
        self.rekey_button.setEnabled(open_)
        self.join_button.setEnabled(open_ and part is not None and not part.joined and not part.admitted)
        self.admit_button.setEnabled(open_ and part is not None and part.joined_count > part.admitted_count)
        self.answer_button.setEnabled(open_ and part is not None and (not part.anonymous or part.admitted))
        self.close_button.setEnabled(open_)
        if results is None or part is None:
            self.standing.setText("")
            return
        owner = results.survey.author_name
        if results.survey.closed:
            line = self.tr("This survey is closed.")
        elif not part.anonymous:
            line = self.tr("Named: respondents' names are shown with the results.")
        elif part.admitted:
            line = self.tr("Your anonymous key is admitted: answer (again, to change your answer).")
            count = part.admitted_count
            line += "" if part.mine else " " + plural(
                self.tr("%n (person/people) admitted so far: an answer hides among them.", "", count), count
            )
        elif part.joined:
            line = self.tr("You have joined: {owner} admits everyone who joined, then you answer.").format(
                owner=owner
            )
        else:
            line = self.tr(
                "Anonymous: join first; {owner} admits everyone who joined, then you answer."
            ).format(owner=owner)
        if part.anonymous and part.mine:
            line += " " + self.tr("{joined} joined, {admitted} admitted.").format(
                joined=part.joined_count, admitted=part.admitted_count
            )
        self.standing.setText(line)

    def _question_chart(self, question: SurveyQuestionResult) -> QWidget:
        """A question's results: a bar an option (the count on it), or the texts given."""
        box = QWidget(self.chart)
        grid = QGridLayout(box)
        prompt = QLabel("<b>" + escape(question.prompt) + "</b>", box)
        prompt.setWordWrap(True)
        grid.addWidget(prompt, 0, 0, 1, 3)
        if question.kind == "text":
            texts = [t for t in question.texts if t.strip()]
            for row, text in enumerate(texts or [self.tr("(no text answers)")], 1):
                label = QLabel("• " + text, box)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setWordWrap(True)
                grid.addWidget(label, row, 0, 1, 3)
            return box
        most = max(question.counts, default=0) or 1
        for row, (option, count) in enumerate(zip(question.options, question.counts, strict=True), 1):
            bar = QProgressBar(box)
            bar.setObjectName("survey-bar")
            bar.setRange(0, most)
            bar.setValue(count)
            bar.setTextVisible(False)  # the count beside it: centred on a bar, it was half covered
            bar.setAccessibleName(f"{option}: {count}")
            name = QLabel(option, box)
            name.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(name, row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(QLabel(str(count), box), row, 2)
        grid.setColumnStretch(1, 1)
        return box

    def bars(self) -> list[tuple[str, int]]:
        """Every bar shown, as (label, count) (tests)."""
        return [
            (bar.accessibleName().rsplit(": ", 1)[0], bar.value())
            for bar in self.chart.findChildren(QProgressBar, "survey-bar")
        ]

    # -- acting -----------------------------------------------------------------------
    def _run(self, work: Callable[[], Awaitable[Any]]) -> None:
        self.problem.hide()

        def done(_: object) -> None:
            self.query.refresh()
            self.results_query.refresh()

        self.session.run(work, done, self._problem)

    def _problem(self, message: str) -> None:
        self.problem.setText("⚠ " + " ".join(message.split()))
        self.problem.show()

    def new_survey(self) -> None:
        dialog = self.dialog = SurveyDialog(self)
        commands, space = self.session.commands, self.circle.space

        def go() -> None:
            title, anonymous, questions = dialog.values()
            self._run(
                lambda: surveys.open_survey(commands, space, title, anonymous=anonymous, questions=questions)
            )

        dialog.accepted.connect(go)
        dialog.open()

    def answer(self) -> None:
        results, chosen = self.results, self._chosen()
        if results is None or chosen is None or results.survey.id != chosen:
            return
        dialog = self.dialog = AnswerDialog(results, self)
        commands = self.session.commands

        async def send(given: list[str]) -> Any:
            return await surveys.answer(commands, await surveys.find_survey(commands, chosen), given)

        dialog.accepted.connect(lambda: self._run(lambda: send(dialog.values())))
        dialog.open()

    def _on_survey(self, work: Callable[[Any], Awaitable[Any]]) -> None:
        """`work(found)` on the survey chosen, then everything read again."""
        chosen = self._chosen()
        if chosen is None:
            return
        commands = self.session.commands

        async def run() -> Any:
            return await work(await surveys.find_survey(commands, chosen))

        self._run(run)

    def join(self) -> None:
        """Take part in an anonymous survey: a key made for it, sealed to its owner."""
        commands = self.session.commands
        self._on_survey(lambda found: surveys.join(commands, found))

    def admit(self) -> None:
        """(The survey's owner) admit the keys of everyone who joined."""
        commands = self.session.commands
        self._on_survey(lambda found: surveys.admit(commands, found))

    def rekey(self) -> None:
        """(The survey's owner) renew the key after a member left, once confirmed."""
        commands = self.session.commands
        self.confirming = confirm(
            self,
            self.tr("Renew the survey's key"),
            self.tr("Renew this survey's key?"),
            self.tr(
                "Do this after a member has left: answers under the current key, theirs too, stop"
                " counting. Everyone else joins again, you admit them, and they answer again."
            ),
            self.tr("Renew key"),
            lambda: self._on_survey(lambda found: surveys.rekey(commands, found)),
        )

    def close_survey(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        commands = self.session.commands

        async def close() -> Any:
            return await surveys.close(commands, await surveys.find_survey(commands, chosen))

        self._run(close)
