"""The trio guest run on Qt's loop: work started by widgets, errors, a clean shutdown."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import trio
from pytestqt.qtbot import QtBot

from app.errors import CommandError
from tests.ui.conftest import WAIT_MS, Desk
from ui.runtime import Runtime


def test_work_runs_on_trio_and_reports_back_on_the_gui_thread(qtbot: QtBot, runtime: Runtime) -> None:
    results: list[tuple[int, bool]] = []

    async def work() -> int:
        await trio.sleep(0)
        return await trio.to_thread.run_sync(lambda: 6 * 7)

    runtime.spawn(
        work, lambda value: results.append((value, threading.current_thread() is threading.main_thread()))
    )
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert results == [(42, True)]


def test_an_error_is_reported_once_in_words_and_the_run_goes_on(qtbot: QtBot, runtime: Runtime) -> None:
    async def refuse() -> None:
        raise CommandError("A circle needs a name.")

    async def crash() -> None:
        raise KeyError("oops")

    with qtbot.waitSignal(runtime.failed, timeout=WAIT_MS) as said:
        runtime.spawn(refuse)
    assert said.args == ["A circle needs a name."]
    mine: list[str] = []
    runtime.spawn(crash, on_error=mine.append)
    qtbot.waitUntil(lambda: bool(mine), timeout=WAIT_MS)
    assert mine[0].startswith("Unexpected error (KeyError")
    assert runtime.failures == ["A circle needs a name."]  # type: ignore[attr-defined]
    assert runtime.running
    runtime.failures.clear()  # type: ignore[attr-defined]


def test_stop_closes_the_core_before_finished(qtbot: QtBot, desk: Desk) -> None:
    session = desk.open("ana")
    core = session.core
    assert core is not None
    with qtbot.waitSignal(desk.runtime.finished, timeout=WAIT_MS):
        desk.runtime.stop()
    assert session.core is None
    assert not desk.runtime.running
    with pytest.raises(sqlite3.ProgrammingError):  # the store was closed before the run ended
        core.database.replica.store.connection.execute("SELECT 1")


def test_thousands_of_ticks_and_emits_keep_every_reference_to_true(qtbot: QtBot, runtime: Runtime) -> None:
    """PySide6 6.12.0 drops a reference to True per Python-side emit; unguarded, the
    process aborts ("deallocating True or False") after a few thousand trio ticks."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Pinger(QObject):
        ping = Signal(object)

    pinger, seen = Pinger(), []
    pinger.ping.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    done: list[int] = []

    async def many_ticks() -> int:
        for number in range(2000):
            await trio.to_thread.run_sync(lambda: None)  # a post from a worker thread each time
            pinger.ping.emit(number)
        return 2000

    runtime.spawn(many_ticks, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert len(seen) == 2000
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50, (before, after)



def test_a_sessions_work_runs_on_the_core_thread_and_reports_back_on_the_gui_thread(
    qtbot: QtBot, desk: Desk
) -> None:
    """The network host and the views' queries live on the core thread's trio run, not
    on the GUI thread's guest run (whose ticks must stay short)."""

    async def token() -> trio.lowlevel.TrioToken:
        return trio.lowlevel.current_trio_token()

    gui_run: list[trio.lowlevel.TrioToken] = []
    desk.runtime.spawn(token, gui_run.append)
    session = desk.open("ana")
    core = session.core
    assert core is not None
    seen: list[tuple[str, bool, bool]] = []

    async def where() -> tuple[str, bool]:
        await core.commands.circles()
        return threading.current_thread().name, trio.lowlevel.current_trio_token() in gui_run

    on_gui = lambda: threading.current_thread() is threading.main_thread()  # noqa: E731
    session.run(where, lambda found: seen.append((*found, on_gui())))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    assert seen == [("studycircle-core", False, True)]


def test_a_failing_command_on_the_core_thread_is_worded_once(qtbot: QtBot, desk: Desk) -> None:
    session = desk.open("ana")
    commands = session.commands
    with qtbot.waitSignal(desk.runtime.failed, timeout=WAIT_MS) as said:
        session.run(lambda: commands.create_circle("   "))
    assert said.args == ["A circle needs a name."]
    assert desk.runtime.failures == ["A circle needs a name."]  # type: ignore[attr-defined]
    desk.runtime.failures.clear()  # type: ignore[attr-defined]


def test_cancelling_a_call_cancels_the_work_on_the_core_thread_and_waits_for_it(
    qtbot: QtBot, runtime: Runtime
) -> None:
    """What `Session.serve` relies on for a clean shutdown: when the GUI side is
    cancelled, the core thread's `finally` has run by the time the call returns."""
    steps: list[str] = []
    started = threading.Event()

    async def hosted() -> None:
        try:
            started.set()
            await trio.sleep_forever()
        finally:
            with trio.CancelScope(shield=True):
                await trio.sleep(0.05)  # e.g. telling peers goodbye
            steps.append(f"closed on {threading.current_thread().name}")

    async def caller() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(runtime.core_thread.call, hosted)
            await trio.to_thread.run_sync(started.wait)
            nursery.cancel_scope.cancel()
        steps.append("call returned")

    done: list[None] = []
    runtime.spawn(caller, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert steps == ["closed on studycircle-core", "call returned"]
