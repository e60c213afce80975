"""`python -m ui --smoke` (what the packaged app's smoke test runs): it starts, says on
stdout what came up, closes cleanly and exits 0; a start that never gets there fails
with exit 1 instead of hanging (`ui.smoke`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app import identity
from app.paths import key_path
from ui.smoke import Smoke

ROOT = Path(__file__).resolve().parents[2]
SIZES = "16,24,32,48,64,128,256,512"


def _smoke(home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "ui", "--home", str(home), "--smoke"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


def test_with_an_identity_the_window_comes_up_online_then_closes_with_exit_0(tmp_path: Path) -> None:
    identity.create(tmp_path / "ana", "Ana")
    done = _smoke(tmp_path / "ana")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"studycircle smoke: main window shown, online; window icon sizes {SIZES}"
    ]
    assert "Traceback" not in done.stderr
    assert (tmp_path / "ana" / "desktop.ini").exists()  # it closed the usual way (state saved)


def test_on_a_first_run_the_dialog_shows_and_is_cancelled_with_exit_0(tmp_path: Path) -> None:
    done = _smoke(tmp_path / "new")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"studycircle smoke: first-run dialog shown; window icon sizes {SIZES}"
    ]
    assert not key_path(tmp_path / "new").exists()  # cancelled: no identity made


def test_a_start_that_never_gets_there_fails_at_the_deadline(qtbot: QtBot, capsys) -> None:
    stopped: list[bool] = []
    smoke = Smoke(lambda: stopped.append(True), deadline_s=0.05)
    qtbot.waitUntil(lambda: smoke.failed, timeout=5000)
    assert stopped == [True] and not smoke.passed
    assert "not started after 0.05 s (window painted: False, online: False)" in capsys.readouterr().err
