"""What a circle's views share: its id and name, and who I am in it (my role decides
which actions they show). Owns `CircleContext`, refreshed when membership changes, and
`QtCircleTab`, the base of each tab of a circle (Discussion, Chat, Help desk, Resources,
Members): its circle and session, told when a change touches what it shows and when
roles may have moved. GUI thread.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.services.commands import Member
from sync.changes import MEMBER_KINDS, Changes
from sync.ids import SpaceId
from sync.policy import MODERATOR, ROLE_BY_NAME, Level
from ui.live import LiveQuery
from ui.session import Session


class CircleContext(QObject):
    roles_changed = Signal()

    def __init__(self, session: Session, space: SpaceId, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.space = space
        self.name = name
        self.members: list[Member] = []
        self.level = Level.NONE
        self._query = LiveQuery(session, lambda: session.commands.members(space), self._show)
        session.changed.connect(self._on_changes)
        self._query.refresh()

    def _on_changes(self, changes: Changes) -> None:
        if changes.space == self.space and changes.touches(MEMBER_KINDS):
            self._query.refresh()

    def _show(self, members: list[Member]) -> None:
        self.members = members
        mine = next((m for m in members if m.has_device(self.session.me)), None)
        self.level = Level(ROLE_BY_NAME[mine.role]) if mine else Level.NONE
        self.roles_changed.emit()

    @property
    def moderator(self) -> bool:
        return self.level >= MODERATOR

    def is_me(self, device_hex: str) -> bool:
        """Written by me: this device or another current device of my person (the core
        lets any of them edit, delete, resolve, report progress: `Applied.by_author_of`)."""
        return device_hex == self.session.me.hex() or device_hex in self.my_devices()

    def my_devices(self) -> frozenset[str]:
        """Every current device of my person here (hex): what they wrote is mine."""
        mine = next((m for m in self.members if m.has_device(self.session.me)), None)
        devices = mine.all_devices if mine else (self.session.me,)
        return frozenset(device.hex() for device in devices)


class QtCircleTab(QWidget):
    """A tab over one circle. Subclasses name the op `kinds` they show; `on_touched()` runs
    when a change in this circle touches them (`Changes.touches`), `on_roles()` when the
    members' roles are read again (mine decides which actions and what hidden items show)."""

    kinds: ClassVar[frozenset[str]]

    def __init__(self, circle: CircleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.circle = circle
        self.session = circle.session
        self.session.changed.connect(self._on_changes)
        circle.roles_changed.connect(self.on_roles)

    def _on_changes(self, changes: Changes) -> None:
        if changes.space == self.circle.space and changes.touches(self.kinds):
            self.on_touched()

    def on_touched(self) -> None:
        raise NotImplementedError

    def on_roles(self) -> None:
        raise NotImplementedError
