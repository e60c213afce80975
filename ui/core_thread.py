"""The cores' own thread: a plain `trio.run` that hosts this process's cores (network
host, sync service, database worker), so py-libp2p's Noise/yamux work, sync sessions
and ingest never run as ticks of the GUI thread's trio guest run.

Why a thread of its own: on the GUI thread, every socket call of a guest tick gave up
the GIL and waited to get it back from the database worker (a GIL convoy): ticks of
100–200 ms, and the Qt loop froze for up to 0.9 s while 100,000 ops arrived.

Owns `CoreThread`, started by `ui.runtime.Runtime` on first use:

- `spawn(work, on_done, on_error)` — from the GUI thread: run `work()` as a task on the
  core thread's trio; `on_done(result)` / `on_error(message)` are handed to `deliver`,
  which runs them on the GUI thread, in order. Errors are worded once (`ui.errors`);
  the plumbing is `ui.spawning`'s, shared with the GUI's run.
- `call(work)` — from the GUI's trio run: await `work()` running on the core thread;
  cancelling the caller cancels the work and waits until it has finished (so a core's
  `finally` — peers told, store closed — is done when `call` returns).
- `close()` — end the run (its remaining tasks are cancelled) and join the thread.

The thread runs only trio; `spawn`, `call` and `close` are called from other threads.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import outcome
import trio

from ui.spawning import Spawner

log = logging.getLogger(__name__)

T = TypeVar("T")
Deliver = Callable[[Callable[[], None]], None]


class CoreThread:
    def __init__(self, *, deliver: Deliver, report: Callable[[str], None]) -> None:
        """`deliver(function)` runs `function` on the GUI thread soon (from any thread);
        `report(message)` shows an error that no `on_error` took (on the GUI thread)."""
        self._deliver = deliver
        self._spawner = Spawner(
            where="work started by the UI",
            report=report,
            hand_back=lambda callback, value: self._hand_back(lambda: callback(value)),
        )
        self._token: trio.lowlevel.TrioToken | None = None
        self._nursery: trio.Nursery | None = None
        self._stop: trio.Event | None = None
        self._up = threading.Event()
        self._thread = threading.Thread(target=self._run, name="studycircle-core", daemon=True)
        self.error: BaseException | None = None

    # -- the run -----------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        self._up.wait()  # trio.run starts in a few milliseconds

    def _run(self) -> None:
        try:
            trio.run(self._main, strict_exception_groups=True)
        except BaseException as error:  # reported once; the GUI's run decides what to do
            self.error = error
            log.error("The core thread's trio run ended with an error", exc_info=error)
        finally:
            self._token = None
            self._up.set()

    async def _main(self) -> None:
        self._stop = trio.Event()
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            self._token = trio.lowlevel.current_trio_token()
            self._up.set()
            await self._stop.wait()
            nursery.cancel_scope.cancel()
        self._nursery = None

    @property
    def running(self) -> bool:
        return self._token is not None

    def close(self) -> None:
        """End the run and wait for the thread (call it once the cores are closed)."""
        token, stop = self._token, self._stop
        if token is not None and stop is not None:
            with contextlib.suppress(trio.RunFinishedError):
                token.run_sync_soon(stop.set)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    # -- work --------------------------------------------------------------------------
    def spawn(
        self,
        work: Callable[[], Awaitable[Any]],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        *,
        nursery: trio.Nursery | None = None,
    ) -> bool:
        """Run `work()` on the core thread, in `nursery` (one of the core thread's, e.g. a
        session's, so the task ends before that session's core closes) or the root one.
        Returns False (and does nothing) when the run is over."""
        token = self._token
        target = nursery or self._nursery
        if token is None or target is None:
            return False
        return self._spawner.spawn(token, target, work, on_done, on_error)

    def _hand_back(self, function: Callable[[], None]) -> None:
        try:
            self._deliver(function)
        except RuntimeError as error:  # the GUI side is gone (shutting down): nobody to tell
            log.debug("A result arrived after the GUI closed: %s", error)

    async def call(self, work: Callable[[], Awaitable[T]]) -> T:
        """From another trio run (the GUI's): await `work()` running on the core thread.
        A cancelled caller cancels the work and still waits for it to finish."""
        token = self._token
        if token is None:
            raise RuntimeError("the core thread is not running")
        caller = trio.lowlevel.current_trio_token()
        finished = trio.Event()
        scope = trio.CancelScope()  # entered on the core thread; cancelled from here
        box: list[outcome.Outcome[T]] = []

        async def hosted() -> None:
            try:
                with scope:
                    box.append(await outcome.acapture(work))
            finally:
                caller.run_sync_soon(finished.set)

        def start() -> None:
            try:
                self._nursery.start_soon(hosted)  # type: ignore[union-attr]
            except (AttributeError, RuntimeError):  # the run is closing: nothing was started
                caller.run_sync_soon(finished.set)

        token.run_sync_soon(start)
        try:
            await finished.wait()
        finally:
            if not finished.is_set():  # we were cancelled: so is the work, and we wait for it
                token.run_sync_soon(scope.cancel)
                with trio.CancelScope(shield=True):
                    await finished.wait()
        if not box or (isinstance(box[0], outcome.Error) and isinstance(box[0].error, trio.Cancelled)):
            raise RuntimeError("the core thread stopped before this work finished")
        return box[0].unwrap()
