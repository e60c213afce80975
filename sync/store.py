"""The SQLite file behind one device's replica: connection, schema, transactions.

Runs on whichever single thread owns the replica (the app's database worker). WAL
mode lets a second process (the CLI while a peer serves) write the same file; each
write is one IMMEDIATE transaction, so two writers never interleave.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

SCHEMA_PACKAGE = "sync.schema"


class WriteBuffer:
    """Groups consecutive identical write statements into one `executemany`.

    Reads (anything but INSERT/UPDATE/DELETE) flush first, so every read sees every
    write made before it; COMMIT flushes too. Writes to one table keep their order;
    writes to different tables may be grouped past each other.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._groups: list[tuple[str, list[Sequence[object]]]] = []
        self._last_group_of: dict[str, int] = {}

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor | None:
        table = _written_table(sql)
        if table is not None:
            index = self._last_group_of.get(table)
            if index is not None and self._groups[index][0] == sql:
                self._groups[index][1].append(parameters)
            else:
                self._last_group_of[table] = len(self._groups)
                self._groups.append((sql, [parameters]))
            return None
        self.flush()
        return self.connection.execute(sql, parameters)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.flush()
        self.connection.executemany(sql, rows)

    def flush(self) -> None:
        groups, self._groups = self._groups, []
        self._last_group_of.clear()
        for sql, rows in groups:
            if len(rows) == 1:
                self.connection.execute(sql, rows[0])
            else:
                self.connection.executemany(sql, rows)

    def discard(self) -> None:
        self._groups = []
        self._last_group_of.clear()


@functools.cache
def _adapt_bytes_quickly() -> None:
    """Python 3.11's sqlite3 looks every bytes parameter up in its adapter registry, then
    asks the protocol and the value to adapt it, formatting and discarding an
    AttributeError on the way (a few microseconds per op on ingest, whose rows are mostly
    blobs). Registering bytes as its own adapter ends the search at the first lookup;
    `bytes(value)` returns the same object, so what is stored does not change.

    The registry is the process's (sqlite3 has no per-connection adapters), so this is
    done once, when the first store opens, not when the core is imported."""
    sqlite3.register_adapter(bytes, bytes)


@functools.lru_cache(maxsize=4096)
def _written_table(sql: str) -> str | None:
    """The table a write statement changes; None for anything that is not a write."""
    if sql.lstrip()[:6].upper() not in _WRITES:
        return None
    words = sql.split(None, 6)
    for keyword in ("INTO", "UPDATE", "FROM"):
        if keyword in words:
            return words[words.index(keyword) + 1]
    return sql


_WRITES = ("INSERT", "UPDATE", "DELETE")


def schema_files() -> list[tuple[int, str]]:
    """(number, file name) of every schema file, by number; numbers must be distinct."""
    found = sorted(
        (int(entry.name.split("-", 1)[0]), entry.name)
        for entry in resources.files(SCHEMA_PACKAGE).iterdir()
        if entry.name.endswith(".sql")
    )
    numbers = [number for number, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two schema files share a number: {[name for _, name in found]}")
    return found


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        fresh = str(path) != ":memory:" and not self.path.exists()
        if fresh:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Create the file private before SQLite writes a byte of it.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        _adapt_bytes_quickly()
        self.connection = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self.buffer = WriteBuffer(self.connection)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA cache_size=-65536")  # 64 MiB: op-id index inserts are random
        self.connection.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MiB of WAL between checkpoints
        self.connection.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        """Apply each schema file numbered above `user_version`, in order; `user_version`
        is the number of the last one applied (the file's own, not its position: a file
        merged in with a lower number than one already applied is refused, not skipped)."""
        current = self.connection.execute("PRAGMA user_version").fetchone()[0]
        for number, name in schema_files():
            if number <= current:
                continue
            sql = resources.files(SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
            with self.transaction():
                for statement in _statements(sql):
                    self.connection.execute(statement)
                self.connection.execute(f"PRAGMA user_version={number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all or nothing, and one writer at a time."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
            self.buffer.flush()
        except BaseException:
            self.buffer.discard()
            if self.connection.in_transaction:  # SQLite rolls back by itself on interrupt, full disk
                self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


def _statements(sql: str) -> Iterator[str]:
    buffer: list[str] = []
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(buffer).strip()
            buffer.clear()
            if statement:
                yield statement
