"""Fixtures for UI tests: a trio guest run on the test's Qt loop, and real app cores
(SQLite files, real signing) on one in-memory network, opened through `ui.session`.

Waiting is always `qtbot.waitUntil` / `waitSignal` with a deadline, never a sleep.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trio
from pytestqt.qtbot import QtBot

from app import identity
from app.network.sync_service import SyncSettings
from p2p.interface import Network
from p2p.memory import MemoryHub
from ui.runtime import Runtime
from ui.session import Session

WAIT_MS = 20_000  # generous for a loaded 2-core machine; passing runs take far less
FAST = SyncSettings(poll_interval=0.05, digest_interval=0.5, reconcile_interval=1.0)


@pytest.fixture
def runtime(qtbot: QtBot) -> Iterator[Runtime]:
    runtime = Runtime()
    failures: list[str] = []
    runtime.failed.connect(failures.append)
    runtime.failures = failures  # type: ignore[attr-defined]

    async def idle(_: Runtime) -> None:
        await trio.sleep_forever()

    runtime.start(idle)
    yield runtime
    if runtime.running:
        with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
            runtime.stop()
    assert runtime.error is None


class Desk:
    """Several people's sessions on one in-memory network (or on `network`, e.g. real
    py-libp2p hosts on 127.0.0.1), their cores all on the test runtime's core thread."""

    def __init__(
        self, qtbot: QtBot, runtime: Runtime, tmp_path: Path, network: Network | None = None
    ) -> None:
        self.qtbot = qtbot
        self.runtime = runtime
        self.tmp_path = tmp_path
        self.hub: Network = network if network is not None else MemoryHub(rng=random.Random(5))

    def home(self, name: str, *, create: bool = True) -> Path:
        home = self.tmp_path / name
        if create and not (home / "device.key").exists():
            identity.create(home, name)
        return home

    def open(self, name: str) -> Session:
        session = Session(self.runtime)
        home = self.home(name)
        self.runtime.spawn(
            lambda: session.serve(
                home=home, network=self.hub, sync_settings=FAST, local_only=True, verify_workers=0
            )
        )
        self.qtbot.waitUntil(lambda: session.core is not None, timeout=WAIT_MS)
        return session

    def call(self, work: Callable[[], Awaitable[Any]]) -> Any:
        """Run app work on the core thread (where the cores live) and wait for its result."""
        box: list[Any] = []
        errors: list[str] = []
        self.runtime.core_thread.spawn(work, box.append, errors.append)
        self.qtbot.waitUntil(lambda: bool(box or errors), timeout=WAIT_MS)
        assert not errors, errors
        return box[0]


@pytest.fixture
def desk(qtbot: QtBot, runtime: Runtime, tmp_path: Path) -> Desk:
    return Desk(qtbot, runtime, tmp_path)
