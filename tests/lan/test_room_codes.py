"""A room code on a LAN of network namespaces: read aloud, typed on another host, joined.

The owner's device serves on host 0 and makes a room code; a student on host 1 types it
(in capitals, with spaces) and joins, finding the owner by mDNS alone; a guesser on host 2
tries wrong words and is refused by the owner's answer, not by a timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.room_code import WORDS
from tests.lan.json_lines import JsonLines
from tests.lan.netlab import NetLab
from tests.lan.test_peers import CLI, cli

pytestmark = pytest.mark.lan

JOIN_DEADLINE = 60.0  # mDNS discovery, the exchange, then the circle's history


def test_a_room_code_read_aloud_joins_a_student_on_another_host(
    make_netlab: Callable[..., NetLab], tmp_path: Path
) -> None:
    lab = make_netlab(n_hosts=3)
    homes = [tmp_path / name for name in ("teacher", "student", "guesser")]
    for home in homes:
        cli(home, "init", "--name", home.name)
    circle = str(cli(homes[0], "circle", "create", "Calculus I")["circle_id"])
    server = lab.spawn(0, [*CLI, "--home", str(homes[0]), "serve"])
    stream = JsonLines(server, label="serve teacher")
    stream.next(deadline=time.monotonic() + 30.0)
    code = str(cli(homes[0], "circle", "invite", circle, "--short", "--uses", "1")["code"])
    channel, first, second = code.split("-")
    wrong = next(word for word in WORDS if word not in (first, second))

    guesser = lab.spawn(
        2, [*CLI, "--home", str(homes[2]), "circle", "join", f"{channel}-{first}-{wrong}", "--timeout", "60"]
    )
    guess_output, _ = guesser.communicate(timeout=JOIN_DEADLINE + 15)
    assert guesser.returncode != 0 and b"Wrong room code" in guess_output, guess_output.decode()

    spoken = f"{channel} {first.upper()} {second}"
    started = time.monotonic()
    student = lab.spawn(
        1, [*CLI, "--home", str(homes[1]), "circle", "join", spoken, "--timeout", str(JOIN_DEADLINE)]
    )
    output, _ = student.communicate(timeout=JOIN_DEADLINE + 15)
    assert student.returncode == 0, output.decode()
    print(f"{time.monotonic() - started:5.1f} s: joined by a room code over mDNS")
    members = cli(homes[0], "circle", "members", circle)["members"]
    assert {m["name"] for m in members} == {"teacher", "student"}  # type: ignore[index, union-attr]
    assert server.poll() is None, stream.describe()
