"""A circle's Assignments tab: the assignments (title, phase, round) beside the one chosen.

Students see its brief; *My work* (my versions, a Markdown editor or a text file
attached, in a revision phase a "what I changed" note, Submit); *Reviews to do* (each
allocated submission — in round 2+ the diff since the version I reviewed — and the
rubric as a form, `ui.rubric_form`, whose draft is kept here until sent); *Feedback*
(reviews of my work per round, reviewers anonymous, rated for helpfulness; my grade once
given). Wherever a version is shown — my latest, the one I review, the selected student's
latest in *Assessment* — the files attached to it are listed with Open and Save as…
(`ui.version_files`). Teachers see the brief, *Progress* (`app.services.assessment_board`: who
submitted, reviews done and owed; *Open the next phase…* asks first, saying what will
happen; *Change reviewers…* by hand) and *Assessment* (the gradebook; for the student
selected, the suggested grade's parts and every review with its writer; *Assess…* to
accept or override with a comment, *Export CSV…*); *New assignment…* sets one with a
rubric and due dates, *Edit assignment…* (Ctrl+E) changes the chosen one in the same
dialog filled in (`ui.assignment_dialogs`).

Everything shown is re-read (`LiveQuery`) when a change in the circle touches
assignments. Owns `QtAssignments`. Built with the circle's page. GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.rows import (
    AssignmentDetail,
    AssignmentSummary,
    CalibrationRow,
    FileProgress,
    GradeEntry,
    MyVersion,
    ProgressBoard,
    ReceivedReview,
    ReviewTask,
    VersionFiles,
    WrittenReview,
)
from sync.changes import ASSIGN_KINDS
from sync.ids import OpId
from sync.policy import Level
from ui.assessment_words import of, phase_name, phase_word, reviewer_label, version_label
from ui.circle import CircleContext, QtCircleTab
from ui.rubric_form import RubricForm
from ui.version_files import QtVersionFiles

ID = Qt.ItemDataRole.UserRole
EDIT_KEYS = "Ctrl+E"  # edit the chosen assignment (listed in Help › Keyboard shortcuts)


@dataclass(frozen=True, slots=True)
class Shown:
    """One assignment as this device sees it (read in one trip)."""

    detail: AssignmentDetail
    versions: tuple[MyVersion, ...]
    tasks: tuple[ReviewTask, ...]
    received: tuple[ReceivedReview, ...]
    grades: tuple[GradeEntry, ...]
    board: ProgressBoard | None  # teachers
    written: tuple[WrittenReview, ...]  # teachers: every review with its writer
    calibration: tuple[CalibrationRow, ...] = ()  # students: my scores beside the others', after a round
    works: tuple[VersionFiles, ...] = ()  # teachers: each submission's latest version's files


class WorkEditor(QPlainTextEdit):
    """The work's Markdown editor; a text file dropped on it becomes its content."""

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not files:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.file_dropped.emit(files[0])

    file_dropped = Signal(str)


def _wrap_code_blocks(browser: QTextBrowser) -> None:
    """Let a code block's long lines (a diff's) wrap instead of scrolling sideways."""
    document = browser.document()
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        if block.blockFormat().nonBreakableLines():
            fmt = block.blockFormat()
            fmt.setNonBreakableLines(False)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(fmt)
        block = block.next()


def _diff_in_words(task: ReviewTask) -> str:
    """The task's diff with its two header lines ("--- version 1") in the reader's language."""
    lines = task.diff.splitlines(keepends=True)
    heads = (f"--- version {task.previous_version}\n", f"+++ version {task.version}\n")
    if tuple(lines[:2]) == heads:
        lines[:2] = [
            f"--- {version_label(task.previous_version)}\n",
            f"+++ {version_label(task.version)}\n",
        ]
    return "".join(lines)


def _size_once(tree: QTreeWidget, items: list[QTreeWidgetItem]) -> None:
    """Size the columns once, from the header and the first rows: measuring every row of
    a class of 300 at each refresh held the GUI thread (`bench/responsiveness.py
    --assessment`), as it did the desk's (`ui.desk_view`)."""
    if not items or tree.property("sized"):
        return
    tree.setProperty("sized", True)
    metrics = tree.fontMetrics()
    for column in range(tree.columnCount() - 1):  # the last one stretches
        texts = [tree.headerItem().text(column), *(item.text(column) for item in items[:20])]
        tree.setColumnWidth(column, max(metrics.horizontalAdvance(t) for t in texts) + 24)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class QtAssignments(QtCircleTab):
    kinds = ASSIGN_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        from ui.live import LiveQuery

        self.selected_id: str | None = None
        self.shown: Shown | None = None
        self.drafts: dict[tuple[str, int], dict[str, Any]] = {}  # (submission, version) -> the form's
        self.form: RubricForm | None = None
        self.dialog: QWidget | None = None  # the one open (tests reach it)

        self.list = QListWidget(self)
        self.list.setWordWrap(True)  # a long title wraps rather than scrolling sideways
        self.list.setMinimumWidth(150)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._chosen)
        self.new_button = QPushButton(self.tr("New assignment…"), self)
        self.new_button.clicked.connect(self.new_assignment)
        self.edit_button = QPushButton(self.tr("Edit assignment…"), self)
        self.edit_button.setToolTip(self.tr("Edit the chosen assignment (Ctrl+E)"))
        self.edit_button.clicked.connect(self.edit_assignment)
        self.edit_button.setEnabled(False)
        edit_action = QAction(self)
        edit_action.setShortcut(EDIT_KEYS)
        edit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        edit_action.triggered.connect(self.edit_assignment)
        self.addAction(edit_action)
        self.heading = QLabel(self.tr("Choose an assignment."), self)
        self.heading.setWordWrap(True)
        self.sections = QTabWidget(self)
        self.brief = QTextBrowser(self)
        self.sections.addTab(self.brief, self.tr("Brief"))
        self.sections.addTab(self._work_section(), self.tr("My work"))
        self.sections.addTab(self._review_section(), self.tr("Reviews to do"))
        self.sections.addTab(self._feedback_section(), self.tr("Feedback"))
        self.sections.addTab(self._progress_section(), self.tr("Progress"))
        self.sections.addTab(self._assessment_section(), self.tr("Assessment"))

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.edit_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.sections, 1)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._list_query = LiveQuery(self.session, self._fetch_list, self._show_list)
        self._detail_query = LiveQuery(self.session, self._fetch_detail, self._show_detail)
        self.session.file_progress.connect(self._file_moved)
        self.on_roles()
        self._list_query.refresh()

    # -- sections ---------------------------------------------------------------------
    def _work_section(self) -> QWidget:
        page = QWidget(self)
        self.versions = QLabel(page)
        self.versions.setWordWrap(True)
        self.work = WorkEditor(page)
        self.work.setPlaceholderText(
            self.tr("Write your work here (Markdown), or drop or attach a text file")
        )
        self.work.file_dropped.connect(self.attach)
        self.my_files = self._version_files(page)
        self.work.setTabChangesFocus(True)
        self.note = QLineEdit(page)
        self.note.setPlaceholderText(self.tr("What I changed since the version reviewed"))
        self.attach_button = QPushButton(self.tr("Attach a file…"), page)
        self.attach_button.clicked.connect(self.attach)
        self.submit_button = QPushButton(self.tr("Submit"), page)
        self.submit_button.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.versions)
        layout.addWidget(self.my_files)
        layout.addWidget(self.work, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        return page

    def _review_section(self) -> QWidget:
        page = QWidget(self)
        self.tasks = QListWidget(page)
        self.tasks.setWordWrap(True)
        self.tasks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tasks.currentItemChanged.connect(lambda *_: self._task_chosen())
        self.task_text = QTextBrowser(page)
        self.task_files = self._version_files(page)
        self.form_area = QScrollArea(page)
        self.form_area.setWidgetResizable(True)
        self.send_button = QPushButton(self.tr("Send review"), page)
        self.send_button.clicked.connect(self.send_review)
        self.send_button.setEnabled(False)
        right = QWidget(page)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.form_area, 1)
        right_layout.addWidget(self.send_button)
        # The few submissions to review in a short list above; the work and the form
        # side by side below get the width (at 800×600 there is little).
        self.tasks.setMaximumHeight(self.tasks.fontMetrics().height() * 4 + 8)
        split = QSplitter(page)
        split.addWidget(self.task_text)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.review_split = split
        layout = QVBoxLayout(page)
        layout.addWidget(self.tasks)
        layout.addWidget(self.task_files)
        layout.addWidget(split, 1)
        return page

    def _feedback_section(self) -> QWidget:
        page = QWidget(self)
        self.feedback = QTextBrowser(page)
        self.rate_which = QComboBox(page)
        self.helpful = QSpinBox(page)
        self.helpful.setRange(1, 5)
        self.helpful.setValue(4)
        self.helpful.setPrefix(self.tr("Helpful: "))
        self.helpful.setSuffix(self.tr(" of 5"))
        self.rate_button = QPushButton(self.tr("Rate"), page)
        self.rate_button.clicked.connect(self.rate)
        row = QHBoxLayout()
        row.addWidget(self.rate_which, 1)
        row.addWidget(self.helpful)
        row.addWidget(self.rate_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.feedback, 1)
        layout.addLayout(row)
        return page

    def _progress_section(self) -> QWidget:
        page = QWidget(self)
        self.board = self._tree(
            [self.tr("Student"), self.tr("Version"), self.tr("Reviews received"), self.tr("Reviews written")]
        )
        self.next_button = QPushButton(self.tr("Open the next phase…"), page)
        self.next_button.clicked.connect(self.open_next_phase)
        self.reallocate_button = QPushButton(self.tr("Change reviewers…"), page)
        self.reallocate_button.clicked.connect(self.change_reviewers)
        row = QHBoxLayout()
        row.addWidget(self.reallocate_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.board, 1)
        layout.addLayout(row)
        return page

    def _assessment_section(self) -> QWidget:
        page = QWidget(self)
        self.gradebook = self._tree(
            [self.tr("Student"), self.tr("Versions"), self.tr("Peer score"), self.tr("Reviewing"),
             self.tr("Suggested"), self.tr("Grade"), self.tr("Comment")]
        )  # fmt: skip
        self.assess_button = QPushButton(self.tr("Assess…"), page)
        self.assess_button.clicked.connect(self.assess)
        self.export_button = QPushButton(self.tr("Export CSV…"), page)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.gradebook.currentItemChanged.connect(lambda *_: self._show_reviews_of())
        self.reviews_of = QTextBrowser(page)
        self.work_files = self._version_files(page)
        row = QHBoxLayout()
        row.addWidget(self.assess_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.gradebook, 1)
        layout.addWidget(self.reviews_of, 1)
        layout.addWidget(self.work_files)
        layout.addLayout(row)
        return page

    def _version_files(self, parent: QWidget) -> QtVersionFiles:
        return QtVersionFiles(self.session, parent)

    def _file_moved(self, progress: FileProgress) -> None:
        """A file of a version read here has arrived: read again (it may be opened now), even
        if it arrived while no version showing it was on screen."""
        if progress.state != "arrived" or progress.space != self.circle.space.hex() or self.shown is None:
            return
        shown = self.shown
        versions = [v.files for v in shown.versions] + [t.files for t in shown.tasks]
        versions += [w.files for w in shown.works]
        if any(file.blob == progress.blob for files in versions for file in files):
            self._detail_query.refresh()

    def _tree(self, columns: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setRootIsDecorated(False)
        tree.setHeaderLabels(columns)
        tree.setAllColumnsShowFocus(True)
        return tree

    # -- roles and refreshes ----------------------------------------------------------
    @property
    def teacher(self) -> bool:
        return self.circle.level >= Level.TEACHER

    def on_roles(self) -> None:
        teacher = self.teacher
        self.new_button.setVisible(teacher)
        self.edit_button.setVisible(teacher)
        for index, for_teachers in ((1, False), (2, False), (3, False), (4, True), (5, True)):
            self.sections.setTabVisible(index, for_teachers == teacher)
        self._detail_query.refresh()

    def on_touched(self) -> None:
        self._list_query.refresh()
        self._detail_query.refresh()

    async def _fetch_list(self) -> list[AssignmentSummary]:
        from app.services import assignments

        return await assignments.listing(self.session.commands, self.circle.space)

    def _show_list(self, rows: list[AssignmentSummary]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.title} — {phase_name(row.phase, row.round)}")
            item.setData(ID, row.assignment_id)
            self.list.addItem(item)
            if row.assignment_id == self.selected_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.selected_id is None and rows:
            self.list.setCurrentRow(0)
        elif self.shown is None or self.shown.detail.assignment_id != self.selected_id:
            self._detail_query.refresh()  # chosen before it was listed (just set, or from the desk)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        self.selected_id = item.data(ID) if item is not None else None
        self._detail_query.refresh()

    def show_assignment(self, assignment_id: str) -> None:
        """Select an assignment (from the desk or a notification)."""
        self.selected_id = assignment_id
        for i in range(self.list.count()):
            if self.list.item(i).data(ID) == assignment_id:
                self.list.setCurrentRow(i)
        self._detail_query.refresh()

    @property
    def found(self) -> Any:
        from app.services.assignments import FoundAssignment

        assert self.selected_id is not None
        return FoundAssignment(self.circle.space, OpId(bytes.fromhex(self.selected_id)))

    async def _fetch_detail(self) -> Shown | None:
        if self.selected_id is None:
            return None
        from app.services import assessment_board, assignments, my_work, submission_files

        commands, found = self.session.commands, self.found
        detail = await assignments.detail(commands, found)
        teacher = self.teacher
        return Shown(
            detail,
            () if teacher else await my_work.versions(commands, found),
            () if teacher else tuple(await assignments.review_tasks(commands, found)),
            () if teacher else tuple(await assignments.received(commands, found)),
            tuple(await assignments.gradebook(commands, found)),
            await assessment_board.board(commands, found) if teacher else None,
            await assessment_board.written_reviews(commands, found) if teacher else (),
            () if teacher else tuple(await assignments.calibration(commands, found)),
            await submission_files.latest_of_each(commands, found) if teacher else (),
        )

    def _show_detail(self, shown: Shown | None) -> None:
        self.shown = shown
        self.edit_button.setEnabled(shown is not None and shown.detail.phase != "closed")
        if shown is None:
            return
        d = shown.detail
        phase = phase_name(d.phase, d.round)
        self.heading.setText(
            self.tr("<b>{title}</b> — {phase}; {n} submitted").format(
                title=d.title, phase=phase, n=d.submissions
            )
        )
        rubric = "\n".join(
            f"- **{c.name}** ({' / '.join(c.levels) if c.levels else f'0–{c.max}'}): {c.description}"
            for c in d.criteria
        )
        self.brief.setMarkdown(f"{d.brief}\n\n### Rubric\n\n{rubric}\n")
        if self.teacher:
            self._show_board(shown)
            self._show_grades(shown.grades)
            self._show_reviews_of()
        else:
            self._show_work(shown)
            self._show_tasks(shown.tasks)
            self._show_feedback(shown)

    # -- student: my work ---------------------------------------------------------------
    def _show_work(self, shown: Shown) -> None:
        phase = shown.detail.phase
        open_ = phase == "submission" or phase == "revision"
        if shown.versions:
            listed = "; ".join(
                f"{version_label(v.version)} ({v.created[:16].replace('T', ' ')})"
                + (f": {v.note}" if v.note else "")
                for v in shown.versions
            )
            self.versions.setText(self.tr("Submitted: {listed}").format(listed=listed))
            if not self.work.toPlainText():
                self.work.setPlainText(shown.versions[-1].text)
            latest = shown.versions[-1]
            self.my_files.show_version(self.circle.space, latest.version, latest.files)
        else:
            self.versions.setText(self.tr("Nothing submitted yet."))
            self.my_files.clear()
        self.note.setVisible(phase == "revision")
        self.submit_button.setEnabled(open_)
        self.submit_button.setText(self.tr("Submit a new version") if shown.versions else self.tr("Submit"))
        if not open_:
            self.versions.setText(
                self.versions.text()
                + " "
                + self.tr("(Submitting is closed in the {phase} phase.)").format(phase=phase_word(phase))
            )

    def attach(self, path: str | None = None) -> None:
        """Take a text file's content as the work (a dialog asks which, unless given)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if not path:
            return
        try:
            self.work.setPlainText(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            self.session.runtime.failed.emit(
                self.tr("Cannot read {path}: {error}").format(path=path, error=error)
            )

    def submit(self) -> None:
        from app.services import assignments

        commands, found = self.session.commands, self.found
        text, note = self.work.toPlainText(), self.note.text()

        def done(_: object) -> None:
            self.note.clear()
            self._detail_query.refresh()

        self.session.run(lambda: assignments.submit(commands, found, text, note), done)

    # -- student: reviews to do ---------------------------------------------------------
    def _show_tasks(self, tasks: tuple[ReviewTask, ...]) -> None:
        current = self.tasks.currentItem()
        kept = current.data(ID) if current is not None else None
        self.tasks.blockSignals(True)
        self.tasks.clear()
        for n, task in enumerate(tasks, 1):
            status = self.tr("done") if task.status == "done" else self.tr("to do")
            label = self.tr("Submission {n} (version {v}) — {status}").format(
                n=n, v=task.version, status=status
            )
            item = QListWidgetItem(label)
            item.setData(ID, task.submission_id)
            self.tasks.addItem(item)
            if task.submission_id == kept:
                self.tasks.setCurrentItem(item)
        self.tasks.blockSignals(False)
        if self.tasks.currentItem() is None and tasks:
            self.tasks.setCurrentRow(0)
        elif not tasks:
            self.task_text.setPlainText(self.tr("No reviews to do now."))
            self.task_files.clear()
            self.send_button.setEnabled(False)
        else:
            self._task_chosen()

    def current_task(self) -> ReviewTask | None:
        item = self.tasks.currentItem()
        if item is None or self.shown is None:
            return None
        return next((t for t in self.shown.tasks if t.submission_id == item.data(ID)), None)

    def _task_chosen(self) -> None:
        task = self.current_task()
        if task is None or self.shown is None:
            return
        self.task_files.show_version(self.circle.space, task.version, task.files)
        if task.diff:
            self.task_text.setMarkdown(
                "**"
                + self.tr("Changed since version {n}, which you reviewed").format(n=task.previous_version)
                + "**"
                + (self.tr(" — the author's note: *{note}*").format(note=task.note) if task.note else "")
                + f"\n\n```diff\n{_diff_in_words(task)}```\n\n**"
                + self.tr("Version {n}").format(n=task.version)
                + f"**\n\n{task.text}"
            )
        else:
            self.task_text.setMarkdown(task.text)
        _wrap_code_blocks(self.task_text)
        key = (task.submission_id, task.version)
        if self.form is None or self.form.property("task") != key:
            form = RubricForm(self.shown.detail.criteria, self.form_area)
            form.setProperty("task", key)
            if key in self.drafts:
                form.restore(self.drafts[key])
            form.edited.connect(lambda: self.drafts.__setitem__(key, form.draft()))
            self.form_area.setWidget(form)
            self.form = form
        self.send_button.setEnabled(True)
        self.send_button.setText(
            self.tr("Send again (replaces)") if task.status == "done" else self.tr("Send review")
        )

    def send_review(self) -> None:
        from app.services import assignments

        task, form = self.current_task(), self.form
        if task is None or form is None or self.shown is None:
            return
        scores, comment, notes = form.values()
        key = (task.submission_id, task.version)
        commands = self.session.commands

        def sent(_: object) -> None:
            self.drafts.pop(key, None)  # kept until sent
            self._detail_query.refresh()

        self.session.run(
            lambda: assignments.write_review(commands, task.submission_id, scores, comment, notes), sent
        )

    # -- student: feedback ----------------------------------------------------------------
    def _show_feedback(self, shown: Shown) -> None:
        parts = []
        self.rate_which.clear()
        for round_ in sorted({r.round for r in shown.received}):
            parts.append("## " + self.tr("Round {n}").format(n=round_))
            for n, review in enumerate((r for r in shown.received if r.round == round_), 1):
                label = reviewer_label(n, round_)
                self.rate_which.addItem(label, review.review_id)
                lines = ["### " + self.tr("{label} (on version {n})").format(label=label, n=review.version)]
                for criterion in shown.detail.criteria:
                    score = review.scores.get(criterion.name)
                    shown_score = (
                        criterion.levels[score]
                        if criterion.levels and score is not None
                        else f"{score}/{criterion.max}"
                    )
                    note = review.notes.get(criterion.name, "")
                    lines.append(f"- **{criterion.name}**: {shown_score}" + (f" — {note}" if note else ""))
                if review.comment:
                    lines.append(f"\n{review.comment}")
                if review.helpful:
                    lines.append("\n*" + self.tr("You rated it {n} of 5.").format(n=review.helpful) + "*")
                parts.append("\n".join(lines))
        if shown.calibration:
            parts.append("## " + self.tr("Your scores beside the other reviewers' (after each round)"))
            for n, row in enumerate(shown.calibration, 1):

                def said(scores: dict[str, int]) -> str:
                    return ", ".join(f"{name} {value}" for name, value in scores.items())

                if row.others:
                    line = self.tr("Round {round}, work {n}: you gave {mine}; the others gave {others}")
                    others = "; ".join(said(o) for o in row.others)
                else:
                    line = self.tr("Round {round}, work {n}: you gave {mine}; no one else reviewed it")
                    others = ""
                parts.append("- " + line.format(round=row.round, n=n, mine=said(row.mine), others=others))
        mine = next((g for g in shown.grades if g.grade is not None), None)
        if mine is not None:
            parts.insert(0, f"## Your grade: {mine.grade}\n\n{mine.comment}")
        self.feedback.setMarkdown("\n\n".join(parts) or self.tr("No feedback yet."))
        self.rate_button.setEnabled(self.rate_which.count() > 0)

    def rate(self) -> None:
        from app.services import assignments

        review = self.rate_which.currentData()
        if review is None:
            return
        commands, helpful = self.session.commands, self.helpful.value()
        self.session.run(lambda: assignments.rate(commands, review, helpful, "", False), None)

    # -- teacher ------------------------------------------------------------------------
    def new_assignment(self) -> None:
        from ui.assignment_dialogs import AssignmentDialog

        dialog = AssignmentDialog(self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._create(dialog))
        dialog.open()

    def edit_assignment(self) -> None:
        """The chosen assignment's dialog, filled in (teachers; not once it is closed)."""
        from ui.assignment_dialogs import AssignmentDialog

        if not self.teacher or self.shown is None or self.shown.detail.phase == "closed":
            return
        dialog = AssignmentDialog(self, self.shown.detail)
        self.dialog = dialog
        dialog.wanted.connect(lambda: self._save(dialog))
        dialog.open()

    def _save(self, dialog: Any) -> None:
        from app.services import assignments

        commands, found = self.session.commands, self.found
        title, brief, criteria = dialog.title.text(), dialog.brief.toPlainText(), dialog.changed_criteria()
        fixed = not dialog.reviewers.isEnabled()  # reviewing has started: leave them as they are
        reviewers = None if fixed else dialog.reviewers.value()
        rounds = None if fixed else dialog.rounds.value()
        due = dialog.due_dates()

        def saved(_: object) -> None:
            dialog.accept()
            self.on_touched()

        self.session.run(
            lambda: assignments.edit(
                commands,
                found,
                title=title,
                brief=brief,
                criteria=criteria,
                reviewers=reviewers,
                rounds=rounds,
                due=due,
            ),
            saved,
            dialog.refused,
        )

    def _create(self, dialog: Any) -> None:
        from app.services import assignments

        commands, space = self.session.commands, self.circle.space
        title, brief, criteria = dialog.title.text(), dialog.brief.toPlainText(), dialog.criteria()
        reviewers, rounds, due = dialog.reviewers.value(), dialog.rounds.value(), dialog.due_dates()

        def made(op_id: OpId) -> None:
            self.selected_id = op_id.hex()
            self._list_query.refresh()

        self.session.run(
            lambda: assignments.create(
                commands,
                space,
                title=title,
                brief=brief,
                criteria=criteria,
                reviewers=reviewers,
                rounds=rounds,
                due=due,
            ),
            made,
        )

    def _show_board(self, shown: Shown) -> None:
        board = shown.board
        self.board.clear()
        if board is None:
            return
        not_submitted = self.tr("not submitted")
        items = [
            QTreeWidgetItem(
                [
                    row.name,
                    str(row.version) if row.version else not_submitted,
                    of(row.received, row.expected) if row.expected else "—",
                    of(row.given, row.owed) if row.owed else "—",
                ]
            )
            for row in board.rows
        ]
        self.board.addTopLevelItems(items)
        _size_once(self.board, items)
        upcoming = board.next_phase
        self.reallocate_button.setEnabled(board.phase == "review")
        self.next_button.setEnabled(upcoming is not None)
        self.next_button.setText(
            self.tr("Open {phase}…").format(phase=phase_word(upcoming))
            if upcoming
            else self.tr("The assignment is closed")
        )

    def consequence(self) -> str:
        from ui.assessment_words import consequence

        assert self.shown is not None and self.shown.board is not None
        return consequence(self.shown.board)

    def open_next_phase(self) -> None:
        if self.shown is None or self.shown.board is None or self.shown.board.next_phase is None:
            return
        upcoming = self.shown.board.next_phase
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Open {phase}?").format(phase=phase_word(upcoming)))
        box.setText(self.consequence())
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        word = phase_word(upcoming)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Open {phase}").format(phase=word))
        box.accepted.connect(lambda: self._open_phase(upcoming))
        self.dialog = box
        box.open()

    def _open_phase(self, phase: str) -> None:
        from app.services import assignments

        commands, found = self.session.commands, self.found
        self.session.run(
            lambda: assignments.open_phase(commands, found, phase), lambda _: self._detail_query.refresh()
        )

    def _show_grades(self, grades: tuple[GradeEntry, ...]) -> None:
        current = self.gradebook.currentItem()
        kept = current.data(0, ID) if current is not None else None
        self.gradebook.clear()
        items = []
        for row in grades:
            item = QTreeWidgetItem(
                [row.name, str(row.versions), _score(row.peer), _score(row.reviewing), _score(row.suggested),
                 "—" if row.grade is None else str(row.grade), row.comment]
            )  # fmt: skip
            item.setData(0, ID, row.submission_id)
            items.append(item)
        self.gradebook.addTopLevelItems(items)  # at once: a class of 300 added row by row took ~20 ms
        for item in items:
            if item.data(0, ID) == kept:
                self.gradebook.setCurrentItem(item)
        _size_once(self.gradebook, items)

    def _show_reviews_of(self) -> None:
        """The selected student's work: the suggested grade's parts and every review of it,
        with its writer (teachers only ever see this)."""
        item = self.gradebook.currentItem()
        if item is None or self.shown is None:
            self.reviews_of.setMarkdown(self.tr("Select a student to see the reviews of their work."))
            self.work_files.clear()
            return
        entry = next((g for g in self.shown.grades if g.submission_id == item.data(0, ID)), None)
        if entry is None:
            self.work_files.clear()
            return
        work = next((w for w in self.shown.works if w.submission_id == entry.submission_id), None)
        if work is None:
            self.work_files.clear()
        else:
            self.work_files.show_version(self.circle.space, work.version, work.files)
        suggested = _score(entry.suggested)
        parts = [
            "## " + self.tr("{name}: suggested {grade}").format(name=entry.name, grade=suggested),
            self.tr(
                "Peer score {peer} (the reviewers' per-criterion medians, weighted);"
                " reviewing grade {reviewing}; peer weight {weight}%."
            ).format(
                peer=_score(entry.peer),
                reviewing=_score(entry.reviewing),
                weight=self.shown.detail.peer_weight,
            ),
        ]
        for review in (r for r in self.shown.written if r.submission_id == entry.submission_id):
            scores = ", ".join(f"{name} {value}" for name, value in review.scores.items())
            notes = "; ".join(f"{name}: {text}" for name, text in review.notes.items())
            rated = self.tr(" — rated {n}/5").format(n=review.helpful) if review.helpful else ""
            flagged = " — **" + self.tr("flagged by the author") + "**" if review.flagged else ""
            by = self.tr("Round {n}, by {writer}").format(n=review.round, writer=review.writer)
            head = f"**{by}**"
            head += " (" + version_label(review.version) + ")"
            parts.append(
                f"{head}: {scores}{rated}{flagged}"
                + (f"\n\n{notes}" if notes else "")
                + (f"\n\n{review.comment}" if review.comment else "")
            )
        self.reviews_of.setMarkdown("\n\n".join(parts))

    def change_reviewers(self) -> None:
        from ui.assignment_dialogs import ReallocateDialog

        if self.shown is None or self.shown.board is None:
            return
        rows = self.shown.board.rows
        works = [(r.name, r.submission_id) for r in rows if r.submission_id]
        people = [(r.name, r.person) for r in rows if r.submission_id]  # a reviewer key comes with submitting
        dialog = ReallocateDialog(works, people, self)
        self.dialog = dialog
        dialog.accepted.connect(
            lambda: self._reallocate(dialog.work.currentData(), dialog.reviewer.currentData(), dialog.add)
        )
        dialog.open()

    def _reallocate(self, submission: str, reviewer: str, add: bool) -> None:
        from app.services import assessment_board

        commands, found = self.session.commands, self.found
        self.session.run(
            lambda: assessment_board.reallocate(commands, found, submission, reviewer, add=add),
            lambda _: self._detail_query.refresh(),
        )

    def assess(self) -> None:
        from ui.assignment_dialogs import AssessDialog

        item = self.gradebook.currentItem()
        if item is None or self.shown is None:
            return
        entry = next(g for g in self.shown.grades if g.submission_id == item.data(0, ID))
        dialog = AssessDialog(entry.name, entry.suggested, self)
        self.dialog = dialog
        dialog.accepted.connect(
            lambda: self._assess(entry.submission_id, dialog.grade.value(), dialog.comment)
        )
        dialog.open()

    def _assess(self, submission: str, grade: int, comment: QPlainTextEdit) -> None:
        from app.services import assignments

        commands, text = self.session.commands, comment.toPlainText()
        self.session.run(
            lambda: assignments.assess(commands, submission, grade, text),
            lambda _: self._detail_query.refresh(),
        )

    def export_csv(self, path: str | None = None) -> None:
        from app.services import assignments

        if self.shown is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the gradebook"), f"{self.shown.detail.title}.csv", "CSV (*.csv)"
            )
        if not path:
            return
        try:
            Path(path).write_text(assignments.gradebook_csv(list(self.shown.grades)), encoding="utf-8")
        except OSError as error:
            self.session.runtime.failed.emit(
                self.tr("Cannot write {path}: {error}").format(path=path, error=error)
            )
