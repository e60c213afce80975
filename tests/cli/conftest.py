"""Fixtures for CLI tests: real data directories under tmp_path, the CLI run in-process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.helpers import InProcess, join_in_process, sync_in_process


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(capsys)


@pytest.fixture
def home(tmp_path: Path, cli: InProcess) -> Path:
    """A data directory with an identity (Ana) and an empty database."""
    path = tmp_path / "ana"
    assert cli(path, "init", "--name", "Ana", "--json").json()["name"] == "Ana"
    assert cli(path, "circle", "list", "--json").json() == {"circles": []}  # the database exists from here
    return path


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Room:
    """An owner's circle with a teacher (Tom) and two students (Sue, Sam), all in sync."""

    cli: InProcess
    homes: dict[str, Path]
    circle: str

    def members(self, who: str) -> dict[str, str]:
        rows = self.cli(self.homes[who], "circle", "members", self.circle, "--json").json()["members"]
        return {row["name"]: row["role"] for row in rows}

    def sync(self) -> None:
        for name in ("tom", "sue", "sam"):
            sync_in_process(self.homes["ana"], self.homes[name], bytes.fromhex(self.circle))
        for name in ("tom", "sue", "sam"):
            sync_in_process(self.homes["ana"], self.homes[name], bytes.fromhex(self.circle))


@pytest.fixture
def room(tmp_path: Path, home: Path, cli: InProcess) -> Room:
    homes = {"ana": home}
    circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    for name, role in (("tom", "teacher"), ("sue", "member"), ("sam", "member")):
        homes[name] = tmp_path / name
        cli(homes[name], "init", "--name", name.capitalize()).ok()
        code = cli(home, "circle", "invite", circle, "--role", role, "--json").json()["code"]
        join_in_process(home, homes[name], code, now_ms=now_ms())
    room = Room(cli, homes, circle)
    room.sync()
    return room
