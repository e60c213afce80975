"""Starting UI work as a task of a trio run from any thread, and handing back how it
ended: the plumbing the GUI's guest run (`ui.runtime.Runtime.spawn`) and the cores'
thread (`ui.core_thread.CoreThread.spawn`) share.

Owns `Spawner`: `spawn` (from any thread) asks the run to start the task in a nursery;
`run` is the task itself — it awaits the work (errors worded once, `ui.errors.attempt`)
and gives `on_done(result)` or `on_error(message)` (without `on_error`, `report`) to
`hand_back`, which runs them where the caller's callbacks belong. The task runs on the
run's thread; `hand_back` is called there.

trio is not imported here: `ui.runtime` imports this module before the first paint.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ui.errors import attempt

if TYPE_CHECKING:
    import trio

Work = Callable[[], Awaitable[Any]]
HandBack = Callable[[Callable[[Any], None], Any], None]  # (callback, its argument)


class Spawner:
    def __init__(self, *, where: str, report: Callable[[str], None], hand_back: HandBack) -> None:
        """`where` names the work in logged errors; `report(message)` takes a failure
        that no `on_error` does."""
        self._where = where
        self._report = report
        self._hand_back = hand_back

    def spawn(
        self,
        token: trio.lowlevel.TrioToken,
        nursery: trio.Nursery,
        work: Work,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Start `run(work, …)` in `nursery` of the run `token` names, soon; False (and
        nothing starts) when that run is over. A nursery closed meanwhile starts nothing."""

        def start() -> None:
            with contextlib.suppress(RuntimeError):  # that nursery closed (its session ended)
                nursery.start_soon(self.run, work, on_done, on_error)

        try:
            token.run_sync_soon(start)
        except RuntimeError:  # trio.RunFinishedError: the run is over
            return False
        return True

    async def run(
        self,
        work: Work,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        ok, value = await attempt(work, where=self._where)
        if not ok:
            self._hand_back(on_error or self._report, value)
        elif on_done is not None:
            self._hand_back(on_done, value)
