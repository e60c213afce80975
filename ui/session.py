"""A session: one open app core seen from Qt — what views observe and how they act.

Owns: `Session` — opens a `Core` on the runtime's trio run and keeps it open until the
runtime stops; turns the core's one `Changes` stream (local writes and ops admitted
from peers alike) into the Qt signal `changed`, and the sync service's session moves
into `peers_changed`; `run()` is the one helper every view uses to start app work
(queries and commands) so it never blocks the GUI thread and errors are shown the
same way. Views never hold a `Core` of their own.

Runs on the GUI thread (trio guest run).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import trio
from PySide6.QtCore import QObject, Signal

from app.commands import Commands
from app.core import Core
from app.launch import Network, host_config
from app.sync_service import SyncSettings
from sync.changes import Changes
from sync.ids import DeviceId
from ui.runtime import Runtime


class Session(QObject):
    changed = Signal(object)  # a `Changes`: re-query what it names
    peers_changed = Signal()
    ready = Signal()
    closed = Signal()

    def __init__(self, runtime: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.core: Core | None = None
        self.label = ""  # e.g. "demo" when not on the LAN
        self._nursery: trio.Nursery | None = None

    # -- lifetime --------------------------------------------------------------------
    async def serve(
        self,
        *,
        home: Path,
        network: Network,
        sync_settings: SyncSettings | None = None,
        local_only: bool = False,
        verify_workers: int = 2,
        until: trio.Event | None = None,
    ) -> None:
        """Open the core, announce `ready`, and keep it open until cancelled (or `until`)."""
        try:
            await self._serve(home, network, sync_settings, local_only, verify_workers, until)
        finally:
            self.core = None
            self.closed.emit()

    async def _serve(
        self,
        home: Path,
        network: Network,
        sync_settings: SyncSettings | None,
        local_only: bool,
        verify_workers: int,
        until: trio.Event | None,
    ) -> None:
        async with (
            Core.open(
                home=home,
                network=network,
                host_config=host_config(local_only=local_only),
                sync_settings=sync_settings,
                on_changes=self._changed,
                verify_workers=verify_workers,
            ) as core,
            self.runtime.task_scope() as nursery,
        ):
            self.core, self._nursery = core, nursery
            nursery.start_soon(self._watch_peers, core)
            self.ready.emit()
            try:
                await (until.wait() if until is not None else trio.sleep_forever())
                nursery.cancel_scope.cancel()
            finally:
                self._nursery = None

    def _changed(self, changes: Changes) -> None:
        self.changed.emit(changes)

    async def _watch_peers(self, core: Core) -> None:
        while True:
            await core.sync.sessions_changed.wait()
            self.peers_changed.emit()

    # -- what views use --------------------------------------------------------------
    @property
    def commands(self) -> Commands:
        if self.core is None:
            raise RuntimeError("the session is not open")
        return self.core.commands

    @property
    def me(self) -> DeviceId:
        assert self.core is not None
        return self.core.identity.key.device_id

    @property
    def my_name(self) -> str:
        return self.core.identity.name if self.core is not None else ""

    def run(
        self,
        work: Callable[[], Awaitable[Any]],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Start app work (a query or a command) on this session's core; see `Runtime.spawn`."""
        if self._nursery is None:
            return False
        return self.runtime.spawn(work, on_done, on_error, nursery=self._nursery)
