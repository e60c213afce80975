"""The README's tour, run as written (issue 15, done-when 6): its five-minute tour and
the assessment walk-through after it, each command a `studycircle` process over real
py-libp2p, in this test's own directory instead of /tmp. Only what a reader fills in
by hand is filled in here: the room code Ana's `serve` prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_script(home: Path) -> str:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    tour = next(block for block in blocks if "init --name Ana" in block)
    assessment = next(block for block in blocks if "assignment create" in block)
    setup = "make test" + " " * 35 + "# or at least: make .venv/.dev\n. .venv/bin/activate\n"
    assert tour.startswith(setup)  # the reader's venv; this test runs in it already
    tour = tour.removeprefix(setup)
    invite = "studycircle --home /tmp/ana circle invite $C --short"
    assert invite in tour and "circle join 7-guitar-harbor" in tour
    tour = tour.replace(invite, f"ROOM=$({invite} | head -n 1)").replace("join 7-guitar-harbor", "join $ROOM")
    tour = tour.replace("kill %1", "kill %1; wait")  # the next block starts Ana's serve again
    script = f"set -e\n{tour}\n{assessment}wait\n"
    return script.replace("/tmp/", f"{home}/")


@pytest.mark.slow  # `make slow`: ~45 Python start-ups
@pytest.mark.timeout(900)
def test_the_readme_tour_and_its_assessment_walk_through_run_as_written(tmp_path: Path) -> None:
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        ["bash", "-c", tour_script(tmp_path)], cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=850, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "Resolved." in out  # the tour: Ben accepted Ana's answer
    assert re.search(r"^Cara +suggested +[\d.]+ +grade +— ", out, re.M)
    ben = re.findall(r"^Ben +suggested +[\d.]+ +grade +82 ", out, re.M)
    assert len(ben) == 2  # Ana's gradebook, then Ben's own line
    assert out.rstrip().splitlines()[-1].startswith("Ben ")  # Ben sees only his own line
    assert "Thank you: rated." in out and "Say why x*Ax is real." in out
