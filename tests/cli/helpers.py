"""Helpers for CLI tests: run `studycircle` in-process or as a process, and fingerprint a
data directory so a test can assert that a refused command wrote nothing.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app import identity
from app.cli.main import main
from app.paths import database_path
from sync import writer
from sync.invite import parse_code
from sync.replica import Replica
from sync.store import Store
from tests.sync.helpers import reconcile

DEADLINE = 60.0  # generous for a loaded 2-core machine; passing runs take far less


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def ok(self) -> Result:
        assert self.code == 0, self.err
        return self

    def json(self) -> Any:
        assert self.code == 0, self.err
        assert self.out.count("\n") == 1, f"expected one JSON line, got {self.out!r}"
        return json.loads(self.out)

    def refused(self, *fragments: str) -> str:
        """Assert a refusal: exit code != 0, nothing on stdout, one line on stderr containing `fragments`."""
        assert self.code != 0, f"succeeded: {self.out!r}"
        assert self.out == ""
        lines = self.err.splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got {self.err!r}"
        for fragment in fragments:
            assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
        return lines[0]


class InProcess:
    """`studycircle` through `app.cli.main.main`, with stdout and stderr captured."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, home: Path, *argv: str) -> Result:
        self.capsys.readouterr()
        try:
            code = main(["--home", str(home), *argv])
        except SystemExit as exit:  # argparse's usage errors
            code = int(exit.code or 0)
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)


def run_process(home: Path, *argv: str, timeout: float = DEADLINE) -> Result:
    done = subprocess.run(
        [*studycircle(), "--home", str(home), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "STUDYCIRCLE_LOG": "ERROR"},
    )
    return Result(done.returncode, done.stdout, done.stderr)


def studycircle() -> list[str]:
    """The installed `studycircle` script beside this Python, else the module."""
    script = Path(sys.executable).parent / "studycircle"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli.main"]


def stop(process: subprocess.Popen[str], how: signal.Signals) -> None:
    """Ask a process to stop with `how`; kill it if it has not within the deadline."""
    process.send_signal(how)
    try:
        process.wait(timeout=DEADLINE)
    finally:
        if process.returncode is None:
            process.kill()


def read_line(process: subprocess.Popen[str], *, deadline: float = DEADLINE) -> str:
    """The next line the process prints, waiting at most `deadline` seconds for it."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if selector.select(timeout=end - time.monotonic()):
                return process.stdout.readline()
    raise AssertionError(f"no line from {process.args} within {deadline} s")


def fingerprint(home: Path) -> tuple[Any, ...]:
    """Every row of every table of the home's database, and the other files in the home.

    An empty database counts as no database (opening one creates its schema), and
    SQLite's side files (-wal, -shm), which come and go with readers, are left out.
    """
    path = database_path(home)
    files = tuple(
        sorted(
            p.name for p in home.iterdir() if p != path and not p.name.endswith(("-wal", "-shm", "-journal"))
        )
    )
    if not path.exists():
        return (files, ())
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        rows = tuple(
            (table, tuple(sorted(map(repr, db.execute(f"SELECT * FROM {table}"))))) for table in tables
        )
    finally:
        db.close()
    return (files, tuple((table, content) for table, content in rows if content))


def open_replica(home: Path) -> Replica:
    return Replica(Store(database_path(home)), identity.load(home).key)


def join_in_process(owner: Path, member: Path, code: str, *, now_ms: int) -> None:
    """What `circle join` does over the network, done between two data directories directly."""
    invite = parse_code(code)
    inviter, joiner = open_replica(owner), open_replica(member)
    try:
        writer.accept_invite(joiner, invite)
        reconcile(inviter, joiner, invite.token.space)
        writer.join(joiner, invite, member_name=identity.load(member).name, now_ms=now_ms)
        reconcile(inviter, joiner, invite.token.space)
    finally:
        inviter.store.close()
        joiner.store.close()


def sync_in_process(a: Path, b: Path, space: bytes) -> None:
    left, right = open_replica(a), open_replica(b)
    try:
        reconcile(left, right, space)  # type: ignore[arg-type]
    finally:
        left.store.close()
        right.store.close()


@contextmanager
def serving(home: Path, *options: str) -> Iterator[str]:
    """`studycircle serve` on `home` as its own process; yields its first listen address.

    On leaving, the peer is stopped with SIGINT and must exit 0 and remove serving.json.
    """
    serve = subprocess.Popen(
        [*studycircle(), "--home", str(home), "serve", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield json.loads(read_line(serve))["listen"][0]
    finally:
        stop(serve, signal.SIGINT)
    assert serve.returncode == 0, serve.stderr.read() if serve.stderr else ""
    assert not (home / "serving.json").exists()
