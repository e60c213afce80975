"""A full disk is one sentence a person can act on, exit code 74, and changes nothing.

The disk fills for real, under a real SQLite file written by a real `studycircle` process,
in one of two ways:

- **a full tmpfs**: a small one is mounted for the test and filled to its last 48 KiB
  (needs root and `mount`; skipped with the reason otherwise). Writes fail with ENOSPC and
  SQLite says "database or disk is full".
- **a file-size limit** (RLIMIT_FSIZE) in the child process, 64 KiB above the size of its
  largest file: writes past it fail with EFBIG (Python ignores SIGXFSZ) and SQLite says
  "disk I/O error", the message the issue saw on a full disk.

Before the fix both were "unexpected error (OperationalError: …)" with exit code 70.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app import identity
from app.paths import database_path
from tests.cli.helpers import DEADLINE, InProcess, Result, fingerprint, studycircle
from tests.cli.test_orphans import HISTORY_OPS, a_circle_with_history

EXIT_DISK_FULL = 74
TMPFS_BYTES = 8 * 1024 * 1024
LEFT_FREE = 48 * 1024
ABOVE_LARGEST_FILE = 64 * 1024


@dataclass
class SmallDisk:
    """Where a data directory goes, and how to fill the disk under it and free it again."""

    root: Path
    fill: Callable[[Path], None]
    free: Callable[[], None]
    preexec: list[Callable[[], None]] = field(default_factory=list)  # run in the child

    def run(self, home: Path, *argv: str) -> Result:
        done = subprocess.run(
            [*studycircle(), "--home", str(home), *argv],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            env={**os.environ, "STUDYCIRCLE_LOG": "ERROR"},
            preexec_fn=(lambda: [step() for step in self.preexec]) if self.preexec else None,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def _full_tmpfs(tmp_path: Path) -> Generator[SmallDisk, None, None]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the file-size limit variant runs instead")
    root = tmp_path / "disk"
    root.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES}", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    filler = root / "filler"

    def fill(home: Path) -> None:
        with filler.open("wb") as file:
            try:
                while True:
                    file.write(b"\0" * 65536)
                    file.flush()
            except OSError:  # ENOSPC: the disk is full; leave a little room
                pass
        os.truncate(filler, max(0, filler.stat().st_size - LEFT_FREE))

    try:
        yield SmallDisk(root, fill, lambda: filler.unlink(missing_ok=True))
    finally:
        subprocess.run(["umount", "-l", str(root)], check=True)


def _file_size_limit(tmp_path: Path) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path, fill=lambda home: None, free=lambda: disk.preexec.clear())

    def fill(home: Path) -> None:
        limit = max(path.stat().st_size for path in home.iterdir()) + ABOVE_LARGEST_FILE

        def limit_files() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else a write past it kills the process
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        disk.preexec.append(limit_files)

    disk.fill = fill
    yield disk


@pytest.fixture(params=["full tmpfs", "file-size limit"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmallDisk]:
    make = _full_tmpfs if request.param == "full tmpfs" else _file_size_limit
    yield from make(tmp_path)


def integrity(home: Path) -> str:
    db = sqlite3.connect(database_path(home))
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def refused_for_a_full_disk(result: Result, home: Path) -> None:
    line = result.refused("is full (or could not be written)", str(home), "nothing was changed")
    assert "unexpected" not in line
    assert result.code == EXIT_DISK_FULL


def test_an_import_onto_a_full_disk_says_so_and_changes_nothing(
    tmp_path: Path, cli: InProcess, small_disk: SmallDisk
) -> None:
    ana, ben, circle = a_circle_with_history(tmp_path, cli, ben=small_disk.root / "ben")
    export = tmp_path / "physics.scx"
    cli(ana, "circle", "export", circle, str(export)).ok()
    before = fingerprint(ben)

    small_disk.fill(ben)
    refused_for_a_full_disk(small_disk.run(ben, "circle", "import", str(export)), ben)

    small_disk.free()
    assert fingerprint(ben) == before
    assert integrity(ben) == "ok"
    again = small_disk.run(ben, "circle", "import", str(export), "--json").json()  # as the sentence says
    assert again["ops_new"] == HISTORY_OPS


def test_a_post_onto_a_full_disk_says_so_and_changes_nothing(tmp_path: Path, cli: InProcess) -> None:
    disks = _full_tmpfs(tmp_path)
    disk = next(disks)  # skips without root
    try:
        home = disk.root / "ana"
        identity.create(home, "Ana")
        circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
        before = fingerprint(home)

        disk.fill(home)
        body = "Notes on refraction. " * 5000  # 105 KB: more than is left
        refused_for_a_full_disk(
            disk.run(home, "thread", "new", circle, "--title", "Week 1", "--body", body), home
        )

        disk.free()
        assert fingerprint(home) == before
        assert integrity(home) == "ok"
    finally:
        disks.close()
