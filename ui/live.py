"""Live queries: re-run a view's query whenever `Changes` name its circle, never twice at once.

Owns: `LiveQuery` — at most one run in flight and one more queued, so a burst of
incoming ops costs two queries, not one per op. Runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ui.session import Session


class LiveQuery:
    def __init__(
        self, session: Session, fetch: Callable[[], Awaitable[Any]], show: Callable[[Any], None]
    ) -> None:
        self.session = session
        self.fetch = fetch
        self.show = show
        self.busy = False
        self._again = False
        self.runs = 0

    def refresh(self) -> None:
        if self.busy:
            self._again = True
            return
        self.busy = self.session.run(self.fetch, self._done, self._failed)

    def _done(self, value: Any) -> None:
        self.busy = False
        self.runs += 1
        self.show(value)
        self._after()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.session.runtime.failed.emit(message)
        self._after()

    def _after(self) -> None:
        if self._again:
            self._again = False
            self.refresh()
