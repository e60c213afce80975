"""A session: one device's data seen from Qt — what views observe and how they act.

Owns: `Session`, opened in two steps so the window is usable before the network is:

1. *local* — the identity and the database (`app.database`, `app.commands`): views can
   query and write at once; `ready` is emitted.
2. *online* — the network stack is imported and the full `app.core.Core` (host, sync
   service) opened on the same data directory, off the GUI thread (importing libp2p
   alone takes over a second); `online` is emitted and `core` is set. New commands then
   go through the core; the local database stays open (idle) until the session ends, so
   work that started on it finishes there.

It turns the core's one `Changes` stream (local writes and ops admitted from peers
alike) into the Qt signal `changed`, and the sync service's session moves into
`peers_changed`; `run()` is the one helper every view uses to start app work (queries
and commands) so it never blocks the GUI thread and errors are shown the same way.
Views never hold a `Core` of their own.

Runs on the GUI thread (trio guest run); the imports of step 2 run on a worker thread.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import trio
from PySide6.QtCore import QObject, Signal

from app.clock import SystemClock
from app.commands import Commands
from app.database import Database
from app.identity import Identity, load
from app.paths import database_path
from sync.changes import Changes
from sync.ids import DeviceId
from ui.qt_compat import emit
from ui.runtime import Runtime

if TYPE_CHECKING:  # the network stack is imported only once the window is up
    from app.core import Core
    from app.launch import Network
    from app.sync_service import SyncSettings


class Session(QObject):
    changed = Signal(object)  # a `Changes`: re-query what it names
    peers_changed = Signal()
    ready = Signal()  # the data is readable and writable
    online = Signal()  # the core (network, sync) is up: `core` is set
    closed = Signal()

    def __init__(self, runtime: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.core: Core | None = None
        self.identity: Identity | None = None
        self.label = ""  # e.g. "demo" when not on the LAN
        self.network: Network | None = None  # once online
        self._local: Commands | None = None
        self._nursery: trio.Nursery | None = None

    # -- lifetime --------------------------------------------------------------------
    async def serve(
        self,
        *,
        home: Path,
        network: Network | Callable[[], Network],
        sync_settings: SyncSettings | None = None,
        local_only: bool = False,
        verify_workers: int = 2,
        until: trio.Event | None = None,
    ) -> None:
        """Open the data (`ready`), then the core (`online`), and keep both open until
        cancelled (or `until`). `network` may be a factory: it is called off the GUI thread.

        The views' tasks run in a nursery inside the core's lifetime: they end before
        the core (and its database) closes."""
        self.identity = load(home)
        identity = self.identity
        local = await trio.to_thread.run_sync(
            lambda: Database(database_path(home), identity.key, verify_workers=0)
        )
        release = trio.Event()
        try:
            async with trio.open_nursery() as holder:
                async with self.runtime.task_scope() as tasks:
                    self._nursery = tasks
                    self._local = Commands(
                        database=local, identity=identity, clock=SystemClock(), after_write=self._written
                    )
                    emit(self.ready)
                    await _settled(local)
                    options = (home, network, sync_settings, local_only, verify_workers, release)
                    core = await holder.start(self._hold_core, *options)
                    # New work goes to the core; work already started on the local database
                    # (a query between two of its steps) finishes there: it closes at the end.
                    self.core = core
                    tasks.start_soon(self._watch_peers, core)
                    emit(self.online)
                    emit(self.peers_changed)
                    await (until.wait() if until is not None else trio.sleep_forever())
                    tasks.cancel_scope.cancel()
                release.set()
        finally:
            self._nursery = None
            self._local = None
            self.core = None
            local.close()
            emit(self.closed)

    async def _hold_core(
        self,
        home: Path,
        network: Network | Callable[[], Network],
        sync_settings: SyncSettings | None,
        local_only: bool,
        verify_workers: int,
        release: trio.Event,
        *,
        task_status: trio.TaskStatus[Core] = trio.TASK_STATUS_IGNORED,
    ) -> None:
        core_type, host_config = await trio.to_thread.run_sync(_import_network_stack)
        if not hasattr(network, "open_host"):
            network = await trio.to_thread.run_sync(network)  # type: ignore[arg-type]
        self.network = network
        async with core_type.open(
            home=home,
            network=network,
            host_config=host_config(local_only=local_only),
            sync_settings=sync_settings,
            on_changes=self._changed,
            verify_workers=verify_workers,
        ) as core:
            task_status.started(core)
            await release.wait()

    def _written(self, changes: Changes | None) -> None:
        if self.core is not None:
            self.core.sync.nudge()  # a write that started before the core was up
        if changes is not None:
            self._changed(changes)

    def _changed(self, changes: Changes) -> None:
        emit(self.changed, changes)

    async def _watch_peers(self, core: Core) -> None:
        while True:
            await core.sync.sessions_changed.wait()
            emit(self.peers_changed)

    # -- what views use --------------------------------------------------------------
    @property
    def commands(self) -> Commands:
        if self.core is not None:
            return self.core.commands
        if self._local is None:
            raise RuntimeError("the session is not open")
        return self._local

    @property
    def is_open(self) -> bool:
        return self.core is not None or self._local is not None

    @property
    def me(self) -> DeviceId:
        assert self.identity is not None
        return self.identity.key.device_id

    @property
    def my_name(self) -> str:
        return self.identity.name if self.identity is not None else ""

    def run(
        self,
        work: Callable[[], Awaitable[Any]],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Start app work (a query or a command) on this session's data; see `Runtime.spawn`."""
        if self._nursery is None:
            return False
        return self.runtime.spawn(work, on_done, on_error, nursery=self._nursery)


async def _settled(database: Database, *, at_most: float = 5.0) -> None:
    """Wait until the views' first queries are answered: importing the network stack on
    another thread would hold the GIL against them (measured: it doubled the time to a
    populated window with 100,000 notes)."""
    with trio.move_on_after(at_most):
        quiet = 0
        while quiet < 3:  # idle for three looks in a row: the first wave of queries is done
            await trio.sleep(0.02)
            statistics = database.limiter.statistics()
            quiet = quiet + 1 if not statistics.borrowed_tokens and not statistics.tasks_waiting else 0


def _import_network_stack() -> tuple[Any, Any]:
    core = importlib.import_module("app.core")
    launch = importlib.import_module("app.launch")
    return core.Core, launch.host_config
