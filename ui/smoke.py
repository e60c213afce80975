"""`python -m ui --smoke` (and the packaged app's `studycircle-desktop --smoke`): start
as usual, say on stdout that the start worked, close, and exit 0. GUI thread.

Owns `Smoke`, the watcher `ui.__main__` hands the launcher's callbacks to. The start
has worked when:

- with an identity: the main window has painted and the session is online (the data
  open, py-libp2p imported and listening on loopback — `--smoke` starts local-only, no
  mDNS), which is where a bundle that misses a module or a data file fails;
- without one (a first run): the first-run dialog has painted; it is then cancelled.

Then one line goes to stdout, `studycircle smoke: <what>; window icon sizes 16,24,…`,
and the window closes the usual way (trio finishes, the store closes, Qt quits). A start
that has not got there after `DEADLINE_S` says so on stderr and stops: exit 1. The
packaged app's smoke test (tests/packaging/) and `make package` run it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.first_run import FirstRunDialog
    from ui.main_window import MainWindow

DEADLINE_S = 60.0


class Smoke(QObject):
    def __init__(
        self, stop: Callable[[], None], *, deadline_s: float = DEADLINE_S, out: TextIO | None = None
    ) -> None:
        super().__init__()
        self._stop = stop
        self._out = out or sys.stdout
        self.passed = False
        self.failed = False
        self._painted = self._online = False
        self._window: MainWindow | None = None
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(lambda: self._too_late(deadline_s))
        self._deadline.start(int(deadline_s * 1000))

    def watch_window(self, window: MainWindow) -> None:
        self._window = window
        _after_first_paint(window, self._window_painted)
        window.session.online.connect(self._came_online)
        if window.session.core is not None:
            self._online = True

    def watch_first_run(self, dialog: FirstRunDialog) -> None:
        _after_first_paint(dialog, lambda: self._pass("first-run dialog shown", dialog.reject))

    def _window_painted(self) -> None:
        self._painted = True
        self._maybe_done()

    def _came_online(self) -> None:
        self._online = True
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self._painted and self._online and self._window is not None:
            self._pass("main window shown, online", self._window.close)

    def _pass(self, what: str, close: Callable[[], object]) -> None:
        if self.passed or self.failed:
            return
        self.passed = True
        self._deadline.stop()
        sizes = QGuiApplication.windowIcon().availableSizes()
        listed = ",".join(str(size.width()) for size in sizes) or "none"
        print(f"studycircle smoke: {what}; window icon sizes {listed}", file=self._out, flush=True)
        close()

    def _too_late(self, deadline_s: float) -> None:
        if self.passed:
            return
        self.failed = True
        state = f"window painted: {self._painted}, online: {self._online}"
        print(f"studycircle smoke: not started after {deadline_s:g} s ({state})", file=sys.stderr, flush=True)
        self._stop()


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after the rest of this paint
        return False


def _after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    widget.installEventFilter(_FirstPaint(widget, then))
