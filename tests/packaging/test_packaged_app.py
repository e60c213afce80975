"""The app `make package` built (dist/studycircle/, or $STUDYCIRCLE_PACKAGE_DIR): it starts
offscreen, shows its window, comes online (py-libp2p loaded from the bundle) and exits 0;
on a first run it shows the first-run dialog. Marked `package`: deselected by default,
run by `make package` after the build (docs/packaging.md says why).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app import identity

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
SIZES = "16,24,32,48,64,128,256,512"
APP_ID = "org.studycircle.StudyCircle"


def _bundle() -> Path:
    folder = Path(os.environ.get("STUDYCIRCLE_PACKAGE_DIR", ROOT / "dist" / "studycircle"))
    if not (folder / "studycircle-desktop").exists():
        pytest.fail(f"no packaged app at {folder}: build it with `make package`")
    return folder


def _run(home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(_bundle() / "studycircle-desktop"), "--home", str(home), "--smoke"],
        capture_output=True, text=True, env=env, cwd=home.parent, timeout=180,
    )


def test_the_packaged_app_shows_its_window_comes_online_and_exits_0(tmp_path: Path) -> None:
    identity.create(tmp_path / "ana", "Ana")
    done = _run(tmp_path / "ana")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"studycircle smoke: main window shown, online; window icon sizes {SIZES}"
    ]
    assert "Traceback" not in done.stderr and "Error" not in done.stderr


def test_the_packaged_app_on_a_first_run_shows_the_first_run_dialog(tmp_path: Path) -> None:
    done = _run(tmp_path / "new")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"studycircle smoke: first-run dialog shown; window icon sizes {SIZES}"
    ]


def test_the_bundle_carries_the_desktop_file_metainfo_and_icons() -> None:
    share = _bundle() / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
