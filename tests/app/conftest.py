"""Fixtures for app tests: real cores (SQLite files, real signing) on either network."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio

from app import identity
from app.clock import SystemClock
from app.core import Core
from app.database import Database
from app.network.sync_service import CROSSED, RECONCILE_PROTOCOL, SyncSettings
from app.paths import database_path
from app.services.commands import Commands
from app.services.rows import FileProgress
from p2p.config import HostConfig
from p2p.framing import FramedStream
from p2p.host import Libp2pNetwork
from p2p.interface import Network
from p2p.memory import MemoryHub
from sync.changes import Changes
from sync.wire.gossip import Answer, Hello, decode_answer, encode_hello

DEADLINE = 30.0  # generous for a loaded 2-core CI machine; passing runs take far less
FAST = SyncSettings(poll_interval=0.05, digest_interval=0.5, reconcile_interval=1.0)


@pytest.fixture(params=["memory", "libp2p"])
def network(request: pytest.FixtureRequest) -> Network:
    if request.param == "libp2p":
        return Libp2pNetwork()
    return MemoryHub(rng=random.Random(3))


class Changed:
    """Lets a test wait for 'something changed somewhere' instead of sleeping."""

    def __init__(self) -> None:
        self.event = trio.Event()

    def __call__(self, changes: Changes) -> None:
        self.event.set()
        self.event = trio.Event()

    async def until(self, predicate: Callable[[], Awaitable[bool]], *, deadline: float = DEADLINE) -> None:
        with trio.fail_after(deadline):
            while not await predicate():
                with trio.move_on_after(0.5):  # re-check on timers too (sync sessions)
                    await self.event.wait()


@pytest.fixture
def changed() -> Changed:
    return Changed()


OpenCore = Callable[..., Awaitable[Core]]


@pytest.fixture
def homes(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str) -> Path:
        home = tmp_path / name
        if not (home / "device.key").exists():
            identity.create(home, name)
        return home

    return make


@asynccontextmanager
async def core_for(
    network: Network,
    home: Path,
    changed: Changed,
    *,
    settings: SyncSettings = FAST,
    mdns: bool = False,
    listen: tuple[str, ...] = ("/ip4/127.0.0.1/tcp/0",),
    on_file_progress: Callable[[FileProgress], None] | None = None,
) -> AsyncIterator[Core]:
    """A core on `home`; `mdns`: found by (and finding) the others with it on (the hub's
    stand-in in memory, real multicast on 127.0.0.1 for libp2p)."""
    config = HostConfig(listen_addrs=listen, mdns=mdns)
    async with Core.open(
        home=home,
        network=network,
        host_config=config,
        sync_settings=settings,
        on_changes=changed,
        on_file_progress=on_file_progress,
        verify_workers=0,
    ) as core:
        core.waiting_joins.retry_interval = 0.5  # a test need not wait 15 s for the timer
        yield core


People = Callable[[str], Commands]


@pytest.fixture
async def people(tmp_path: Path) -> AsyncIterator[People]:
    """`people(name)`: that person's commands over a database of their own, with no network
    (closed at the end); `tests.cli.helpers` moves ops between them."""
    opened: list[Database] = []

    def open_person(name: str) -> Commands:
        home = tmp_path / name
        me = identity.create(home, name.title())
        database = Database(database_path(home), me.key, verify_workers=0)
        opened.append(database)
        return Commands(database=database, identity=me, clock=SystemClock())

    try:
        yield open_person
    finally:
        for database in opened:
            database.close()


async def open_reconcile(opener: Core, server: Core, hello: Hello) -> tuple[Answer, FramedStream]:
    """A raw reconciliation stream from `opener` to `server`, `hello` sent and answered.
    A hello refused as crossed (the server, the smaller peer id, was running its own
    session with us for the space: its timer's) is sent again once a session of the
    server's has ended."""
    with trio.fail_after(DEADLINE):
        while True:
            finished = server.sync.session_finished
            stream = await opener.host.open_stream(server.host.peer_id, RECONCILE_PROTOCOL)
            await stream.send(encode_hello(hello))
            answer = decode_answer(await stream.receive())
            if answer.accepted or answer.reason != CROSSED:
                return answer, stream
            await stream.close()
            await finished.wait()
