"""Nothing outlives the desktop client: `kill -9` of `python -m ui` while its verify pool works.

The client (its own process, offscreen) joins Ana's serve and takes in a history large
enough for its verify pool to start; killed with SIGKILL, every process it started must
be gone within a few seconds. The same pool serves the CLI (tests/cli/test_orphans.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import InProcess
from tests.cli.test_orphans import (
    Started,
    a_circle_with_history,
    assert_none_outlive,
    kill_with_workers,
    reaper,  # noqa: F401  (a fixture)
    serve,
    stop_serving,
)
from ui.launcher import desktop_verify_workers

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)"
)


def test_a_killed_desktop_client_leaves_no_process(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reaper: set[Started],  # noqa: F811
) -> None:
    ana, ben, _ = a_circle_with_history(tmp_path, InProcess(capsys))
    server, address = serve(ana, 0)
    try:
        client = subprocess.Popen(
            [sys.executable, "-m", "ui", "--home", str(ben), "--connect", address],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYCIRCLE_LOG": "ERROR"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            started = kill_with_workers(client, reaper, workers=desktop_verify_workers())
        finally:
            if client.poll() is None:
                client.kill()
        assert_none_outlive(started)
    finally:
        stop_serving(server)
