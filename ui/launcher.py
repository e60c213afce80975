"""From start to the main window: the first-run dialog when there is no identity yet,
opening the core on the right network (the LAN, or an in-memory one for the demo),
carrying out the first choice (create, join, link, demo), and running until the window closes.

Owns `Launch` (what to open) and `run_desktop` (trio's root task in the GUI). With an
identity and a database, `run_desktop` paints the window at once, from a read-only
glance at the data (`app.services.glance`: plain sqlite3, before trio and the app's modules are
imported), and returns the rest — opening the session, whose views then take over
with the same rows — for the runtime to run as trio's root task (`ui.runtime`). Without
(a first run), or when the glance cannot read the file, the window comes once the data
is open, as before. The rest runs on the trio guest run; dialogs are opened with
`open()` and awaited through their signals. The cores (the session's, the demo
classmates') run on the core thread (`ui.session`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer, SignalInstance

from app.paths import key_path
from app.services import glance
from ui import app_icon
from ui.main_window import MainWindow
from ui.runtime import Runtime
from ui.session import Session
from ui.unread_counts import stored_marks

if TYPE_CHECKING:  # trio after the first paint, the network stack after the window is up
    import trio

    from app.core import SyncSettings
    from app.launch import Network
    from ui.first_run import FirstRun, FirstRunDialog  # imported on a first run only


log = logging.getLogger(__name__)


def default_network(demo: bool) -> Network:
    from app.launch import lan_network, memory_network

    return memory_network() if demo else lan_network()


def desktop_verify_workers() -> int:
    """Processes checking signatures during a big sync: two, but leaving a core for the
    GUI thread. On 2 cores, two workers beside the database worker left it none:
    100,000 ops at load ~2, p99 gap 19-21 -> 13 ms, max 49-67 -> 32-46 ms, the sync
    ~15 % slower (bench/responsiveness.py, alternating runs)."""
    return max(1, min(2, (os.cpu_count() or 2) - 1))


@dataclass
class Launch:
    home: Path
    demo: bool = False  # run on an in-memory network with two demo classmates
    network_for: Callable[[bool], Network] = default_network  # called off the GUI thread
    settings: QSettings | None = None  # default: desktop.ini in the data directory
    sync_settings: SyncSettings | None = None
    local_only: bool = False
    verify_workers: int = field(default_factory=desktop_verify_workers)
    connect: tuple[str, ...] = ()  # peers' addresses to dial once the network is up
    on_window: Callable[[MainWindow], None] = lambda window: None
    on_first_run: Callable[[FirstRunDialog], None] = lambda dialog: None


async def signalled(*signals: SignalInstance) -> int:
    """Wait for the first of `signals`; its index."""
    import trio

    event, fired = trio.Event(), list[int]()
    for index, signal in enumerate(signals):
        signal.connect(lambda *_, index=index: _fire(fired, index, event))
    await event.wait()
    return fired[0]


def _fire(fired: list[int], index: int, event: trio.Event) -> None:
    fired.append(index)
    event.set()


translate = QCoreApplication.translate  # named so lupdate finds the strings


def run_desktop(runtime: Runtime, launch: Launch) -> Awaitable[None]:
    """The desktop's start: the window painted now if the data can be glanced at, and
    the rest (for trio's root task) returned."""
    app_icon.install()  # the first-run dialog's and the window's icon
    if not key_path(launch.home).exists():
        return _first_run(runtime, launch)
    settings = launch.settings or QSettings(str(launch.home / "desktop.ini"), QSettings.Format.IniFormat)
    try:
        sight = glance.read(launch.home, marks=stored_marks(settings))
    except Exception:  # a bug in the glance must not keep the window shut: the core reads
        log.exception("The first paint's glance at %s failed; waiting for the core", launch.home)
        sight = None
    if sight is None:
        return _desktop(runtime, launch, settings=settings)
    session = _session(runtime, launch)
    session.starting = True  # its views' work waits until the data is open
    window = MainWindow(session, settings, glance=sight)
    runtime.hold_start()  # the core's imports come after the window has painted
    window.installEventFilter(_AfterFirstPaint(window, runtime.release_start))
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, runtime.release_start)  # e.g. started minimized
    window.show()
    launch.on_window(window)
    for address in launch.connect:
        window.dial(address)
    return _desktop(runtime, launch, settings=settings, session=session, window=window)


async def _first_run(runtime: Runtime, launch: Launch) -> None:
    from app import identity
    from ui.first_run import FirstRunDialog

    dialog = FirstRunDialog()
    dialog.open()
    launch.on_first_run(dialog)
    if await signalled(dialog.accepted, dialog.rejected) == 1:
        return
    first = dialog.result_value()
    identity.create(launch.home, first.name)
    settings = launch.settings or QSettings(str(launch.home / "desktop.ini"), QSettings.Format.IniFormat)
    await _desktop(runtime, launch, settings=settings, first=first)


FIRST_PAINT_WAIT_MS = 1000  # if the window does not paint (hidden, minimized), start anyway


class _AfterFirstPaint(QObject):
    """Calls `then()` once the window's first paint is done (on the loop's next turn)."""

    def __init__(self, window: MainWindow, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after the rest of this paint
        return False


def _session(runtime: Runtime, launch: Launch, first: FirstRun | None = None) -> Session:
    session = Session(runtime)
    if launch.demo or (first is not None and first.choice == "demo"):
        session.label = translate("Launch", "demo: an in-memory network on this computer")
    return session


async def _desktop(
    runtime: Runtime,
    launch: Launch,
    *,
    settings: QSettings,
    first: FirstRun | None = None,
    session: Session | None = None,
    window: MainWindow | None = None,
) -> None:
    import trio

    use_demo = launch.demo or (first is not None and first.choice == "demo")
    session = session or _session(runtime, launch, first)
    closed = trio.Event()
    if window is not None:
        if not window.isVisible():  # closed before trio was up
            return
        window.closed.connect(closed.set)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(
            lambda: session.serve(
                home=launch.home,
                network=lambda: launch.network_for(use_demo),
                sync_settings=launch.sync_settings,
                local_only=launch.local_only,
                verify_workers=launch.verify_workers,
                until=closed,
            )
        )
        if window is None:
            await signalled(session.ready)
            window = MainWindow(session, settings)
            window.closed.connect(closed.set)
            window.show()
            launch.on_window(window)
            for address in launch.connect:
                window.dial(address)
        from app.services import demo_circles  # after the first paint

        home = launch.home
        if demo_circles.recorded(home):
            # A demo circle joined before never comes back to life (its classmates were
            # throwaway): leave it; the next demo run joins a fresh one.
            if not session.is_open:
                await signalled(session.ready)
            session.run(lambda: demo_circles.leave_demo_circles(session.commands, home), _said_left(window))
        if first is not None and first.choice == "create":
            commands = session.commands
            session.run(lambda: commands.create_circle(first.circle_name), window._created)
        needs_network = (first is not None and first.choice in ("join", "link")) or use_demo
        if needs_network and session.core is None:
            await signalled(session.online)
        if first is not None and first.choice == "join":
            window.join(first.invite_code)
        if first is not None and first.choice == "link":
            window.join_device(first.invite_code)
        if use_demo:
            window.statusBar().showMessage(translate("Launch", "Starting the demo classmates…"))
            network = session.network
            assert network is not None
            # The classmates' cores live where the session's does (the core thread, on
            # the same in-memory network); the invite code comes back to the GUI thread.
            def joined(result: object) -> None:
                space = result[0]  # type: ignore[index]
                session.run(lambda: trio.to_thread.run_sync(demo_circles.remember, home, space))

            join = lambda code: runtime.post(lambda: window.join(code, on_done=joined))  # noqa: E731
            session.run(lambda: _demo_peers(network, join))
        await closed.wait()
        nursery.cancel_scope.cancel()


def _said_left(window: MainWindow) -> Callable[[list[object]], None]:
    def said(left: list[object]) -> None:
        if left:
            window.statusBar().showMessage(
                translate("Launch", "Left the demo circle of an earlier run (its classmates were a demo)."),
                8000,
            )

    return said


async def _demo_peers(network: Network, on_invite: Callable[[str], None]) -> None:
    from app import demo

    with tempfile.TemporaryDirectory(prefix="studycircle-demo-") as base:
        await demo.run_demo_peers(network, Path(base), on_invite)
