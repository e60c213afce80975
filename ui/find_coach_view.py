"""Find a coach (the Coaching page's second tab): in a circle chosen at the top, my
profile (what I can help with, what I want to work on: tags and a sentence each), the
members' profiles filtered by a tag, and from a member chosen "Coach me on…", "Propose
a reciprocal pair" or "Send a message"; below, the offers made to me (a pair or a
conversation: accept joins it — and for a pair signs the acceptance — or decline), and a
teacher's suggestions naming me (proposing to the other person is how one is taken up:
both still agree; once a pair is offered either way it is no longer listed).

Re-read live when coaching ops or members arrive in the circle, and when offers or
suggestions may have come. Owns `QtFindCoach`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import coaching
from app.services.rows import CoachOffer, CoachProfile, CoachSuggestion
from sync.changes import MEMBER_KINDS, Changes
from sync.ids import SpaceId
from ui.empty_state import EmptyHint
from ui.flow_layout import FlowLayout
from ui.live import LiveQuery
from ui.session import Session

ROW = Qt.ItemDataRole.UserRole
COACH_KINDS = frozenset({"coach.profile", "coach.offer", "coach.decline", "coach.suggest"})


def _tags(text: str) -> list[str]:
    return [tag.strip().lstrip("#") for tag in text.replace(",", " ").split() if tag.strip().lstrip("#")]


def _first(table: QTreeWidget) -> None:
    first = table.topLevelItem(0)
    if first is not None:
        table.setCurrentItem(first)


def _current_text(table: QTreeWidget) -> str:
    item = table.currentItem()
    return item.text(0) if item is not None else ""


class QtFindCoach(QWidget):
    joined = Signal(object, str)  # SpaceId, purpose ("pair" or "direct"): an offer accepted
    proposed = Signal(str)  # purpose: a pair or a conversation proposed (made here, not formed yet)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.circles: list[tuple[SpaceId, str]] = []
        self.profiles: list[CoachProfile] = []
        self.offers: list[CoachOffer] = []
        self.suggestions: list[CoachSuggestion] = []
        self.dialog: Any = None
        self.circles_query = LiveQuery(session, self._fetch_circles, self._show_circles)
        self.members_query = LiveQuery(session, self._fetch_members, self._show_members)
        self.offers_query = LiveQuery(session, self._fetch_offers, self._show_offers)

        self.circle_box = QComboBox(self)
        self.circle_box.currentIndexChanged.connect(lambda _: self.members_query.refresh())
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.said = QLabel(self)
        self.said.setWordWrap(True)

        mine = QGroupBox(self.tr("My profile in this circle"), self)
        self.can_help = QLineEdit(mine)
        self.can_help.setPlaceholderText(self.tr("tags, e.g. questioning, group-work"))
        self.can_help_text = QLineEdit(mine)
        self.can_help_text.setPlaceholderText(self.tr("a sentence"))
        self.wants = QLineEdit(mine)
        self.wants.setPlaceholderText(self.tr("tags, e.g. feedback"))
        self.wants_text = QLineEdit(mine)
        self.wants_text.setPlaceholderText(self.tr("a sentence"))
        self.save = QPushButton(self.tr("&Save my profile"), mine)
        self.save.clicked.connect(self.save_profile)
        form = QFormLayout(mine)
        form.addRow(self.tr("I can help &with"), self.can_help)
        form.addRow("", self.can_help_text)
        form.addRow(self.tr("I want to wor&k on"), self.wants)
        form.addRow("", self.wants_text)
        form.addRow(self.save)

        self.tag = QLineEdit(self)
        self.tag.setPlaceholderText(self.tr("a tag, e.g. questioning (empty: everyone)"))
        self.tag.textChanged.connect(lambda _: self.members_query.refresh())
        self.members = self._table([self.tr("Member"), self.tr("Can help with"), self.tr("Wants to work on")])
        self.members_empty = EmptyHint(
            self.members,
            self.tr("Nobody in this circle has a profile with that yet."),
            loaded=lambda: self.members_query.runs > 0,
        )
        self.coach_me = QPushButton(self.tr("Coach me &on…"), self)
        self.coach_me.clicked.connect(lambda: self.propose(reciprocal=False))
        self.reciprocal = QPushButton(self.tr("Propose a &reciprocal pair"), self)
        self.reciprocal.clicked.connect(lambda: self.propose(reciprocal=True))
        self.message = QPushButton(self.tr("Send a messa&ge…"), self)
        self.message.clicked.connect(self.start_conversation)
        row = FlowLayout()
        for button in (self.coach_me, self.reciprocal, self.message):
            row.addWidget(button)

        self.offer_table = self._table([self.tr("From"), self.tr("Offer")])
        self.offers_empty = EmptyHint(self.offer_table, self.tr("No offers waiting for you."),
                                      loaded=lambda: self.offers_query.runs > 0)  # fmt: skip
        self.accept = QPushButton(self.tr("&Accept"), self)
        self.accept.clicked.connect(self.accept_offer)
        self.decline = QPushButton(self.tr("Dec&line"), self)
        self.decline.clicked.connect(self.decline_offer)
        self.suggestion_table = self._table([self.tr("Suggested by"), self.tr("Pair with"), self.tr("Why")])
        self.take_up = QPushButton(self.tr("Take &up: propose to them"), self)
        self.take_up.clicked.connect(self.take_up_suggestion)

        page = QWidget(self)
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        circle_label = QLabel(self.tr("C&ircle"), page)
        circle_label.setBuddy(self.circle_box)
        top.addWidget(circle_label)
        top.addWidget(self.circle_box, 1)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.said)
        layout.addWidget(mine)
        tag_row = QHBoxLayout()
        tag_label = QLabel(self.tr("Browse by &tag"), page)
        tag_label.setBuddy(self.tag)
        tag_row.addWidget(tag_label)
        tag_row.addWidget(self.tag, 1)
        layout.addLayout(tag_row)
        layout.addWidget(self.members)
        layout.addLayout(row)
        for label, table, buttons in (
            (self.tr("Offers to you"), self.offer_table, (self.accept, self.decline)),
            (self.tr("A teacher suggests"), self.suggestion_table, (self.take_up,)),
        ):
            title = QLabel(f"<b>{label}</b>", page)
            title.setBuddy(table)
            layout.addWidget(title)
            layout.addWidget(table)
            line = QHBoxLayout()
            for button in buttons:
                line.addWidget(button)
            line.addStretch(1)
            layout.addLayout(line)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        session.changed.connect(self._on_changes)
        self.circles_query.refresh()
        self.offers_query.refresh()

    def _table(self, columns: list[str]) -> QTreeWidget:
        table = QTreeWidget(self)
        table.setRootIsDecorated(False)
        table.setHeaderLabels(columns)
        table.setAllColumnsShowFocus(True)
        table.setMinimumHeight(90)
        return table

    # -- reading ----------------------------------------------------------------------
    @property
    def circle(self) -> SpaceId | None:
        index = self.circle_box.currentIndex()
        return self.circles[index][0] if 0 <= index < len(self.circles) else None

    def _on_changes(self, changes: Changes) -> None:
        if changes.space in {space for space, _ in self.circles}:
            if changes.touches(COACH_KINDS):
                self.offers_query.refresh()
                if changes.space == self.circle:
                    self.members_query.refresh()
            if changes.touches(MEMBER_KINDS):
                self.circles_query.refresh()
        elif changes.touches(MEMBER_KINDS):  # a circle joined, or a pair
            self.circles_query.refresh()
            self.offers_query.refresh()

    async def _fetch_circles(self) -> list[tuple[SpaceId, str]]:
        from app.services import membership

        commands = self.session.commands
        private = await coaching.private_spaces(commands)
        current = await membership.current_circles(commands)
        return [(s, name) for s, name in await commands.circles() if s in current and s not in private]

    def _show_circles(self, circles: list[tuple[SpaceId, str]]) -> None:
        kept = self.circle
        if circles == self.circles:
            return
        self.circles = circles
        self.circle_box.blockSignals(True)
        self.circle_box.clear()
        self.circle_box.addItems([name for _, name in circles])
        known = [space for space, _ in circles]
        self.circle_box.setCurrentIndex(known.index(kept) if kept in known else 0 if circles else -1)
        self.circle_box.blockSignals(False)
        self.members_query.refresh()

    def choose_circle(self, space: SpaceId) -> None:
        """Browse `space` (once it is listed)."""
        known = [known for known, _ in self.circles]
        if space in known:
            self.circle_box.setCurrentIndex(known.index(space))

    async def _fetch_members(self) -> list[CoachProfile]:
        circle = self.circle
        if circle is None:
            return []
        return await coaching.find(self.session.commands, circle, self.tag.text().strip() or None)

    def _show_members(self, profiles: list[CoachProfile]) -> None:
        self.profiles = profiles
        me = self.session.commands.replica.key.device_id
        kept = self._chosen_device()
        self.members.clear()
        for p in profiles:
            if p.device == me:
                self._fill_mine(p)
                continue
            item = QTreeWidgetItem([p.name, ", ".join(p.can_help), ", ".join(p.wants)])
            item.setToolTip(1, p.can_help_text)
            item.setToolTip(2, p.wants_text)
            item.setData(0, ROW, p.device.hex())
            self.members.addTopLevelItem(item)
            if p.device.hex() == kept:
                self.members.setCurrentItem(item)
        if self.members.currentItem() is None:
            _first(self.members)

    def _fill_mine(self, profile: CoachProfile) -> None:
        """My saved profile, into the fields I am not editing."""
        for line, value in (
            (self.can_help, ", ".join(profile.can_help)), (self.can_help_text, profile.can_help_text),
            (self.wants, ", ".join(profile.wants)), (self.wants_text, profile.wants_text),
        ):  # fmt: skip
            if not line.hasFocus() and not line.isModified():
                line.setText(value)

    async def _fetch_offers(self) -> tuple[list[CoachOffer], list[CoachSuggestion]]:
        commands = self.session.commands
        return await coaching.offers_to_me(commands), await coaching.suggestions_to_me(commands)

    def _show_offers(self, found: tuple[list[CoachOffer], list[CoachSuggestion]]) -> None:
        self.offers, self.suggestions = found
        self.offer_table.clear()
        for offer in self.offers:
            what = self.tr("a coaching pair") if offer.purpose == "pair" else self.tr("a conversation")
            item = QTreeWidgetItem([offer.from_name, what])
            item.setData(0, ROW, offer.id)
            self.offer_table.addTopLevelItem(item)
        _first(self.offer_table)
        self.suggestion_table.clear()
        for suggestion in self.suggestions:
            item = QTreeWidgetItem([suggestion.by_name, suggestion.other_name, suggestion.text])
            item.setData(0, ROW, suggestion.id)
            self.suggestion_table.addTopLevelItem(item)
        _first(self.suggestion_table)

    # -- acting -----------------------------------------------------------------------
    def _run(
        self, work: Callable[[], Awaitable[Any]], said: str, then: Callable[[Any], None] | None = None
    ) -> None:
        self.problem.hide()

        def done(value: Any) -> None:
            self.said.setText(said)
            self.members_query.refresh()
            self.offers_query.refresh()
            if then is not None:
                then(value)

        self.session.run(work, done, self._problem)

    def _problem(self, message: str) -> None:
        self.problem.setText("⚠ " + " ".join(message.split()))
        self.problem.show()

    def save_profile(self) -> None:
        circle = self.circle
        if circle is None:
            return
        commands = self.session.commands
        can_help, can_help_text = _tags(self.can_help.text()), self.can_help_text.text()
        wants, wants_text = _tags(self.wants.text()), self.wants_text.text()
        for line in (self.can_help, self.can_help_text, self.wants, self.wants_text):
            line.setModified(False)
        self._run(
            lambda: coaching.set_profile(commands, circle, can_help=can_help, can_help_text=can_help_text,
                                         wants=wants, wants_text=wants_text),
            self.tr("Profile saved: your circle can find you by these tags."),
        )  # fmt: skip

    def _chosen_device(self) -> str | None:
        item = self.members.currentItem()
        return item.data(0, ROW) if item is not None else None

    def _addresses(self) -> list[str]:
        """Where the other person fetches the new space from: this device's addresses."""
        core = self.session.core
        return [a for a in core.host.listen_addrs() if "/ip4/0.0.0.0/" not in a] if core is not None else []

    def propose(self, *, reciprocal: bool) -> None:
        """Coach me on a topic (asked, the tag browsed by default), or a reciprocal pair."""
        circle, device = self.circle, self._chosen_device()
        if circle is None or device is None:
            return self._problem(self.tr("Choose a member first."))
        name = _current_text(self.members)
        commands, addresses = self.session.commands, self._addresses()
        said = self.tr("Offered to {name}: the pair forms when they accept.").format(name=name)

        def offer(topic: str) -> None:
            mode = "reciprocal" if reciprocal else "coach-me"
            self._run(
                lambda: coaching.propose(
                    commands, circle, device, topic=topic, mode=mode, addresses=addresses
                ),
                said,
                lambda _: self.proposed.emit("pair"),
            )

        if reciprocal:
            offer("")
            return None
        from ui.dialogs import LineDialog

        dialog = self.dialog = LineDialog(
            self.tr("Coach me on…"), self.tr("Topic"), self.tr("e.g. questioning"), self
        )
        dialog.line.setText(self.tag.text().strip())
        dialog.accepted.connect(lambda: offer(dialog.value()))
        dialog.open()
        return None

    def start_conversation(self) -> None:
        circle, device = self.circle, self._chosen_device()
        if circle is None or device is None:
            return self._problem(self.tr("Choose a member first."))
        name = _current_text(self.members)
        commands, addresses = self.session.commands, self._addresses()
        self._run(
            lambda: coaching.propose(commands, circle, device, purpose="direct", addresses=addresses),
            self.tr("Conversation offered to {name}: you can write once they accept.").format(name=name),
            lambda _: self.proposed.emit("direct"),
        )
        return None

    def _offer(self) -> CoachOffer | None:
        item = self.offer_table.currentItem()
        return next((o for o in self.offers if item is not None and o.id == item.data(0, ROW)), None)

    def accept_offer(self) -> None:
        """Join the offered space (from the person who offered it) and, for a pair, accept."""
        offer, core = self._offer(), self.session.core
        if offer is None:
            return
        if core is None:
            return self._problem(self.tr("The network is still starting: try again in a moment."))
        commands = self.session.commands

        async def work() -> SpaceId:
            space = await core.join(offer.code)
            if offer.purpose == "pair":
                await coaching.accept(commands, space)
            return space

        said = self.tr("Accepted: you are a pair.") if offer.purpose == "pair" else self.tr("Accepted.")
        self.said.setText(self.tr("Joining: fetching it from {name}…").format(name=offer.from_name))
        self._run(work, said, lambda space: self.joined.emit(space, offer.purpose))
        return None

    def decline_offer(self) -> None:
        offer = self._offer()
        if offer is None:
            return
        commands = self.session.commands

        async def work() -> Any:
            return await coaching.decline(commands, await coaching.find_offer(commands, offer.id))

        self._run(work, self.tr("Declined."))

    def take_up_suggestion(self) -> None:
        """A teacher's suggestion taken up: a pair proposed to the other person named."""
        item = self.suggestion_table.currentItem()
        chosen = item.data(0, ROW) if item is not None else None
        suggestion = next((s for s in self.suggestions if s.id == chosen), None)
        if suggestion is None:
            return
        circle = SpaceId(bytes.fromhex(suggestion.circle))
        commands, addresses = self.session.commands, self._addresses()
        self._run(
            lambda: coaching.propose(commands, circle, suggestion.other_device, topic=suggestion.text,
                                     addresses=addresses),
            self.tr("Offered to {name}: the pair forms when they accept.").format(name=suggestion.other_name),
            lambda _: self.proposed.emit("pair"),
        )  # fmt: skip
