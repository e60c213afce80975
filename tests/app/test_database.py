"""The database worker: closing waits for a running job and refuses later ones, so a
view that refreshes while the app shuts down never touches a closed SQLite connection."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import trio

from app.database import Database, DatabaseClosed, files_stamp
from sync.identity import DeviceKey


async def test_close_waits_for_the_running_job_and_later_jobs_are_refused(tmp_path: Path) -> None:
    database = Database(tmp_path / "db.sqlite", DeviceKey(bytes(32)), verify_workers=0)
    started, finish = threading.Event(), threading.Event()

    def slow_query() -> int:
        started.set()
        assert finish.wait(timeout=10)
        return database.replica.db.execute("SELECT COUNT(*) FROM ops").fetchone()[0]

    results: list[int] = []
    async with trio.open_nursery() as nursery:

        async def query() -> None:
            results.append(await database.run(slow_query))

        nursery.start_soon(query)
        await trio.to_thread.run_sync(started.wait)
        closing = threading.Thread(target=database.close)
        closing.start()
        assert not closing.join(timeout=0.2) and closing.is_alive()  # waits for the query
        finish.set()
        await trio.to_thread.run_sync(closing.join)
    assert results == [0]  # the query finished on an open connection
    with pytest.raises(DatabaseClosed):
        await database.run(lambda: database.replica.db.execute("SELECT 1"))
    database.close()  # twice is harmless


async def test_another_connections_commit_changes_the_files_stamp(tmp_path: Path) -> None:
    """What lets a serving peer's slow poll notice a CLI command's write whose wake-up was
    lost, without a database trip while nothing changes."""
    path = tmp_path / "db.sqlite"
    database = Database(path, DeviceKey(bytes(32)), verify_workers=0)
    try:
        await database.run(lambda: database.replica.db.execute("SELECT 1"))
        before = files_stamp(database.files)
        await database.run(lambda: database.replica.db.execute("SELECT 1"))
        assert files_stamp(database.files) == before  # reading changes nothing

        other = sqlite3.connect(path)  # another process's command, as far as the files show
        with other:
            other.execute("CREATE TABLE theirs (a)")
        other.close()
        assert files_stamp(database.files) != before
    finally:
        database.close()
