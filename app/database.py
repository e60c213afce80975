"""The one database limiter: every replica call runs on a worker thread, one at a time.

The UI thread and the network tasks never wait on SQLite or on bulk signature checks.
Bulk verification fans out to a process pool (PyNaCl holds the GIL between checks, so
threads would contend; `app.worker_pool`: its workers die with this process); small
batches are verified inline.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import trio

from app.clock import Clock, SystemClock
from app.errors import disk_full
from app.worker_pool import WorkerPool
from sync.identity import DeviceKey
from sync.replica import Replica
from sync.store import Store

T = TypeVar("T")
POOL_THRESHOLD_CHUNKS = 2

FilesStamp = tuple[tuple[int, int], ...] | None


def files_stamp(paths: tuple[os.PathLike[str], ...]) -> FilesStamp:
    """A cheap fingerprint of database files: it changes with every commit to them."""
    try:
        return tuple((info.st_mtime_ns, info.st_size) for info in map(os.stat, paths))
    except OSError:  # no WAL yet, or an in-memory store
        return None


class DatabaseClosed(RuntimeError):
    """Work was sent to a database after it was closed (e.g. a view refreshing at exit)."""


class Database:
    def __init__(
        self, path: Any, key: DeviceKey, *, verify_workers: int = 2, clock: Clock | None = None
    ) -> None:
        self._open = threading.Lock()
        self._closed = False
        self._workers = verify_workers
        self._pool: WorkerPool | None = None
        try:
            store = Store(path)
        except sqlite3.Error as error:  # creating or upgrading the schema writes
            if (full := disk_full(error, Path(path).parent)) is None:
                raise
            raise full from error
        # The replica admits an op only once its clock is near this device's (sync.hlc).
        now_ms = (clock or SystemClock()).now_ms
        self.replica = Replica(store, key, verify_map=self._verify_map, now_ms=now_ms)
        self.limiter = trio.CapacityLimiter(1)
        store_path = self.replica.store.path
        self.files = (store_path, store_path.with_name(store_path.name + "-wal"))

    def _verify_map(self, function: Callable[[Any], T], chunks: Iterable[Any]) -> Iterable[T]:
        chunks = list(chunks)
        if len(chunks) < POOL_THRESHOLD_CHUNKS or self._workers < 1:
            return map(function, chunks)
        if self._pool is None:
            self._pool = WorkerPool(self._workers)
        return self._pool.map(function, chunks)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        def job() -> T:
            with self._open:  # close() waits for a running job; a later one is refused
                if self._closed:
                    raise DatabaseClosed("This data directory was closed; open it again.")
                try:
                    return function(*args)
                except (sqlite3.Error, OSError) as error:
                    # A full disk is a sentence, not an internal error; the transaction
                    # it broke was rolled back (`Store.transaction`).
                    if (full := disk_full(error, self.files[0].parent)) is None:
                        raise
                    raise full from error

        return await trio.to_thread.run_sync(job, limiter=self.limiter)

    def close(self) -> None:
        """Close the store once no job is running on it (closing a SQLite connection
        under a running query crashes the process)."""
        with self._open:
            if self._closed:
                return
            self._closed = True
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self.replica.store.close()
