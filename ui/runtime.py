"""trio in guest mode on Qt's event loop, and the one way widgets start async work.

Owns: `Runtime` — starts a trio guest run whose ticks are posted to the Qt loop (so
every trio task, and every callback it makes, runs on the GUI thread), `spawn()` for
widgets (the work runs as a trio task; `on_done`/`on_error` run on the GUI thread),
`stop()` for a clean shutdown (trio finishes first; then `finished` is emitted and the
caller quits Qt). A result whose view was closed meanwhile is dropped (`ui.receivers`).
Errors nobody handled are reported once through `failed`, worded for
a person (`ui.errors.describe`); they never end the trio run. Starting a task and handing
back its outcome is `ui.spawning`'s, shared with `ui.core_thread`.

trio is not imported with this module: `start(main)` calls `main(runtime)` at once (so a
main that paints before awaiting anything — `ui.launcher.run_desktop` — paints before
trio and the app's modules are loaded), then imports them on a thread of its own
(`ui.preload.import_core_modules`, past PySide6's import hook) once the loop has turned
— or, if `main` called `hold_start()`, once it calls `release_start()` (after the first
paint) — and only then starts the guest run with what `main` returned. Work spawned
meanwhile waits for the run.

The cores do not run here: `core_thread` (`ui.core_thread`, started on first use) is a
second trio run on a thread of its own; `ui.session` hosts cores there, and the guest
run closes it before it ends.

Runs on the GUI thread; `post` (trio's I/O thread, the core thread) from any thread.
"""

from __future__ import annotations

import collections
import logging
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal, Slot

from ui.errors import describe
from ui.receivers import all_receivers_gone, receiver_gone
from ui.spawning import Spawner

if TYPE_CHECKING:  # imported once the window has painted (`start`)
    import trio

    from ui.core_thread import CoreThread

log = logging.getLogger(__name__)

Main = Callable[["Runtime"], Awaitable[None]]


class Runtime(QObject):
    """One trio guest run on this thread's Qt loop."""

    failed = Signal(str)  # a message a person can act on
    finished = Signal()
    OUTLIVES_VIEWS = True  # not a receiver whose deletion drops a callback (`ui.receivers`)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # trio's I/O thread (and worker threads) post; the GUI thread runs what was posted,
        # in order: a queued no-argument invoke per post, not a signal carrying the callable.
        self._posted: collections.deque[Callable[[], Any]] = collections.deque()
        self._token: trio.lowlevel.TrioToken | None = None
        self._nurseries: list[trio.Nursery] = []
        self._early: list[tuple[Any, ...]] = []  # spawned before the root task was up
        self._core_thread: CoreThread | None = None
        self._stop_asked = False  # before the guest run was up
        self._held = False  # `hold_start()`: the run waits for `release_start()`
        self._pending: Awaitable[None] | None = None  # main's result, until the run starts
        self.running = False
        self.error: BaseException | None = None
        self._spawner = Spawner(
            where="a UI task", report=lambda text: self.failed.emit(text), hand_back=self._callback
        )

    # -- the guest run ---------------------------------------------------------------
    def start(self, main: Main) -> None:
        """Call `main(runtime)` now and run what it returns as trio's root task; when that
        returns the run ends. The run itself starts once trio and the app's modules are
        imported, on a thread, after the loop's first turn (the window's first paint)."""
        if self.running:
            raise RuntimeError("this runtime is already running")
        self.running = True
        try:
            self._pending = main(self)
        except Exception as error:  # e.g. the first paint failed: the run ends before it began
            log.error("The desktop could not start", exc_info=error)
            self.running, self.error = False, error
            QTimer.singleShot(0, lambda: self.finished.emit())  # once the caller's loop runs
            return
        if not self._held:
            QTimer.singleShot(0, self.release_start)

    def hold_start(self) -> None:
        """From `main`'s synchronous part: start the run only on `release_start()`."""
        self._held = True

    def release_start(self) -> None:
        """Import trio and the app's modules and start the run (once; later calls do
        nothing). Not before the window's first paint: the import holds the GIL, and the
        paint's model reads are Python calls that would each wait for it (up to 5 ms)."""
        root, self._pending = self._pending, None
        if root is None:
            return

        def work() -> None:
            from ui.preload import import_core_modules

            try:
                import_core_modules()
            finally:  # an import error surfaces in the guest run's own import below
                self.post(lambda: self._start_guest_run(root))

        threading.Thread(target=work, name="studycircle-imports", daemon=True).start()

    def _start_guest_run(self, root: Awaitable[None]) -> None:
        import trio

        trio.lowlevel.start_guest_run(
            self._root,
            root,
            run_sync_soon_threadsafe=self.post,
            done_callback=self._done,
            strict_exception_groups=True,
        )

    async def _root(self, root: Awaitable[None]) -> None:
        import trio

        self._token = trio.lowlevel.current_trio_token()
        try:
            async with self.task_scope() as nursery:
                for work, on_done, on_error in self._early:
                    nursery.start_soon(self._spawner.run, work, on_done, on_error)
                self._early.clear()
                if self._stop_asked:  # stopped before the run was up: end at once
                    self.stop()
                await root
                self.stop()  # main is done: end the tasks it left behind too
        finally:
            core_thread, self._core_thread = self._core_thread, None
            if core_thread is not None:  # its sessions have closed with the tasks above
                with trio.CancelScope(shield=True):
                    await trio.to_thread.run_sync(core_thread.close)

    @property
    def core_thread(self) -> CoreThread:
        """The thread whose trio run hosts the cores (started on first use)."""
        if self._core_thread is None:
            if not self.running:
                raise RuntimeError("the runtime is not running")
            from ui.core_thread import CoreThread

            self._core_thread = CoreThread(deliver=self._deliver, report=lambda text: self.failed.emit(text))
            self._core_thread.start()
        return self._core_thread

    def _deliver(self, function: Callable[[], None]) -> None:
        """A result from the core thread: on the GUI thread, a failing view reported once."""
        self.post(lambda: self._callback(lambda _: function(), None))

    def post(self, function: Callable[[], Any]) -> None:
        """Run `function()` on the GUI thread soon, after what was posted before (any thread)."""
        self._posted.append(function)  # deque appends are atomic: any thread
        QMetaObject.invokeMethod(self, "_run_posted", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _run_posted(self) -> None:
        # One function per invoke, never "drain while not empty": a guest tick posts the
        # next tick, so draining would run trio for as long as it has work, and no Qt
        # timer or paint would get in between (measured: 551 ticks, 1 s, in one call).
        if self._posted:
            self._posted.popleft()()

    def _done(self, outcome: Any) -> None:
        self.running = False
        self._token = None
        try:
            outcome.unwrap()
        except BaseException as error:  # the run is over; say so once, don't crash Qt
            self.error = error
            log.error("The trio run ended with an error:\n%s", "".join(traceback.format_exception(error)))
        self.finished.emit()

    def stop(self) -> None:
        """Cancel every task (cores close in their `finally`); `finished` follows."""
        if self._token is None:
            self._stop_asked = self.running  # the run is starting: it ends as soon as it is up
            return
        with _ignore_closed_run():
            self._token.run_sync_soon(self._cancel_all)

    def _cancel_all(self) -> None:
        for nursery in self._nurseries:
            nursery.cancel_scope.cancel()

    @asynccontextmanager
    async def task_scope(self) -> AsyncIterator[trio.Nursery]:
        """A nursery that `stop()` cancels; pass it to `spawn` so the tasks end before it
        exits (e.g. inside a core's lifetime, so no query outlives the database)."""
        import trio

        async with trio.open_nursery() as nursery:
            self._nurseries.append(nursery)
            try:
                yield nursery
            finally:
                self._nurseries.remove(nursery)

    # -- work started by widgets -----------------------------------------------------
    def spawn(
        self,
        work: Callable[[], Awaitable[Any]],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        *,
        nursery: trio.Nursery | None = None,
    ) -> bool:
        """Run `work()` as a trio task; then `on_done(result)` or `on_error(message)`.

        The task runs in `nursery` (a session's, so it ends before that session's core
        closes) or else the root one. Without `on_error`, a failure is reported through
        `failed`. Returns False (and does nothing) once the runtime is stopping.
        """
        if self.running and self._token is None and nursery is None:
            self._early.append((work, on_done, on_error))  # the guest run is starting
            return True
        if self._token is None or not self._nurseries:
            return False
        return self._spawner.spawn(self._token, nursery or self._nurseries[0], work, on_done, on_error)

    def _callback(self, function: Callable[[Any], None], value: Any) -> None:
        """Hand `value` to a view's callback; dropped silently when the view (a widget the
        callback would reach) was closed and deleted while the work ran (`ui.receivers`)."""
        if all_receivers_gone(function):
            log.debug("A result arrived for a view that was closed; dropped")
            return
        try:
            function(value)
        except Exception as error:  # a bug in a view must not end the run for every view
            if isinstance(error, RuntimeError) and receiver_gone(function):
                log.debug("A result arrived for a view that was closed; dropped (%s)", error)
                return
            log.error("A UI callback failed", exc_info=error)
            self.failed.emit(describe(error))


class _ignore_closed_run:
    """`run_sync_soon` after the run closed raises RunFinishedError: nothing to do then."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        import trio  # the run exists, so trio was imported

        return kind is not None and issubclass(kind, trio.RunFinishedError | RuntimeError)
