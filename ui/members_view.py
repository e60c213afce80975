"""The Members tab: who is in the circle and in which role, who helped (answers,
accepted, thanks — a record, not a ranking), inviting, and — only for those who
outrank the member — appointing a mentor or teacher and removing. Owns `QtMembers`.
GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import discussion
from app.services.rows import Helper, Member
from sync.changes import HELP_KINDS
from sync.policy import ROLE_BY_NAME, Level
from sync.room_code import DEFAULT_MINUTES, DEFAULT_USES, RoomOffer
from ui.circle import CircleContext, QtCircleTab
from ui.dialogs import InviteDialog, confirm
from ui.live import LiveQuery
from ui.wording import plural

MEMBER = Qt.ItemDataRole.UserRole


class QtMembers(QtCircleTab):
    kinds = HELP_KINDS  # the help counted per member

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(circle, parent)
        self.helped: dict[str, Helper] = {}
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("Helped")])
        self.tree.setRootIsDecorated(False)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.invite_button = QPushButton(self.tr("Invite…"), self)
        self.invite_button.clicked.connect(self.invite)
        buttons = QHBoxLayout()
        buttons.addWidget(self.invite_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree)
        self._helpers = LiveQuery(
            self.session, lambda: discussion.helpers(self.session.commands, circle.space), self._show_helpers
        )
        self._helpers.refresh()
        self._fill()

    def on_touched(self) -> None:
        self._helpers.refresh()

    def on_roles(self) -> None:
        self._fill()

    def _show_helpers(self, helpers: list[Helper]) -> None:
        self.helped = {row.device_id: row for row in helpers}
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        roles = {  # the product's words: a circle's plain members are its students
            "owner": self.tr("owner"),
            "teacher": self.tr("teacher"),
            "mentor": self.tr("mentor"),
            "member": self.tr("student"),
        }
        for member in self.circle.members:
            helped = self.helped.get((member.person or member.device).hex())  # counted per person
            summary = (
                self.tr(", ", "list separator").join(
                    (
                        plural(self.tr("%n answer(s)", "", helped.answers), helped.answers),
                        plural(self.tr("%n accepted", "", helped.accepted), helped.accepted),
                        plural(self.tr("%n thank-you(s)", "", helped.thanks), helped.thanks),
                    )
                )
                if helped
                else ""
            )
            name = member.name + (self.tr(" (you)") if member.has_device(self.session.me) else "")
            if len(member.all_devices) > 1:
                name += self.tr(" · {n} devices").format(n=len(member.all_devices))
            item = QTreeWidgetItem([name, roles.get(member.role, member.role), summary])
            item.setData(0, MEMBER, member)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)
        self.invite_button.setVisible(self.circle.level >= Level.MEMBER)

    def actions_for(self, member: Member) -> list[tuple[str, str]]:
        """(action, label) a viewer may take on `member`: only on members they outrank."""
        mine, theirs = self.circle.level, ROLE_BY_NAME[member.role]
        if member.has_device(self.session.me) or mine < Level.TEACHER or theirs >= mine:
            return []
        found = []
        for role, label in (
            ("member", self.tr("Make a student")),
            ("mentor", self.tr("Appoint as mentor")),
            ("teacher", self.tr("Appoint as teacher")),
        ):
            needed = Level.OWNER if role == "teacher" else Level.TEACHER
            if role != member.role and mine >= needed:
                found.append((f"role:{role}", label))
        found.append(("remove", self.tr("Remove from the circle")))
        return found

    def _menu(self, at: QPoint) -> None:
        item = self.tree.itemAt(at)
        if item is None:
            return
        member: Member = item.data(0, MEMBER)
        choices = self.actions_for(member)
        if not choices:
            return
        menu = QMenu(self)
        for name, label in choices:
            action = QAction(label, menu)
            action.setObjectName(name)
            action.triggered.connect(lambda _=False, n=name: self.act(member, n))
            menu.addAction(action)
        menu.popup(self.tree.viewport().mapToGlobal(at))

    def act(self, member: Member, name: str) -> None:
        commands, space = self.session.commands, self.circle.space
        if name == "remove":
            confirm(
                self,
                self.tr("Remove from the circle"),
                self.tr("Remove {name} from {circle}?").format(name=member.name, circle=self.circle.name),
                self.tr(
                    "They will no longer receive what is written in the circle, nor write there;"
                    " what they wrote stays. To come back they need a new invite."
                ),
                self.tr("Remove"),
                lambda: self.session.run(lambda: commands.remove(space, member)),
            )
        else:
            role = name.split(":", 1)[1]
            self.session.run(lambda: commands.set_role(space, member, role))

    def invite(self) -> None:
        level = self.circle.level
        roles = (
            ["member"]
            + (["mentor"] if level >= Level.TEACHER else [])
            + (["teacher"] if level >= Level.OWNER else [])
        )
        dialog = InviteDialog(roles, self)
        self.invite_dialog = dialog
        dialog.make.clicked.connect(lambda: self._make_code(dialog))
        dialog.make_room.clicked.connect(lambda: self._make_room_code(dialog))
        dialog.open()

    def _make_room_code(self, dialog: InviteDialog) -> None:
        core, space = self.session.core, self.circle.space
        if core is None:
            dialog.note.setText(self.tr("Starting the network…"))
            self.session.online.connect(
                lambda: self._make_room_code(dialog), Qt.ConnectionType.SingleShotConnection
            )
            return
        role, uses = dialog.role.currentData(), max(dialog.uses.value(), DEFAULT_USES)

        def shown(made: tuple[RoomOffer, str]) -> None:
            offer, long_code = made
            dialog.room.show_code(
                offer.code.text(),
                long_code,
                circle=offer.circle_name,
                uses=offer.uses_left,
                minutes=DEFAULT_MINUTES,
            )
            dialog.make_room.setEnabled(False)
            dialog.note.clear()

        self.session.run(lambda: core.room_code(space, role=role, uses=uses), shown)

    def _make_code(self, dialog: InviteDialog) -> None:
        core, space = self.session.core, self.circle.space
        if core is None:  # an invite carries my addresses: they are known once online
            dialog.note.setText(self.tr("Starting the network…"))
            self.session.online.connect(
                lambda: self._make_code(dialog), Qt.ConnectionType.SingleShotConnection
            )
            return
        role, uses, hours = dialog.role.currentData(), dialog.uses.value(), dialog.hours.value()
        self.session.run(
            lambda: core.invite(space, role=role, uses=uses, expires_hours=hours), dialog.show_code
        )
