"""Posts as cards: a reply or an answer shown with who wrote it and when, its text drawn
from Markdown (maths too: `ui.markdown`), and the actions a person may take on it as
buttons on the card itself — as Discord and Piazza show them — instead of a raw
one-line list with the buttons somewhere else.

`QtCard` is one post; `QtCardList` a scrolling column of them with the little of
`QListWidget`'s interface the views use (count, item, current item, a signal when it
changes), so selecting a card still drives the view's other actions and shortcuts.

GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.markdown import markdown_html

CARD_STYLE = """
QtCard { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
QtCard[selected="true"] { border: 2px solid palette(highlight); }
QtCard[accepted="true"] { border-left: 4px solid #2e9d52; }
QtCard QLabel#header { color: palette(placeholder-text); }
"""


class QtCard(QFrame):
    """One post: header (who, when, marks), the Markdown text, and action buttons."""

    clicked = Signal()
    menu_requested = Signal(QPoint)  # global position

    def __init__(self, item_id: str, header: str, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_id = item_id
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.header = QLabel(header, self)
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.body = QLabel(self)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setText(markdown_html(markdown))
        self.body.setWordWrap(True)
        self.body.setOpenExternalLinks(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.actions_row = QHBoxLayout()
        self.actions_row.setContentsMargins(0, 0, 0, 0)
        self.actions_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        layout.addLayout(self.actions_row)
        self.buttons: dict[str, QPushButton] = {}
        self.set_flag("selected", False)

    def add_button(
        self, name: str, label: str, on_click: Callable[[], None], *, done: bool = False, tip: str = ""
    ) -> QPushButton:
        """An action on this card. `done`: the person already did it (e.g. thanked): the
        button shows as pressed, so a click is seen to have counted."""
        button = QPushButton(label, self)
        button.setCheckable(True)
        button.setChecked(done)
        button.setToolTip(tip)
        button.setEnabled(not done)

        def clicked() -> None:
            button.setChecked(True)  # seen to count at once; the next read confirms it
            button.setEnabled(False)
            on_click()

        button.clicked.connect(clicked)
        self.actions_row.insertWidget(self.actions_row.count() - 1, button)
        self.buttons[name] = button
        return button

    def text(self) -> str:
        """What the card says, as plain text (for tests, tooltips and screen readers)."""
        return f"{self.header.text()}\n{self._plain_body()}"

    def _plain_body(self) -> str:
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self.body.text())
        return document.toPlainText()

    def set_flag(self, name: str, on: bool) -> None:
        self.setProperty(name, "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.clicked.emit()
        self.menu_requested.emit(event.globalPos())


class QtCardList(QScrollArea):
    """A column of cards, one of them current (clicked, or chosen with the arrow keys)."""

    currentItemChanged = Signal()
    menu_requested = Signal(object, QPoint)  # (card, global position)

    def __init__(self, empty_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._column = QWidget(self)
        self._column.setStyleSheet(CARD_STYLE)
        self._layout = QVBoxLayout(self._column)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(8)
        self._empty = QLabel(empty_text, self._column)
        self._empty.setObjectName("empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(self._column)
        self._cards: list[QtCard] = []
        self._current: QtCard | None = None

    def clear(self) -> None:
        changed = self._current is not None
        for card in self._cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self._cards.clear()
        self._current = None
        self._empty.setVisible(bool(self._empty.text()))
        if changed and not self.signalsBlocked():
            self.currentItemChanged.emit()

    def add(self, card: QtCard) -> QtCard:
        card.setParent(self._column)
        self._layout.insertWidget(self._layout.count() - 1, card)
        self._cards.append(card)
        self._empty.setVisible(False)
        card.clicked.connect(lambda card=card: self.setCurrentItem(card))
        card.menu_requested.connect(lambda at, card=card: self.menu_requested.emit(card, at))
        return card

    def count(self) -> int:
        return len(self._cards)

    def item(self, row: int) -> QtCard:
        return self._cards[row]

    def cards(self) -> list[QtCard]:
        return list(self._cards)

    def currentItem(self) -> QtCard | None:
        return self._current

    def setCurrentRow(self, row: int) -> None:
        self.setCurrentItem(self._cards[row] if 0 <= row < len(self._cards) else None)

    def setCurrentItem(self, card: QtCard | None) -> None:
        if card is self._current:
            return
        if self._current is not None:
            self._current.set_flag("selected", False)
        self._current = card
        if card is not None:
            card.set_flag("selected", True)
            self.ensureWidgetVisible(card)
        if not self.signalsBlocked():
            self.currentItemChanged.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        if step is None or not self._cards:
            super().keyPressEvent(event)
            return
        at = self._cards.index(self._current) if self._current in self._cards else -1
        self.setCurrentRow(max(0, min(len(self._cards) - 1, at + step)))
