"""Linking a second device on a LAN of network namespaces, found by mDNS alone.

Ana's laptop (host 0) runs `device link`; a guesser on host 2 tries wrong words and is
refused by the laptop's answer; Ana's lab PC (host 1) types the code and is linked: it
holds her circle (as its owner, her role) and My notes when `device join` returns, and
the laptop's `device link` reports the lab PC by name.
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

LINK_DEADLINE = 60.0  # mDNS discovery, the exchange, the links, then every space's history


def test_a_second_device_is_linked_over_mdns_on_another_host(
    make_netlab: Callable[..., NetLab], tmp_path: Path
) -> None:
    lab = make_netlab(n_hosts=3)
    laptop, lab_pc, guesser = (tmp_path / name for name in ("laptop", "lab-pc", "guesser"))
    cli(laptop, "init", "--name", "Ana")
    cli(lab_pc, "init", "--name", "Ana's lab PC")
    cli(guesser, "init", "--name", "Gus")
    circle = str(cli(laptop, "circle", "create", "Calculus I")["circle_id"])
    cli(laptop, "note", "add", "--title", "Limits", "--body", "written on the laptop")
    linking = lab.spawn(0, [*CLI, "--home", str(laptop), "device", "link", "--json"])
    stream = JsonLines(linking, label="device link")
    code = str(stream.next(deadline=time.monotonic() + 30.0)["code"])
    channel, first, second = code.split("-")
    wrong = next(word for word in WORDS if word not in (first, second))

    guess = lab.spawn(
        2, [*CLI, "--home", str(guesser), "device", "join", f"{channel}-{wrong}-{second}", "--timeout", "60"]
    )
    guess_output, _ = guess.communicate(timeout=LINK_DEADLINE + 15)
    assert guess.returncode != 0 and b"Wrong link code" in guess_output, guess_output.decode()

    started = time.monotonic()
    joining = lab.spawn(
        1, [*CLI, "--home", str(lab_pc), "device", "join", code, "--timeout", str(LINK_DEADLINE), "--json"]
    )
    output, _ = joining.communicate(timeout=LINK_DEADLINE + 15)
    assert joining.returncode == 0, output.decode()
    print(f"{time.monotonic() - started:5.1f} s: a second device linked over mDNS")
    linked = stream.next(deadline=time.monotonic() + 30.0)
    assert (linked["name"], linked["spaces"]) == ("Ana's lab PC", 2), stream.describe()
    assert linking.wait(timeout=30) == 0
    circles = cli(lab_pc, "circle", "list")["circles"]
    assert [(c["circle_id"], c["role"]) for c in circles] == [(circle, "owner")]  # type: ignore[index, union-attr]
    assert [n["title"] for n in cli(lab_pc, "note", "list")["notes"]] == ["Limits"]  # type: ignore[index, union-attr]
    assert cli(guesser, "circle", "list")["circles"] == []
