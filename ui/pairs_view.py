"""My coaching pairs (the Coaching page's first tab): the pairs on the left; for the one
chosen, its current cycle — goals with who has agreed to each, the observations with
their feedback thread, the reflections — the next step for me as one button ("Agree to
the goals", "Record an observation", "Respond to feedback", "Write your reflection",
"Close the cycle"), the other actions, and the history of cycles and goals met. Ending
the pair asks first.

Re-read live when a change arrives in one of my pairs (or a pair is joined). Work runs
through `app.services.coaching` on the core thread; a refusal is said on the page's
problem line. Owns `QtPairs` and `next_step`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import coaching
from app.services.rows import CoachCycle, PairSummary
from sync.changes import MEMBER_KINDS, Changes
from sync.ids import SpaceId
from sync.op import GENESIS_KIND
from ui.coach_dialogs import (
    CloseDialog,
    CycleDialog,
    EndPairDialog,
    GoalDialog,
    ObservationDialog,
    ShareDialog,
    TextDialog,
)
from ui.empty_state import EmptyHint
from ui.flow_layout import FlowLayout
from ui.live import LiveQuery
from ui.session import Session
from ui.wording import Context, plural

ID = Qt.ItemDataRole.UserRole
PairSteps = Context("PairSteps")

# The next step, by key: what the button says.
STEP_WORDS = {
    "open": PairSteps.tr("Open a cycle"),
    "goal": PairSteps.tr("Set a goal"),
    "agree": PairSteps.tr("Agree to the goals"),
    "wait-agree": PairSteps.tr("Waiting for both to agree to the goals"),
    "observe": PairSteps.tr("Record an observation"),
    "wait-observe": PairSteps.tr("Waiting for the observation"),
    "respond": PairSteps.tr("Respond to feedback"),
    "reflect": PairSteps.tr("Write your reflection"),
    "close": PairSteps.tr("Close the cycle"),
    "accept": PairSteps.tr("Waiting for the other person to accept"),
    "ended": PairSteps.tr("This pair has ended"),
}


def next_step(pair: PairSummary, cycles: list[CoachCycle], me: str) -> str:
    """What I do next in `pair` (a key of STEP_WORDS), `me` being my name in it."""
    if pair.ended:
        return "ended"
    if not pair.formed:
        return "accept"
    current = cycles[-1] if cycles else None
    if current is None or current.closed:
        return "open"
    if not current.goals:
        return "goal"
    if not all(g.agreed for g in current.goals):
        return "agree" if any(me not in g.agreed_by for g in current.goals) else "wait-agree"
    if not current.observations:
        return "wait-observe" if current.observed == me else "observe"
    answered = any(f.author_name == me for o in current.observations for f in o.feedback)
    if current.observed == me and not answered:
        return "respond"
    if not any(who == me for who, _ in current.reflections):
        return "reflect"
    return "close"


class QtPairs(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summaries: list[PairSummary] = []
        self.cycles: list[CoachCycle] = []
        self.pair: SpaceId | None = None
        self.step = ""
        self.dialog: Any = None  # the form open, if any (tests fill it)

        self.list = QListWidget(self)
        self.list.setObjectName("pairs")
        self.list.currentItemChanged.connect(self._chosen)
        self.empty = EmptyHint(
            self.list,
            self.tr("No pairs yet — find a coach in the next tab (Ctrl+Shift+K, then Find a coach)."),
            loaded=self._loaded,
        )
        self.heading = QLabel(self.tr("Choose a pair."), self)
        self.heading.setWordWrap(True)
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("next-step")
        self.next_button.clicked.connect(self.do_next)
        self.next_button.hide()
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.said = QLabel(self)  # what the last share did
        self.said.setObjectName("said")
        self.said.setWordWrap(True)
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.said.hide()
        self.cycle_box = QComboBox(self)
        self.cycle_box.currentIndexChanged.connect(lambda _: self._show_cycle())
        self.goals = self._table([self.tr("Goal"), self.tr("Success looks like"), self.tr("Agreed by")])
        self.history = self._table([self.tr("Cycle"), self.tr("Observed"), self.tr("Goals met"),
                                    self.tr("Next goals")])  # fmt: skip
        self.feedback = self._table([self.tr("Who"), self.tr("Observation and feedback")])
        self.feedback.setRootIsDecorated(True)
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(140)
        self.goals.setMaximumHeight(110)
        self.history.setMinimumHeight(110)
        columns = ((self.goals, (260, 220)), (self.feedback, (90,)), (self.history, (180, 90, 220)))
        for table, widths in columns:
            for column, width in enumerate(widths):
                table.setColumnWidth(column, width)
        self.reflections = QLabel(self)
        self.reflections.setWordWrap(True)
        self.reflections.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        buttons = FlowLayout()
        for key, label, handler in (
            ("open", self.tr("Ne&w cycle…"), self.open_cycle),
            ("goal", self.tr("Add &goal…"), self.add_goal),
            ("edit", self.tr("Ed&it goal…"), self.edit_goal),
            ("agree", self.tr("&Agree to goals"), self.agree),
            ("observe", self.tr("Record an &observation…"), self.observe),
            ("respond", self.tr("&Respond…"), self.respond),
            ("reflect", self.tr("Write your reflec&tion…"), self.reflect),
            ("close", self.tr("C&lose the cycle…"), self.close_cycle),
            ("share", self.tr("S&hare with the circle…"), self.share),
            ("end", self.tr("End the pair…"), self.end_pair),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(handler)
            self.buttons[key] = button
            buttons.addWidget(button)

        detail = QWidget(self)
        layout = QVBoxLayout(detail)
        layout.addWidget(self.heading)
        layout.addWidget(self.next_button)
        layout.addWidget(self.problem)
        layout.addWidget(self.said)
        for label, widget in (
            (self.tr("C&ycle"), self.cycle_box),
            (self.tr("Goals"), self.goals),
            (self.tr("Observations and feedback"), self.feedback),
            (self.tr("Reflections"), self.reflections),
        ):
            title = QLabel(f"<b>{label}</b>", detail)
            title.setBuddy(widget)
            layout.addWidget(title)
            layout.addWidget(widget)
        layout.addLayout(buttons)
        title = QLabel("<b>" + self.tr("History: cycles and goals met") + "</b>", detail)
        title.setBuddy(self.history)
        layout.addWidget(title)
        layout.addWidget(self.history)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(detail)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 600])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)
        self._enable()

        self.query = LiveQuery(session, lambda: coaching.pairs(session.commands), self._show_pairs)
        self.cycles_query = LiveQuery(session, self._fetch_cycles, self._show_cycles)
        session.changed.connect(self._on_changes)
        self.query.refresh()

    def _loaded(self) -> bool:
        return self.query.runs > 0

    def _table(self, columns: list[str]) -> QTreeWidget:
        table = QTreeWidget(self)
        table.setRootIsDecorated(False)
        table.setHeaderLabels(columns)
        table.setAllColumnsShowFocus(True)
        table.setMinimumHeight(80)
        return table

    # -- reading ----------------------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        if any(changes.space.hex() == s.pair for s in self.summaries):
            self.query.refresh()
            if changes.space == self.pair:
                self.cycles_query.refresh()
        elif changes.touches(MEMBER_KINDS | {GENESIS_KIND}):  # a pair made or joined, perhaps
            self.query.refresh()

    def _show_pairs(self, rows: list[PairSummary]) -> None:
        self.summaries = rows
        kept = self.pair.hex() if self.pair is not None else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            state = self.tr("ended") if row.ended else self.tr("formed") if row.formed else self.tr("waiting")
            others = " & ".join(row.people) or row.name
            cycles = plural(self.tr("%n cycle(s)", "", row.cycles), row.cycles)
            item = QListWidgetItem(f"{others}\n{state} · {cycles}")
            item.setData(ID, row.pair)
            self.list.addItem(item)
            if row.pair == kept:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        elif self.pair is not None:
            self.cycles_query.refresh()

    def _chosen(self, item: QListWidgetItem | None) -> None:
        self.pair = SpaceId(bytes.fromhex(item.data(ID))) if item is not None else None
        self.problem.hide()
        self.said.hide()
        self.cycle_box.blockSignals(True)
        self.cycle_box.clear()  # the new pair's newest cycle is shown first
        self.cycle_box.blockSignals(False)
        self.cycles_query.refresh()

    async def _fetch_cycles(self) -> list[CoachCycle]:
        if self.pair is None:
            return []
        return await coaching.show(self.session.commands, self.pair)

    @property
    def summary(self) -> PairSummary | None:
        key = self.pair.hex() if self.pair is not None else None
        return next((s for s in self.summaries if s.pair == key), None)

    @property
    def cycle(self) -> CoachCycle | None:
        """The cycle chosen in the box (the current one by default)."""
        index = self.cycle_box.currentIndex()
        return self.cycles[index] if 0 <= index < len(self.cycles) else None

    def _show_cycles(self, cycles: list[CoachCycle]) -> None:
        self.cycles = cycles
        summary = self.summary
        me = self.session.my_name
        self.cycle_box.blockSignals(True)
        chosen, before = self.cycle_box.currentIndex(), self.cycle_box.count()
        self.cycle_box.clear()
        for number, cycle in enumerate(cycles, 1):
            closed = self.tr(" — closed") if cycle.closed else ""
            self.cycle_box.addItem(
                self.tr("Cycle {n}: {title} (observing {who})").format(n=number, title=cycle.title,
                                                                       who=cycle.observed) + closed
            )  # fmt: skip
        following = chosen == before - 1  # on the newest cycle: stay on the newest
        self.cycle_box.setCurrentIndex(len(cycles) - 1 if following or chosen >= len(cycles) else chosen)
        self.cycle_box.blockSignals(False)
        if summary is None:
            self.heading.setText(self.tr("Choose a pair."))
            self.next_button.hide()
        else:
            closed_count = summary.closed_cycles
            closed_words = plural(self.tr("%n cycle(s) closed", "", closed_count), closed_count)
            heading = "<b>" + escape(" & ".join(summary.people)) + "</b> — " + closed_words
            intent = self.intent_words(summary)
            if intent:
                heading += "<br>" + escape(intent)
            if summary.ended:
                heading += "<br>" + escape(self.ended_words(summary))
            self.heading.setText(heading)
            self.step = next_step(summary, cycles, me)
            self.next_button.setText(STEP_WORDS[self.step])
            self.next_button.setEnabled(self.step in self._doable())
            self.next_button.show()
        self.history.clear()
        for cycle in cycles:
            met = [g.goal for g in cycle.goals if g.id in cycle.met]
            self.history.addTopLevelItem(
                QTreeWidgetItem([cycle.title, cycle.observed, "; ".join(met) if cycle.closed
                                 else self.tr("(open)"), "; ".join(cycle.next)])
            )  # fmt: skip
        self._show_cycle()

    def _show_cycle(self) -> None:
        cycle = self.cycle
        self.goals.clear()
        self.feedback.clear()
        self.reflections.setText("")
        if cycle is not None:
            for goal in cycle.goals:
                agreed = ", ".join(goal.agreed_by) or self.tr("nobody yet")
                if goal.agreed:
                    agreed = self.tr("both: {who}").format(who=agreed)
                item = QTreeWidgetItem([goal.goal, goal.success, agreed])
                item.setData(0, ID, goal.id)
                self.goals.addTopLevelItem(item)
            for obs in cycle.observations:
                text = self.tr("Focus: {focus}\nEvidence: {evidence}")
                text = text.format(focus=obs.focus, evidence=obs.evidence)
                if obs.questions:
                    text += "\n" + self.tr("Questions: {questions}").format(questions=obs.questions)
                top = QTreeWidgetItem([obs.observer, text])
                top.setData(0, ID, obs.id)
                items = {obs.id: top}
                for reply in obs.feedback:
                    child = QTreeWidgetItem([reply.author_name, reply.text])
                    child.setData(0, ID, reply.id)
                    items.get(reply.parent, top).addChild(child)
                    items[reply.id] = child
                self.feedback.addTopLevelItem(top)
            self.feedback.expandAll()
            first = self.feedback.topLevelItem(0)
            if first is not None:
                self.feedback.setCurrentItem(first)
            lines = []
            for reflection in cycle.reflection_threads:  # each with the partner's comments
                lines.append(f"<b>{escape(reflection.author_name)}</b>: {escape(reflection.text)}")
                lines += [
                    f"&nbsp;&nbsp;↳ <i>{escape(c.author_name)}</i>: {escape(c.text)}"
                    for c in reflection.feedback
                ]
            if not cycle.reflection_threads:
                lines = [f"<b>{escape(who)}</b>: {escape(text)}" for who, text in cycle.reflections]
            if cycle.next:
                lines.append(
                    "<b>" + self.tr("Next goals proposed") + "</b>: " + escape("; ".join(cycle.next))
                )
            self.reflections.setText("<br>".join(lines) or self.tr("No reflections yet."))
        self._enable()

    def intent_words(self, summary: PairSummary) -> str:
        """What the pair was proposed as: "Reciprocal: you coach each other (on …)" or
        "Ana asked to be coached on “questioning”"."""
        if summary.mode == "coach-me":
            who = summary.people[0] if summary.people else self.tr("a member")
            return self.tr("{who} asked to be coached on “{topic}”").format(who=who, topic=summary.topic)
        if summary.mode == "reciprocal":
            if summary.topic:
                return self.tr("Reciprocal: you coach each other on “{topic}”").format(topic=summary.topic)
            return self.tr("Reciprocal: you coach each other")
        return summary.topic

    def ended_words(self, summary: PairSummary) -> str:
        """ "Ended by Sue on 2026-12-07: “thank you”" (the date as UTC)."""
        words = self.tr("Ended by {who} on {date}").format(
            who=summary.ended_by or self.tr("a member"), date=summary.ended_at[:10]
        )
        return words + (f": “{summary.end_text}”" if summary.end_text else ".")

    def mine(self) -> list[tuple[str, str, str]]:
        """My own items in the chosen cycle (what I may share): id, what it is, its words."""
        cycle, me = self.cycle, self.session.my_name
        if cycle is None:
            return []
        found = [(g.id, self.tr("Goal"), g.goal) for g in cycle.goals if g.author_name == me]
        found += [(o.id, self.tr("Observation"), f"{o.focus}: {o.evidence}")
                  for o in cycle.observations if o.observer == me]  # fmt: skip
        replies = [f for o in cycle.observations for f in o.feedback]
        replies += [f for r in cycle.reflection_threads for f in r.feedback]
        found += [(f.id, self.tr("Feedback"), f.text) for f in replies if f.author_name == me]
        reflections = cycle.reflection_threads
        found += [(r.id, self.tr("Reflection"), r.text) for r in reflections if r.author_name == me]
        return found

    def _doable(self) -> set[str]:
        summary, cycle = self.summary, self.cycle
        if summary is None or not summary.formed:
            return set()
        if summary.ended:
            return {"share"} if self.mine() else set()
        if cycle is None or cycle.closed:
            return {"open", "end"} | ({"share"} if self.mine() else set())
        me = self.session.my_name
        doable = {"open", "goal", "end", "reflect", "close"}
        if cycle.goals:
            doable.add("edit")
        if any(me not in g.agreed_by for g in cycle.goals):
            doable.add("agree")
        if cycle.observed != me:
            doable.add("observe")
        if cycle.observations:
            doable.add("respond")
        if self.mine():
            doable.add("share")
        return doable

    def _enable(self) -> None:
        doable = self._doable()
        for key, button in self.buttons.items():
            button.setEnabled(key in doable)

    # -- acting -----------------------------------------------------------------------
    def do_next(self) -> None:
        """The next-step button: the form for that step."""
        handler: dict[str, Callable[[], None]] = {
            "open": self.open_cycle, "goal": self.add_goal, "agree": self.agree, "observe": self.observe,
            "respond": self.respond, "reflect": self.reflect, "close": self.close_cycle,
        }  # fmt: skip
        if self.step in handler:
            handler[self.step]()

    def _run(self, work: Callable[[], Awaitable[Any]]) -> None:
        self.problem.hide()

        def done(_: object) -> None:
            self.query.refresh()
            self.cycles_query.refresh()

        self.session.run(work, done, self._problem)

    def _problem(self, message: str) -> None:
        self.problem.setText("⚠ " + " ".join(message.split()))
        self.problem.show()

    def _in_cycle(self, then: Callable[[Any], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        """Work on the cycle chosen: found first (`coaching.find_in_pair`), then `then(found)`."""
        cycle = self.cycle
        assert cycle is not None
        commands = self.session.commands

        async def work() -> Any:
            return await then(await coaching.find_in_pair(commands, cycle.id, "cycle"))

        return work

    def _open(self, dialog: Any, accepted: Callable[[], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(accepted)
        dialog.open()

    def open_cycle(self) -> None:
        summary, pair = self.summary, self.pair
        if summary is None or pair is None:
            return
        last = self.cycles[-1] if self.cycles else None
        proposed = last.next if last is not None and last.closed else ()
        dialog = CycleDialog(summary.people, proposed, self)
        commands = self.session.commands

        async def open_with(observed: str, title: str, carried: tuple[str, ...]) -> None:
            """The cycle, then the goals the last one proposed (if kept): both agree to them."""
            cycle = await coaching.open_cycle(commands, pair, observed, title)
            if carried:
                found = await coaching.find_in_pair(commands, cycle.hex(), "cycle")
                for goal in carried:
                    await coaching.add_goal(commands, found, goal, "")

        def go() -> None:
            observed, title = dialog.values()
            carried = proposed if dialog.carry.isChecked() else ()
            self._run(lambda: open_with(observed, title, carried))

        self._open(dialog, go)

    def add_goal(self) -> None:
        dialog = GoalDialog(parent=self)
        commands = self.session.commands

        def go() -> None:
            goal, success = dialog.values()
            self._run(self._in_cycle(lambda found: coaching.add_goal(commands, found, goal, success)))

        self._open(dialog, go)

    def _goal_chosen(self) -> str | None:
        item = self.goals.currentItem() or self.goals.topLevelItem(0)
        return item.data(0, ID) if item is not None else None

    def edit_goal(self) -> None:
        goal_id, cycle = self._goal_chosen(), self.cycle
        goal = next((g for g in cycle.goals if g.id == goal_id), None) if cycle else None
        if goal is None:
            return
        dialog = GoalDialog(goal.goal, goal.success, self)
        commands = self.session.commands

        async def change(text: str, success: str) -> Any:
            found = await coaching.find_in_pair(commands, goal.id, "goal")
            return await coaching.edit_goal(commands, found, text, success)

        self._open(dialog, lambda: self._run(lambda: change(*dialog.values())))

    def agree(self) -> None:
        """Agree to every goal of the cycle I have not agreed to as it reads now."""
        cycle, me, commands = self.cycle, self.session.my_name, self.session.commands
        if cycle is None:
            return
        waiting = [g.id for g in cycle.goals if me not in g.agreed_by]

        async def work() -> None:
            for goal_id in waiting:
                await coaching.agree(commands, await coaching.find_in_pair(commands, goal_id, "goal"))

        self._run(work)

    def observe(self) -> None:
        cycle = self.cycle
        if cycle is None:
            return
        dialog = ObservationDialog(cycle.goals, self)
        commands = self.session.commands

        def go() -> None:
            focus, evidence, questions = dialog.values()
            self._run(
                self._in_cycle(lambda found: coaching.observe(commands, found, focus, evidence, questions))
            )

        self._open(dialog, go)

    def respond(self) -> None:
        """Reply to the observation or feedback chosen in the thread (else the last one)."""
        item = self.feedback.currentItem()
        if item is None and self.feedback.topLevelItemCount():
            item = self.feedback.topLevelItem(self.feedback.topLevelItemCount() - 1)
        if item is None:
            return
        parent_id = item.data(0, ID)
        dialog = TextDialog(
            self.tr("Respond to feedback"),
            self.tr("Your response to {who}: what you noticed, what you would try.").format(who=item.text(0)),
            self,
        )
        commands = self.session.commands

        async def send(text: str) -> Any:
            parent = await coaching.find_in_pair(commands, parent_id, "feedback-parent")
            return await coaching.feedback(commands, parent, text)

        self._open(dialog, lambda: self._run(lambda: send(dialog.value())))

    def reflect(self) -> None:
        dialog = TextDialog(
            self.tr("Write your reflection"),
            self.tr("What did you learn in this cycle? What will you do next?"),
            self,
        )
        commands = self.session.commands

        def go() -> None:
            text = dialog.value()
            self._run(self._in_cycle(lambda found: coaching.reflect(commands, found, text)))

        self._open(dialog, go)

    def close_cycle(self) -> None:
        cycle = self.cycle
        if cycle is None:
            return
        dialog = CloseDialog(cycle.goals, self)
        commands = self.session.commands

        def go() -> None:
            met, following = dialog.values()
            self._run(self._in_cycle(lambda found: coaching.close_cycle(commands, found, met, following)))

        self._open(dialog, go)

    def share(self) -> None:
        """Share one of my own items with the pair's circle, after saying who will read it."""
        summary = self.summary
        mine = self.mine()
        if summary is None or not mine:
            return
        dialog = ShareDialog(mine, summary.circle_name, self)
        commands = self.session.commands

        async def send(item_id: str) -> Any:
            found = await coaching.find_in_pair(commands, item_id, "shareable")
            return await coaching.share(commands, found)

        def shared(_: object) -> None:
            words = self.tr("Shared with “{circle}” as a thread.")
            self.said.setText(words.format(circle=summary.circle_name))
            self.said.show()

        def go() -> None:
            item_id = dialog.value()
            if item_id is not None:
                self.problem.hide()
                self.session.run(lambda: send(item_id), shared, self._problem)

        self._open(dialog, go)

    def end_pair(self) -> None:
        """End the pair, after asking (with an optional closing word): it cannot be undone;
        both keep the history."""
        pair, summary = self.pair, self.summary
        if pair is None or summary is None:
            return
        commands = self.session.commands
        dialog = EndPairDialog(" & ".join(summary.people), self)
        self._open(dialog, lambda: self._run(lambda: coaching.end(commands, pair, dialog.value())))
