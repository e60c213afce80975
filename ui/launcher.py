"""From start to the main window: the first-run dialog when there is no identity yet,
opening the core on the right network (the LAN, or an in-memory one for the demo),
carrying out the first choice (create, join, demo), and running until the window closes.

Owns `Launch` (what to open) and `run_desktop` (trio's root task in the GUI). Runs on
the trio guest run; dialogs are opened with `open()` and awaited through their signals.
The cores (the session's, the demo classmates') run on the core thread (`ui.session`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import trio
from PySide6.QtCore import QCoreApplication, QSettings, SignalInstance

from app import identity
from app.paths import key_path
from ui.main_window import MainWindow
from ui.runtime import Runtime
from ui.session import Session

if TYPE_CHECKING:  # the network stack is imported after the window is up (ui.session)
    from app.launch import Network
    from app.sync_service import SyncSettings
    from ui.first_run import FirstRun, FirstRunDialog  # imported on a first run only


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
    event, fired = trio.Event(), list[int]()
    for index, signal in enumerate(signals):
        signal.connect(lambda *_, index=index: _fire(fired, index, event))
    await event.wait()
    return fired[0]


def _fire(fired: list[int], index: int, event: trio.Event) -> None:
    fired.append(index)
    event.set()


def tr(text: str) -> str:
    return QCoreApplication.translate("Launch", text)


async def run_desktop(runtime: Runtime, launch: Launch) -> None:
    first: FirstRun | None = None
    if not key_path(launch.home).exists():
        from ui.first_run import FirstRunDialog

        dialog = FirstRunDialog()
        dialog.open()
        launch.on_first_run(dialog)
        if await signalled(dialog.accepted, dialog.rejected) == 1:
            return
        first = dialog.result_value()
        identity.create(launch.home, first.name)
    use_demo = launch.demo or (first is not None and first.choice == "demo")
    session = Session(runtime)
    if use_demo:
        session.label = tr("demo: an in-memory network on this computer")
    settings = launch.settings or QSettings(str(launch.home / "desktop.ini"), QSettings.Format.IniFormat)
    closed = trio.Event()
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
        await signalled(session.ready)
        window = MainWindow(session, settings)
        window.closed.connect(closed.set)
        window.show()
        launch.on_window(window)
        for address in launch.connect:
            window.dial(address)
        if first is not None and first.choice == "create":
            commands = session.commands
            session.run(lambda: commands.create_circle(first.circle_name), window._created)
        needs_network = (first is not None and first.choice == "join") or use_demo
        if needs_network and session.core is None:
            await signalled(session.online)
        if first is not None and first.choice == "join":
            window.join(first.invite_code)
        if use_demo:
            window.statusBar().showMessage(tr("Starting the demo classmates…"))
            network = session.network
            assert network is not None
            # The classmates' cores live where the session's does (the core thread, on
            # the same in-memory network); the invite code comes back to the GUI thread.
            join = lambda code: runtime.post(lambda: window.join(code))  # noqa: E731
            session.run(lambda: _demo_peers(network, join))
        await closed.wait()
        nursery.cancel_scope.cancel()


async def _demo_peers(network: Network, on_invite: Callable[[str], None]) -> None:
    from app import demo

    with tempfile.TemporaryDirectory(prefix="studycircle-demo-") as base:
        await demo.run_demo_peers(network, Path(base), on_invite)
