"""A view closed while its core call is in flight: the result arrives for a deleted
widget and is dropped without a word (nothing logged at ERROR, nothing reported, no
crash); a callback that fails for a live view is still logged, and said, exactly once."""

from __future__ import annotations

import logging
import threading

import pytest
import shiboken6
import trio
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WAIT_MS, Desk
from ui.live import LiveQuery
from ui.session import Session


class _Gate:
    """Holds work on the core thread until `open()` (from the GUI thread)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.finished = threading.Event()
        self._open = threading.Event()

    async def hold(self) -> str:
        self.entered.set()
        try:
            while not self._open.is_set():
                await trio.sleep(0.01)  # the core thread's own run; the test never sleeps
            return "loaded"
        finally:
            self.finished.set()

    def open(self) -> None:
        self._open.set()


class LoadingView(QWidget):
    """What a dialog does: start a load, show it in a label when it arrives."""

    def __init__(self, session: Session, gate: _Gate) -> None:
        super().__init__()
        self.label = QLabel("Loading…")
        self.arrived: list[str] = []
        QVBoxLayout(self).addWidget(self.label)
        self.live = LiveQuery(session, gate.hold, self._show)
        self.live.refresh()
        session.run(gate.hold, lambda text: self._arrive("dialog", text), self.label.setText)

    def _show(self, text: str) -> None:
        self._arrive("live", text)

    def _arrive(self, who: str, text: str) -> None:
        self.arrived.append(who)
        self.label.setText(text)


def _flush(qtbot: QtBot, desk: Desk, session: Session) -> None:
    """Wait until every result delivered before now has been handed to its callback:
    deliveries run in order on the GUI thread, so a later call's result comes after."""
    seen: list[int] = []

    async def nothing() -> int:
        return 1

    session.run(nothing, seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)


def test_a_view_deleted_while_its_load_is_in_flight_drops_the_result_silently(
    qtbot: QtBot, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    session = desk.open("ana")
    gate = _Gate()
    view = LoadingView(session, gate)
    view.show()
    qtbot.waitUntil(gate.entered.is_set, timeout=WAIT_MS)
    label = view.label
    view.close()
    shiboken6.delete(view)  # what WA_DeleteOnClose / pytest-qt's teardown do to the C++ side
    assert not shiboken6.isValid(label)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="ui.runtime"):
        gate.open()
        qtbot.waitUntil(gate.finished.is_set, timeout=WAIT_MS)
        _flush(qtbot, desk, session)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    dropped = [r for r in caplog.records if "closed; dropped" in r.getMessage()]
    assert len(dropped) == 2  # the LiveQuery's result and the dialog-style lambda's
    assert desk.runtime.failures == []  # type: ignore[attr-defined]
    assert desk.runtime.running


def test_a_live_view_gets_its_result(qtbot: QtBot, desk: Desk) -> None:
    session = desk.open("ana")
    gate = _Gate()
    view = LoadingView(session, gate)
    qtbot.addWidget(view)
    gate.open()
    qtbot.waitUntil(lambda: len(view.arrived) == 2, timeout=WAIT_MS)
    assert sorted(view.arrived) == ["dialog", "live"]
    assert view.label.text() == "loaded"
    assert view.live.runs == 1


def test_a_callback_that_fails_for_a_live_view_is_logged_and_said_exactly_once(
    qtbot: QtBot, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    session = desk.open("ana")
    view = QLabel("here")
    qtbot.addWidget(view)

    def broken(_: object) -> None:
        view.setText("about to fail")
        raise ValueError("a bug in the view")

    async def load() -> int:
        return 1

    caplog.clear()
    with qtbot.waitSignal(desk.runtime.failed, timeout=WAIT_MS):
        session.run(load, broken)
    _flush(qtbot, desk, session)
    failed = [r for r in caplog.records if r.getMessage() == "A UI callback failed"]
    assert len(failed) == 1
    assert failed[0].levelno == logging.ERROR
    assert isinstance(failed[0].exc_info[1], ValueError)  # type: ignore[index]
    assert len(desk.runtime.failures) == 1  # type: ignore[attr-defined]
    assert view.text() == "about to fail"
    desk.runtime.failures.clear()  # type: ignore[attr-defined]


def test_a_result_for_a_live_window_still_arrives_when_a_dialog_it_held_was_closed(
    qtbot: QtBot, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    session = desk.open("ana")
    window = QLabel("waiting")
    qtbot.addWidget(window)
    dialog = QWidget()
    shiboken6.delete(dialog)  # the dialog that asked was closed; the window still shows it

    async def load() -> int:
        return 7

    session.run(load, lambda value: window.setText(f"{value} found") if dialog is not None else None)
    qtbot.waitUntil(lambda: window.text() == "7 found", timeout=WAIT_MS)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


class LoadingModel(QObject):
    """What a list model does (`ui.paged_list`): a live query whose result is emitted."""

    reset_done = Signal()

    def __init__(self, session: Session, gate: _Gate) -> None:
        super().__init__()
        self.live = LiveQuery(session, gate.hold, self._reset)
        self.live.refresh()

    def _reset(self, _: str) -> None:
        self.reset_done.emit()  # on a deleted model: "Signal source has been deleted"


def test_a_model_deleted_while_its_query_is_in_flight_drops_the_result_silently(
    qtbot: QtBot, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    session = desk.open("ana")
    gate = _Gate()
    model = LoadingModel(session, gate)
    qtbot.waitUntil(gate.entered.is_set, timeout=WAIT_MS)
    shiboken6.delete(model)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="ui.runtime"):
        gate.open()
        qtbot.waitUntil(gate.finished.is_set, timeout=WAIT_MS)
        _flush(qtbot, desk, session)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len([r for r in caplog.records if "closed; dropped" in r.getMessage()]) == 1
    assert desk.runtime.failures == []  # type: ignore[attr-defined]
