"""Schema files are applied by their own number (sync.store): `user_version` names the
last file applied, and two files cannot share a number, so a branch's file merged with a
number a database has already passed is refused, never skipped or applied twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import sync.store
from sync.store import Store, schema_files


def test_the_files_are_numbered_one_after_another_from_1() -> None:
    numbers = [number for number, _ in schema_files()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_database_one_file_behind_gets_exactly_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "replica.sqlite"
    files = schema_files()
    monkeypatch.setattr(sync.store, "schema_files", lambda: files[:-1])  # an older build
    Store(path).close()
    assert _version(path) == files[-2][0]
    before = _tables(path)
    monkeypatch.undo()
    Store(path).close()  # this build: only the last file runs (it would fail if run twice)
    assert _version(path) == files[-1][0]
    assert _tables(path) != before


def test_two_files_with_one_number_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Entry:
        def __init__(self, name: str) -> None:
            self.name = name

    class Package:
        def iterdir(self) -> list[Entry]:
            return [Entry("0012-assignments.sql"), Entry("0012-coaching.sql"), Entry("__init__.py")]

    monkeypatch.setattr(sync.store.resources, "files", lambda _: Package())
    with pytest.raises(RuntimeError, match="share a number"):
        schema_files()


def _tables(path: Path) -> set[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        found = db.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index')")
        return {(row[0], row[1]) for row in found}  # a file may add only an index (0015) or a column (0016)
    finally:
        db.close()


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()
