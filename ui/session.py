"""A session: one device's data seen from Qt — what views observe and how they act.

Owns `Session` and `NetworkStatus`. The data and the core live on the core thread (a
trio run of its own, `ui.core_thread`: the network's work and the ingest never run on
the GUI thread), opened in two steps so the window is usable before the network is:

1. *local* — the identity and the database (`app.database`, `app.services.commands`): views can
   query and write at once; `ready` is emitted.
2. *online* — the network stack is imported (on a worker thread: libp2p alone takes
   over a second) and the full `app.core.Core` (host, sync service) opened on the same
   database; `core` is set and `online` emitted.

Before step 1 the window may already be up, painted from `app.services.glance` (`ui.launcher`):
the session is then `starting`, and work given to `run()` waits until the data is open,
so a click or a keystroke made meanwhile is carried out, not dropped.

`run()` is the one helper every view uses to start app work (queries and commands): the
work runs on the core thread and its result, or its error worded once, comes back on the
GUI thread. The core's one `Changes` stream (local writes and ops admitted from peers
alike) becomes the Qt signal `changed`; how far each file arriving from a member has come
becomes `file_progress` (and `arriving`, the files on their way now); session moves become
`peers_changed`, and
`network_status` is a snapshot of the network (peers, sessions, my addresses) that views
read instead of the core's live objects, which only the core thread may touch.
Views never hold a `Core` of their own.

`serve` runs on the GUI thread's trio guest run, `_live` and the work of `run()` on the
core thread; signals are emitted and attributes set on the GUI thread only.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from sync.ids import DeviceId
from ui.preload import past_qt_hook
from ui.runtime import Runtime

if TYPE_CHECKING:  # trio and the app come after the first paint, the network stack later
    import trio

    from app.core import Core, SyncSettings
    from app.database import Database
    from app.identity import Identity
    from app.launch import Network
    from app.services.commands import Commands
    from app.services.rows import FileProgress
    from app.task_status import TaskStatus
    from sync.changes import Changes

STATUS_EVERY = 1.0  # s: "last sync" and session states also move on timers
SESSION_MOVES_EVERY = 0.1  # s: at most ten `peers_changed` a second while sessions churn


@dataclass(frozen=True, slots=True)
class NetworkStatus:
    """The network as the core thread last saw it (a value: safe to read on any thread)."""

    addresses: tuple[str, ...] = ()  # mine, to share (not the unroutable 0.0.0.0 ones)
    connected: frozenset[str] = frozenset()  # peer ids
    states: Mapping[str, str] = field(default_factory=dict)  # peer id -> its session's state
    sessions_running: int = 0
    last_sync_ms: int | None = None
    peers_behind: int = 0  # connected peers known to lack ops we hold (`SyncStatus.behind`)


@dataclass(frozen=True, slots=True)
class _Options:
    home: Path
    network: Network | Callable[[], Network]
    sync_settings: SyncSettings | None
    local_only: bool
    verify_workers: int


class Session(QObject):
    OUTLIVES_VIEWS = True  # not a receiver whose deletion drops a callback (`ui.receivers`)
    changed = Signal(object)  # a `Changes`: re-query what it names
    file_progress = Signal(object)  # a `FileProgress`: a file arriving, arrived or stopped
    peers_changed = Signal()
    ready = Signal()  # the data is readable and writable
    online = Signal()  # the core (network, sync) is up: `core` is set
    closed = Signal()

    def __init__(self, runtime: Runtime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self.core: Core | None = None  # hand it only to work given to `run()`
        self.identity: Identity | None = None
        self.label = ""  # e.g. "demo" when not on the LAN
        self.network: Network | None = None  # once online
        self.network_status: NetworkStatus | None = None  # once online
        self.home: Path | None = None  # the data folder, once serving
        self.arriving: dict[tuple[str, str], FileProgress] = {}  # (space, blob) hex -> how far
        self._local: Commands | None = None
        self._nursery: trio.Nursery | None = None  # the core thread's, for the views' work
        self._serving = False
        self.starting = False  # opening (or about to): `run()` keeps work until it is open
        self._waiting: list[tuple[Any, Any, Any]] = []  # work given to `run()` meanwhile

    # -- lifetime (GUI thread) ---------------------------------------------------------
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

        When this returns, the core thread has ended the views' work, closed the core
        (peers told) and then the database, in that order."""
        import trio

        from app.identity import load

        self.starting = True
        self.home = home
        try:
            self.identity = load(home)
        except BaseException:
            self._stop_starting()
            raise
        options = _Options(home, network, sync_settings, local_only, verify_workers)
        core_thread = self.runtime.core_thread
        self._serving = True
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(core_thread.call, lambda: self._hold(options))
                if until is not None:
                    await until.wait()
                    nursery.cancel_scope.cancel()
        finally:
            self._serving = False
            self._stop_starting()
            self._nursery = None
            self._local = None
            self.core = None
            self.network_status = None
            self.arriving = {}
            self.closed.emit()

    def _gui(self, function: Callable[[], None]) -> None:
        """From the core thread: run `function` on the GUI thread while the session is open."""
        self.runtime.post(lambda: function() if self._serving else None)

    def _opened(self, nursery: trio.Nursery, local: Commands) -> None:
        self._nursery, self._local = nursery, local
        self.starting = False
        waiting, self._waiting = self._waiting, []
        for work, on_done, on_error in waiting:  # in the order they were given
            self.run(work, on_done, on_error)
        self.ready.emit()

    def _stop_starting(self) -> None:
        """The session will not open (or has closed): work still waiting is dropped."""
        self.starting = False
        self._waiting = []

    def _came_online(self, core: Core, network: Network, status: NetworkStatus) -> None:
        self.core, self.network, self.network_status = core, network, status
        self.online.emit()
        self.peers_changed.emit()

    def _new_status(self, status: NetworkStatus, sessions_moved: bool) -> None:
        self.network_status = status
        if sessions_moved:
            self.peers_changed.emit()

    # -- the core thread ---------------------------------------------------------------
    async def _hold(self, options: _Options) -> None:
        """Live until cancelled, then close in order: a cancel from the GUI only starts
        the ending (`stopping`); the session itself runs shielded so that the views'
        work ends before the core closes, and the core before the database."""
        import trio

        stopping = trio.Event()
        async with trio.open_nursery() as watcher:
            watcher.start_soon(_set_when_cancelled, stopping)
            with trio.CancelScope(shield=True):
                await self._live(options, stopping)
            watcher.cancel_scope.cancel()

    async def _live(self, options: _Options, stopping: trio.Event) -> None:
        import trio

        from app.clock import SystemClock
        from app.database import Database
        from app.paths import database_path
        from app.services.commands import Commands

        identity = self.identity
        assert identity is not None
        database = await trio.to_thread.run_sync(
            lambda: Database(database_path(options.home), identity.key, verify_workers=options.verify_workers)
        )
        online: list[Core] = []

        def written(changes: Changes | None) -> None:
            if online:
                online[0].sync.nudge()  # a write that started before the core was up
            if changes is not None:
                self._changed(changes)

        local = Commands(database=database, identity=identity, clock=SystemClock(), after_write=written)
        try:
            async with trio.open_nursery() as holder:
                release = trio.Event()
                try:
                    async with trio.open_nursery() as tasks:  # the views' work
                        tasks.start_soon(_cancel_when, stopping, tasks.cancel_scope)
                        self._gui(lambda: self._opened(tasks, local))
                        await _settled(database)
                        core, network = await holder.start(self._hold_core, database, options, release)
                        online.append(core)
                        # What is alive now (modules, the window, the core) stays alive: keep it
                        # out of the collector's full scans, which hold the GIL — the GUI thread's
                        # too — for 100–300 ms each while ops arrive (measured with gc.callbacks).
                        gc.freeze()
                        status = _network_status(core)
                        self._gui(lambda: self._came_online(core, network, status))
                        await self._watch_peers(core)
                finally:
                    release.set()  # the views' work is over: now the core may close
        finally:
            await trio.to_thread.run_sync(database.close)  # waits for a running job

    async def _hold_core(
        self,
        database: Database,
        options: _Options,
        release: trio.Event,
        *,
        task_status: TaskStatus[tuple[Core, Network]],
    ) -> None:
        import trio

        core_type, host_config = await trio.to_thread.run_sync(_import_network_stack)
        network = options.network
        if not hasattr(network, "open_host"):
            network = await trio.to_thread.run_sync(_make_network, network)
        async with core_type.open(
            home=options.home,
            network=network,
            host_config=host_config(local_only=options.local_only, home=options.home),
            sync_settings=options.sync_settings,
            on_changes=self._changed,
            on_file_progress=self._file_moved,
            verify_workers=options.verify_workers,
            database=database,
        ) as core:
            task_status.started((core, network))
            await release.wait()

    def _changed(self, changes: Changes) -> None:
        self._gui(lambda: self.changed.emit(changes))

    def _file_moved(self, progress: FileProgress) -> None:
        self._gui(lambda: self._show_file_progress(progress))

    def _show_file_progress(self, progress: FileProgress) -> None:
        key = (progress.space, progress.blob)
        if progress.state == "arriving":
            self.arriving[key] = progress
        else:
            self.arriving.pop(key, None)
        self.file_progress.emit(progress)

    async def _watch_peers(self, core: Core) -> None:
        import trio

        while True:
            moved = False
            with trio.move_on_after(STATUS_EVERY):
                await core.sync.sessions_changed.wait()
                moved = True
            status = _network_status(core)
            self._gui(lambda status=status, moved=moved: self._new_status(status, moved))  # type: ignore[misc]
            if moved:
                await trio.sleep(SESSION_MOVES_EVERY)

    # -- what views use (GUI thread) -----------------------------------------------------
    @property
    def commands(self) -> Commands:
        """For work given to `run()` (it runs on the core thread)."""
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
        """Start app work (a query or a command) on this session's data: `work()` runs on
        the core thread; `on_done(result)` or `on_error(message)` on the GUI thread (without
        `on_error`, the runtime's `failed` says it). While the session is `starting`, the
        work waits until it is open. False if the session is not open (nor opening)."""
        if self._nursery is None:
            if self.starting:
                self._waiting.append((work, on_done, on_error))
                return True
            return False
        # A result that arrives once the session has closed has nobody left to show it to.
        done = None if on_done is None else lambda value: on_done(value) if self._serving else None
        failed = None if on_error is None else lambda text: on_error(text) if self._serving else None
        return self.runtime.core_thread.spawn(work, done, failed, nursery=self._nursery)


def _network_status(core: Core) -> NetworkStatus:
    return NetworkStatus(
        addresses=tuple(a for a in core.host.listen_addrs() if "/ip4/0.0.0.0/" not in a),
        connected=frozenset(core.host.connected_peers()),
        states={peer: state.value for peer, state in core.sync.peer_states().items()},
        sessions_running=core.sync.status.sessions_running,
        last_sync_ms=core.sync.status.last_sync_ms,
        peers_behind=core.sync.status.peers_behind,
    )


async def _set_when_cancelled(event: trio.Event) -> None:
    import trio

    try:
        await trio.sleep_forever()
    finally:
        event.set()


async def _cancel_when(event: trio.Event, scope: trio.CancelScope) -> None:
    await event.wait()
    scope.cancel()


async def _settled(database: Database, *, at_most: float = 5.0) -> None:
    """Wait until the views' first queries are answered: importing the network stack on
    another thread would hold the GIL against them (measured: it doubled the time to a
    populated window with 100,000 notes)."""
    import trio

    with trio.move_on_after(at_most):
        quiet = 0
        while quiet < 3:  # idle for three looks in a row: the first wave of queries is done
            await trio.sleep(0.02)
            statistics = database.limiter.statistics()
            quiet = quiet + 1 if not statistics.borrowed_tokens and not statistics.tasks_waiting else 0


def _import_network_stack() -> tuple[Any, Any]:
    # Past PySide6's import hook: it would read all ~800 files (ui.preload says what it costs).
    with past_qt_hook():
        core = importlib.import_module("app.core")
        launch = importlib.import_module("app.launch")
    return core.Core, launch.host_config


def _make_network(factory: Callable[[], Network]) -> Network:
    with past_qt_hook():  # the LAN's factory imports the libp2p host (p2p.host)
        return factory()
