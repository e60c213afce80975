"""The SQLite file behind one device's replica: connection, schema, transactions.

Runs on whichever single thread owns the replica (the app's database worker). WAL
mode lets a second process (the CLI while a peer serves) write the same file; each
write is one IMMEDIATE transaction, so two writers never interleave.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import sqlite_utils

SCHEMA_PACKAGE = "sync.schema"


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        fresh = str(path) != ":memory:" and not self.path.exists()
        if fresh:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Create the file private before SQLite writes a byte of it.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self.connection = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self.db = sqlite_utils.Database(self.connection)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        current = self.connection.execute("PRAGMA user_version").fetchone()[0]
        scripts = sorted(
            entry.name for entry in resources.files(SCHEMA_PACKAGE).iterdir() if entry.name.endswith(".sql")
        )
        for number, name in enumerate(scripts, start=1):
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
        except BaseException:
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
