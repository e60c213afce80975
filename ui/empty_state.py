"""What an empty list says: a line in the middle of an empty list view — "No threads yet —
start one with New thread… (Ctrl+N)" — so an empty pane reads as empty, not as broken.
Shown only once the list has been read (`loaded`), never while it is loading, and hidden
as soon as a row arrives.

The line is a child of the view itself, laid over its contents, not of its viewport:
PySide6's first `viewport()` call from Python looks for the viewport's Python type among
every QWidget subclass it knows, building ~50 classes' enums on the way (~20–30 ms of
CPU, bench/startup.py), and My notes' list builds its hint before the first paint.

Owns `EmptyHint`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel
from shiboken6 import isValid


class EmptyHint(QLabel):
    """A centred, wrapped line over `view`'s contents while its model has no rows."""

    def __init__(
        self,
        view: QAbstractItemView,
        text: str | Callable[[], str],
        *,
        loaded: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(view)
        self.view = view
        self._text = text
        self._loaded = loaded
        self.setObjectName("empty-hint")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setEnabled(False)  # drawn in the palette's disabled (greyed) colours
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.update_hint)
        reset_done = getattr(model, "reset_done", None)  # a paged list read again, maybe still empty
        if reset_done is not None:
            reset_done.connect(self.update_hint)
        view.installEventFilter(self)
        self.hide()  # until the list has been read

    def update_hint(self, *_: object) -> None:
        if not isValid(self.view):  # the view is being destroyed (its model cleared)
            return
        empty = self.view.model().rowCount() == 0 and self._loaded()
        if empty:
            self.setText(self._text() if callable(self._text) else self._text)
            self._fit()
        self.setVisible(empty)

    @property
    def shown(self) -> bool:
        """What tests read: whether the hint is up (its view may itself be hidden)."""
        return not self.isHidden()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Over the view's contents (inside its frame), with a margin."""
        self.setGeometry(self.view.contentsRect().adjusted(12, 12, -12, -12))
