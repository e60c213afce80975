"""The Help desk tab: requests with filters, one request's detail (Markdown), its answers
and progress notes in order with the accepted answer marked, and the steps the viewer
may take (claim, answer or report progress, escalate, resolve/accept, reopen, me too,
thank). Requests and answers have context menus (`ui.item_menu`): *Save to my notes*
(Ctrl+Shift+S) for everyone and, for teachers only, hide/unhide and redact; a hidden
answer vanishes for students and is marked for teachers. Everything goes through
`app.services.helpdesk` / `app.services.discussion`, as the CLI does. The list of requests is read whole and
shown a page at a time (`ui.helpdesk_list`).

Owns `QtHelpDesk`. GUI thread; queries and commands run through the session.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import discussion, helpdesk
from app.services.rows import Answer, HelpRequest, HelpRequestSummary, Item
from sync.changes import HELP_KINDS
from sync.policy import Level
from sync.reducers.helpdesk import HelpStatus
from ui import wording
from ui.cards import QtCard, QtCardList
from ui.circle import CircleContext, QtCircleTab
from ui.composer import QtComposer
from ui.dialogs import ComposeDialog
from ui.discussion_view import marks
from ui.empty_state import EmptyHint
from ui.flow_layout import FlowLayout
from ui.helpdesk_list import FILTERS, RequestListModel, matching
from ui.item_menu import SAVE_KEYS, item_menu, save_to_notes
from ui.live import LiveQuery
from ui.markdown import show_markdown
from ui.paged_list import QtPagedList
from ui.proportions import keep_proportions
from ui.wording import plural

ID = Qt.ItemDataRole.UserRole


class QtHelpDesk(QtCircleTab):
    kinds = HELP_KINDS

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.requests: list[HelpRequestSummary] = []  # the whole listing, oldest first
        self.current: HelpRequest | None = None
        self.found: Any = None
        self.selected_id: str | None = None
        self.may_accept = self.may_thank = False  # for the selected answer (`act`)

        self.filter = QComboBox(self)
        labels = {
            "all": self.tr("All requests"),
            "open": self.tr("Open"),
            "mine": self.tr("Mine"),
            "claimed": self.tr("Claimed by me"),
            "escalated": self.tr("Escalated"),
            "resolved": self.tr("Resolved"),
        }
        for key in FILTERS:
            self.filter.addItem(labels[key], key)
        self.filter.currentIndexChanged.connect(lambda _: self._fill_list())
        self.ask_button = QPushButton(self.tr("Ask for help…"), self)
        self.ask_button.clicked.connect(self.ask)
        self.model = RequestListModel(self.session, self)
        self.model.reset_done.connect(self._listed)
        self.list = QtPagedList(self.model, self)
        self.list.chosen.connect(self._chosen)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._request_menu)

        self.empty = EmptyHint(self.list, self._empty_text, loaded=lambda: self.model.loaded)
        self.detail = QTextBrowser(self)
        self.detail.setOpenExternalLinks(True)
        self.answers = QtCardList(self.tr("No answers yet."), self)
        self.answers.setToolTip(self.tr("Answers and progress notes, oldest first"))
        self.answers.currentItemChanged.connect(self._update_actions)
        self.answers.menu_requested.connect(self._answer_menu)
        save = QAction(self.tr("Save to my notes"), self)
        save.setShortcut(SAVE_KEYS)
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(self.save_to_notes)
        self.addAction(save)
        self.buttons: dict[str, QPushButton] = {}
        actions = FlowLayout()  # wraps on a narrow pane rather than widening the window
        for name, label in (
            ("claim", self.tr("Claim")),
            ("escalate", self.tr("Escalate to a teacher")),
            ("metoo", self.tr("Me too")),
            ("resolve", self.tr("Mark resolved")),
            ("reopen", self.tr("Reopen")),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(lambda _=False, n=name: self.act(n))
            self.buttons[name] = button
            actions.addWidget(button)
        self.buttons["metoo"].setCheckable(True)
        self.buttons["metoo"].setToolTip(self.tr("I need this too: the helpers see how many do"))
        self.composer = QtComposer(self.tr("Write an answer (Markdown)…"), self.tr("Answer"), self)
        self.composer.submitted.connect(self.write)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.ask_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.list)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 2)
        right_layout.addLayout(actions)
        right_layout.addWidget(QLabel(self.tr("Answers"), self))
        right_layout.addWidget(self.answers, 3)
        right_layout.addWidget(self.composer)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        keep_proportions(splitter, (1, 2))  # the list a third, the item two thirds, at any width
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._list_query = LiveQuery(
            self.session, lambda: helpdesk.listing(self.session.commands, circle.space), self._show_list
        )
        self._detail_query = LiveQuery(self.session, self._fetch_detail, self._show_detail)
        self._list_query.refresh()
        self._show_detail(None)

    # -- live data -------------------------------------------------------------------
    def on_roles(self) -> None:
        self._update_actions()

    def on_touched(self) -> None:
        self._list_query.refresh()
        if self.selected_id:
            self._detail_query.refresh()

    def _show_list(self, requests: list[HelpRequestSummary]) -> None:
        self.requests = requests
        self._fill_list()

    def _fill_list(self, *, reveal: bool = False) -> None:
        rows = matching(
            self.requests, self.filter.currentData(), self.session.me.hex(), self.circle.my_devices()
        )
        self.model.show(rows, keep=self.selected_id, anywhere=reveal)

    def _empty_text(self) -> str:
        if self.requests:
            return self.tr("No request matches this filter.")
        return self.tr("No help requests yet — ask with Ask for help… (Ctrl+N).")

    def _listed(self) -> None:
        # The selection stays on its request wherever the list put it. A request the filter
        # leaves out stays in the detail pane, unselected in the list, as it always has.
        self.list.select_quietly(self.selected_id)

    def _chosen(self, request_id: str) -> None:
        self.selected_id = request_id
        self._detail_query.refresh()

    async def _fetch_detail(self) -> tuple[Any, HelpRequest] | None:
        typed = self.selected_id
        if not typed:
            return None
        found = await helpdesk.find_request(self.session.commands, typed)
        return found, await helpdesk.detail(self.session.commands, found)

    def _show_detail(self, result: tuple[Any, HelpRequest] | None) -> None:
        self.found, self.current = result if result is not None else (None, None)
        data = self.current
        if data is None:
            show_markdown(self.detail, self.tr("*Select a request, or ask for help.*"))
            self.answers.clear()
            self._update_actions()
            return
        show_markdown(self.detail, self._as_markdown(data))
        current = self.answers.currentItem()
        keep = current.item_id if current is not None else None
        self.answers.blockSignals(True)
        self.answers.clear()
        timeline: list[Answer | Item] = [*data.answers, *data.progress]
        timeline.sort(key=lambda row: row.created)
        for row in timeline:
            card = self.answers.add(self._card(data, row))
            if row.id == keep:
                self.answers.setCurrentItem(card)
        self.answers.blockSignals(False)
        self._update_actions()

    def _card(self, data: HelpRequest, row: Answer | Item) -> QtCard:
        """An answer (with Accept and Thank on it) or a progress note, as a card."""
        if isinstance(row, Answer):
            head = self.tr("Answer by {who}").format(who=row.author_name)
            if row.accepted:
                head = "✔ " + self.tr("Accepted answer by {who}").format(who=row.author_name)
        else:
            head = self.tr("Progress from {who}").format(who=row.author_name)
        text = self.tr("*(redacted by a teacher)*") if row.redacted else row.text
        header = f"{head} — {wording.relative(row.created)}{marks(self, row)}"
        if isinstance(row, Answer) and row.thanks:
            header += "  " + plural(self.tr("(%n thank-you(s))", "", row.thanks), row.thanks)
        card = QtCard(row.id, header, text)
        full = wording.full(row.created)
        card.header.setToolTip(self.tr("{who}, {when}").format(who=row.author_name, when=full))
        if not isinstance(row, Answer):
            return card
        card.set_flag("accepted", row.accepted)
        asker = self.circle.is_me(data.author)
        if asker and not row.accepted and not self.circle.is_me(row.author):
            card.add_button(
                "accept",
                self.tr("Accept this answer"),
                partial(self._accept, row),
                tip=self.tr("It solved my problem: mark the request resolved by this answer"),
            )
        if not self.circle.is_me(row.author):
            card.add_button(
                "thank",
                self.tr("Thanked ✓") if row.thanked_by_me else self.tr("Thank"),
                partial(self._thank, row),
                done=row.thanked_by_me,
                tip=self.tr("Say thank you to {who}").format(who=row.author_name),
            )
        return card

    def _as_markdown(self, data: HelpRequest) -> str:
        words = {
            "open": self.tr("open"),
            "claimed": self.tr("claimed"),
            "escalated": self.tr("escalated"),
            "resolved": self.tr("resolved"),
        }
        value = data.status.value
        status = self.tr("Status: **{status}**").format(status=words.get(value, value))
        if data.claimed_by:
            status += "  ·  " + self.tr("claimed by {names}").format(
                names=self.tr(", ", "list separator").join(data.claimed_by)
            )
        if data.me_too:
            status += "  ·  " + plural(self.tr("%n also need(s/) this", "", data.me_too), data.me_too)
        when = wording.relative(data.created)
        asked = self.tr("*asked by {who}, {when}*").format(who=data.author_name, when=when)
        if data.tags:  # after the byline, never at a line's start (a Markdown heading)
            asked += "  ·  " + wording.hashtags(data.tags)
        return "\n".join([f"## {data.title}", asked, "", status, "", data.text])

    # -- what the viewer may do ------------------------------------------------------
    def _update_actions(self, *_: object) -> None:
        data = self.current
        asker = data is not None and self.circle.is_me(data.author)
        status = data.status if data is not None else None
        answer = self._selected_answer()
        claimed_by_me = data is not None and self._claimed_by_me(data)
        takes_steps = status in (HelpStatus.OPEN, HelpStatus.CLAIMED)
        may = {
            "claim": data is not None and not asker and takes_steps and not claimed_by_me,
            "escalate": data is not None
            and takes_steps
            and (asker or claimed_by_me or self.circle.level >= Level.MENTOR),
            "metoo": data is not None and not asker and status is not HelpStatus.RESOLVED,
            "resolve": asker and status is not HelpStatus.RESOLVED,
            "reopen": asker and status is HelpStatus.RESOLVED,
        }
        for name, button in self.buttons.items():
            button.setVisible(bool(may[name]))
        mine = data is not None and data.me_too_by_me
        self.buttons["metoo"].setChecked(mine)
        self.buttons["metoo"].setEnabled(not mine)
        self.buttons["metoo"].setText(self.tr("Me too ✓") if mine else self.tr("Me too"))
        self.may_accept = asker and answer is not None and not answer.accepted
        self.may_thank = answer is not None and not self.circle.is_me(answer.author)
        self.composer.setVisible(data is not None)
        self.composer.button.setText(self.tr("Report progress") if asker else self.tr("Answer"))
        self.composer.editor.setPlaceholderText(
            self.tr("How is it going? (Markdown)…") if asker else self.tr("Write an answer (Markdown)…")
        )

    # -- context menus and saving ------------------------------------------------------
    def _request_menu(self, at: QPoint) -> None:
        index = self.list.indexAt(at)
        menu = self.item_menu(index) if index.isValid() else None
        if menu is not None:
            menu.popup(self.list.viewport().mapToGlobal(at))

    def _answer_menu(self, card: QtCard, at: QPoint) -> None:
        menu = self.item_menu(card)
        if menu is not None:
            menu.popup(at)

    def item_menu(self, item: QModelIndex | QtCard) -> QMenu | None:
        """The context menu of a request (its index in the list) or of an answer's card."""
        if isinstance(item, QModelIndex):
            row: Item | None = self.model.row_at(item)
        else:
            shown = [*self.current.answers, *self.current.progress] if self.current is not None else []
            row = next((answer for answer in shown if answer.id == item.item_id), None)
        return item_menu(self, self.circle, row) if row is not None else None

    def save_to_notes(self) -> None:
        """Ctrl+Shift+S: the selected answer, else the request shown."""
        answer = self._selected_answer()
        typed = answer.id if answer is not None else self.selected_id
        if typed:
            save_to_notes(self, self.session, typed)

    def _claimed_by_me(self, request: HelpRequest) -> bool:
        """By device, not by display name: two members may both be called Sam."""
        return any(self.circle.is_me(device) for device in request.claimed_by_ids)

    def _selected_answer(self) -> Answer | None:
        card = self.answers.currentItem()
        if card is None or self.current is None:
            return None
        return next((a for a in self.current.answers if a.id == card.item_id), None)

    def act(self, name: str) -> None:
        found, commands = self.found, self.session.commands
        if found is None:
            return
        answer = self._selected_answer()
        if name in helpdesk.STEPS:
            self.session.run(lambda: helpdesk.step(commands, found, name))
        elif name == "resolve":
            self.session.run(lambda: helpdesk.resolve(commands, found, None))
        elif name == "accept" and answer is not None and self.may_accept:
            self._accept(answer)
        elif name == "thank" and answer is not None and self.may_thank:
            self._thank(answer)

    def _accept(self, answer: Answer) -> None:
        found, commands = self.found, self.session.commands
        if found is not None:
            self.session.run(lambda: helpdesk.resolve(commands, found, answer.id))

    def _thank(self, answer: Answer) -> None:
        commands = self.session.commands

        async def thank() -> None:
            await discussion.thank(commands, await discussion.find(commands, answer.id))

        self.session.run(thank)

    def write(self, text: str) -> None:
        found = self.found
        if found is None:
            return
        commands = self.session.commands
        asker = self.circle.is_me(self.current.author) if self.current else False
        work = helpdesk.progress if asker else helpdesk.answer
        self.session.run(lambda: work(commands, found, text), lambda _: self.composer.clear())

    def show_request(self, request_id: str) -> None:
        """Select a request (e.g. from a notification), whatever the filter hid."""
        self.selected_id = request_id
        self.filter.setCurrentIndex(0)
        self._fill_list(reveal=True)
        self.list.scrollTo(self.list.currentIndex())
        self._detail_query.refresh()

    def ask(self) -> None:
        dialog = ComposeDialog(
            self.tr("Ask for help"),
            self.tr("In a few words: what are you stuck on?"),
            self.tr("What did you try? (Markdown)"),
            self,
        )
        dialog.accepted.connect(lambda: self._ask(dialog))
        dialog.open()

    def _ask(self, dialog: ComposeDialog) -> None:
        title, text, tags = dialog.values()
        commands, space = self.session.commands, self.circle.space

        def select(op_id: Any) -> None:  # the list re-reads on the write's own Changes
            self.selected_id = op_id.hex()
            self.filter.setCurrentIndex(0)
            self._detail_query.refresh()

        self.session.run(lambda: helpdesk.ask(commands, space, title, text, tags), select)
