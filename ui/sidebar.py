"""The sidebar: My notes first, then the circles the person is in, each shown with its
unread count (bold while there is something new; the counts themselves are
`ui.unread_counts`'s). A long name is elided ("Linear algebra — dem…") with the whole name
in the tooltip, and the count is drawn as a badge at the right edge, so it stays in
sight at any width (`SidebarDelegate`); the item's text stays "Algebra (3)" for screen
readers. Its width is steady (a size of its own, not its longest name's), and
`ui.main_window` hides and shows it (Ctrl+B).

Owns `QtSidebar` (the list, its items and their roles `SPACE` and `NAME`, the `NOTES` key)
and its context menu on a circle (Open, Leave circle…), whose *Leave* it reports as
`leave_asked`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QFileIconProvider,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from sync.ids import SpaceId
from ui.wording import plural

SPACE = Qt.ItemDataRole.UserRole
NAME = Qt.ItemDataRole.UserRole + 1  # the circle's name; the text may add an unread count
WAITING = Qt.ItemDataRole.UserRole + 2  # a circle joined that no member has admitted yet
COUNT = Qt.ItemDataRole.UserRole + 3  # the circle's unread count (0: none)
NOTES = "notes"
WIDTH = 200  # px: the sidebar's own width, whatever its names (the person may drag it)
BADGE_PADDING = 6  # px each side of the count


class SidebarDelegate(QStyledItemDelegate):
    """Rows as the default delegate draws them, but the name elided to leave room for
    the unread count, drawn as a badge at the row's right edge."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        name = index.data(NAME)
        if name is None:  # My notes, a waiting circle: the text as it is, elided by Qt
            return
        room = option.rect.width() - option.decorationSize.width() - 16 - self._badge_width(option, index)
        option.text = QFontMetrics(option.font).elidedText(name, Qt.TextElideMode.ElideRight, max(room, 20))

    def _badge_width(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        count = index.data(COUNT) or 0
        if not count:
            return 0
        return QFontMetrics(option.font).horizontalAdvance(str(count)) + 2 * BADGE_PADDING + 4

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        count = index.data(COUNT) or 0
        if not count:
            return
        width = self._badge_width(option, index) - 4
        rect = option.rect
        height = min(rect.height() - 6, QFontMetrics(option.font).height() + 2)
        badge = QRect(rect.right() - width - 4, rect.center().y() - height // 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        palette = option.palette
        view = self.parent()  # the sidebar (no QStyle enums on the first paint's path)
        selected = isinstance(view, QListWidget) and view.selectionModel().isSelected(index)
        painter.setBrush(palette.base() if selected else palette.highlight())
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(palette.highlight().color() if selected else palette.highlightedText().color())
        font = option.font
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(min(hint.width(), 120), hint.height())  # never wider than the sidebar


class QtSidebar(QListWidget):
    leave_asked = Signal(object)  # a circle's SpaceId

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(140)
        self.setMaximumWidth(360)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(SidebarDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        # The style's file, folder and computer icons, without PySide6 building its QStyle
        # type and enums (~10 ms of the start: the first paint needs no other QStyle).
        self.icons = QFileIconProvider()
        notes_item = QListWidgetItem(self.icons.icon(QFileIconProvider.IconType.File), self.tr("My notes"))
        notes_item.setData(SPACE, NOTES)
        self.addItem(notes_item)

    def circles(self) -> list[SpaceId]:
        """The circles listed, in order."""
        keys = (self.item(i).data(SPACE) for i in range(self.count()))
        return [key for key in keys if key is not None and key != NOTES]

    def show_waiting(self, waiting: list[tuple[SpaceId, str]]) -> None:
        """List (greyed, at the end, not selectable) the circles waiting for a member."""
        for i in reversed(range(self.count())):
            if self.item(i).data(WAITING) is not None:
                self.takeItem(i)
        icon = self.icons.icon(QFileIconProvider.IconType.Folder)
        for space, name in waiting:
            shown = name or self.tr("Circle {id}…").format(id=bytes(space).hex()[:8])
            item = QListWidgetItem(icon, self.tr("{name} — waiting").format(name=shown))
            item.setData(WAITING, space)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(self.palette().placeholderText())
            item.setToolTip(
                self.tr(
                    "Waiting to meet a member of this circle: you'll be admitted automatically"
                    " when StudyCircle reaches one (on this network, or at an address the invite carries)."
                )
            )
            self.addItem(item)

    def current_key(self) -> SpaceId | str | None:
        """What the current row shows: `NOTES` or a circle (None: no row is current)."""
        current = self.currentItem()
        return current.data(SPACE) if current is not None else None

    def current_circle(self) -> SpaceId | None:
        key = self.current_key()
        return None if key is None or isinstance(key, str) else key

    def add_circles(self, circles: Iterable[tuple[SpaceId, str]]) -> list[SpaceId]:
        """List the circles not listed yet, in order; the ones added."""
        known = set(self.circles())
        icon = self.icons.icon(QFileIconProvider.IconType.Folder)
        added = []
        for space, name in circles:
            if space not in known:
                item = QListWidgetItem(icon, name)
                item.setData(SPACE, space)
                item.setData(NAME, name)
                item.setToolTip(name)
                self.addItem(item)
                added.append(space)
        return added

    def take(self, space: SpaceId) -> bool:
        """Unlist a circle; whether it was the current row."""
        for i in range(self.count()):
            if self.item(i).data(SPACE) == space:
                was_current = self.currentRow() == i
                self.takeItem(i)
                return was_current
        return False

    def select(self, key: SpaceId | bytes | str) -> None:
        """Make `key`'s row current (My notes' if it is not listed)."""
        for i in range(self.count()):
            if self.item(i).data(SPACE) == key:
                self.setCurrentRow(i)
                return
        self.setCurrentRow(0)

    def show_counts(self, unread: dict[SpaceId, int]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            space = item.data(SPACE)
            if space is None or space == NOTES:
                continue
            count = unread.get(space, 0)
            name = item.data(NAME)
            item.setData(COUNT, count)
            item.setText(self.tr("{name} ({count})").format(name=name, count=count) if count else name)
            new = plural(self.tr("%n new post(s) since you last looked", "", count), count)
            item.setToolTip(f"{name}\n{new}" if count else name)
            font = item.font()
            font.setBold(count > 0)
            item.setFont(font)

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, super().sizeHint().height())

    # -- the context menu ---------------------------------------------------------------
    def _context_menu(self, at: QPoint) -> None:
        item = self.itemAt(at)
        if item is None or item.data(SPACE) in (None, NOTES):
            return
        menu = self.menu_for(item.data(SPACE))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.viewport().mapToGlobal(at))

    def menu_for(self, space: SpaceId) -> QMenu:
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Open"))
        open_action.setObjectName("open")
        open_action.triggered.connect(lambda: self.select(space))
        leave = menu.addAction(self.tr("Leave circle…"))
        leave.setObjectName("leave")
        leave.triggered.connect(lambda: self.leave_asked.emit(space))
        return menu
