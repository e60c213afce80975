"""Splitters that keep their panes' proportions as the window is resized: a list beside
an item keeps its third however narrow the window gets (QSplitter gives every pixel lost
to the panes by their stretch factors, so at 800×600, or with the Peers panel open, the
item was squeezed to 80 px while the list kept its width). Dragging the handle sets new
proportions, kept from then on.

Owns `keep_proportions`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QSplitter


class _Keeper(QObject):
    def __init__(self, splitter: QSplitter, shares: Sequence[float]) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.shares = list(shares)
        self._placing = False
        splitter.splitterMoved.connect(self._dragged)
        splitter.installEventFilter(self)

    def _dragged(self, *_: object) -> None:
        if not self._placing:
            sizes = self.splitter.sizes()
            if sum(sizes) > 0:
                self.shares = [size / sum(sizes) for size in sizes]

    def place(self) -> None:
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        whole = sum(self.shares)
        self._placing = True
        try:
            self.splitter.setSizes([round(total * share / whole) for share in self.shares])
        finally:
            self._placing = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.place()
        return False


def keep_proportions(splitter: QSplitter, shares: Sequence[float]) -> None:
    """Keep `splitter`'s panes at `shares` of its width (e.g. (1, 2): a third, two thirds)."""
    splitter.setSizes([round(1000 * share) for share in shares])
    _Keeper(splitter, shares)
