"""Fixtures for CLI tests: real data directories under tmp_path, the CLI run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import InProcess


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
