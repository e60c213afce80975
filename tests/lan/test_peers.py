"""Real StudyCircle peers on a LAN of network namespaces: mDNS alone, partition, heal.

Six `studycircle serve` processes, one per host, find each other by mDNS only (the
invite carries no addresses and nobody is given one; one peer runs `circle join` before
anyone is online, gets "waiting", and its `serve` finishes the join later), converge, are split 3/3 while
each side keeps writing, and converge again once healed. Writes are made by separate
CLI processes on each peer's data directory while it serves — the path a script or a
second window takes. Each step has a deadline stated below.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.lan.json_lines import JsonLines
from tests.lan.netlab import NetLab

pytestmark = pytest.mark.lan

HOSTS = 6
JOIN_DEADLINE = 60.0  # a joiner finds the owner by mDNS and fetches the history
CONVERGE_DEADLINE = 60.0  # all peers on one state hash after writes
# After the partition heals: a connection across the cut was either dropped as silent
# (after 20 s, p2p/dead_peers.py) and is redialed within the redial backoff (at most
# 60 s), or it survived and resumes at TCP's next retransmission (sooner than the split
# lasted); then a session, at once on connecting or by gossip or the 20 s sync timer.
HEAL_DEADLINE = 120.0
CLI = [sys.executable, "-m", "app.cli.main"]


def cli(home: Path, *args: str) -> dict[str, object]:
    """Run a files-only CLI command (no network) and return its JSON document."""
    done = subprocess.run([*CLI, "--home", str(home), *args, "--json"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def state_hashes(homes: Sequence[Path], circle: str) -> list[str]:
    return [str(cli(home, "circle", "state", circle)["state_hash"]) for home in homes]


def op_count(home: Path, circle: str) -> int:
    """How many ops the peer holds (genesis, joins and posts)."""
    return int(cli(home, "circle", "state", circle)["ops"])  # type: ignore[arg-type]


def wait_for(
    condition: Callable[[], bool], *, deadline: float, what: str, servers: Sequence[JsonLines]
) -> None:
    """Re-check a state (each check runs CLI processes) until true or the deadline passes.

    Servers' output is drained on every round so that a chatty peer never blocks on a
    full pipe. Prints how long the step took (pytest shows it beside a later failure).
    """
    start = time.monotonic()
    end = start + deadline
    while time.monotonic() < end:
        for server in servers:
            server.drain()
            assert server.process.poll() is None, f"{server.label} died: {server.describe()}"
        if condition():
            print(f"{time.monotonic() - start:5.1f} s (of {deadline:g}): {what}")
            return
    raise AssertionError(
        f"not within {deadline:g} s: {what}\n" + "\n".join(server.describe() for server in servers)
    )


def test_six_peers_find_each_other_by_mdns_converge_partition_and_heal(
    make_netlab: Callable[..., NetLab], tmp_path: Path
) -> None:
    lab = make_netlab(n_hosts=HOSTS)
    homes = [tmp_path / f"peer{i}" for i in range(HOSTS)]
    for index, home in enumerate(homes):
        done = subprocess.run(
            [*CLI, "--home", str(home), "init", "--name", f"peer{index}"], capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
    circle = str(cli(homes[0], "circle", "create", "LAN circle")["circle_id"])
    code = str(cli(homes[0], "circle", "invite", circle, "--uses", str(HOSTS - 1))["code"])

    servers: list[JsonLines] = []

    def serve(index: int) -> None:
        process = lab.spawn(index, [*CLI, "--home", str(homes[index]), "serve"])
        stream = JsonLines(process, label=f"serve peer{index}")
        first = stream.next(deadline=time.monotonic() + 30.0)
        assert "/p2p/" in first["listen"][0]  # type: ignore[index]
        servers.append(stream)

    # The last peer joins before anyone is online: its join waits, and its `serve` finishes
    # it later through whichever member it meets first.
    early = HOSTS - 1
    waiting = lab.spawn(early, [*CLI, "--home", str(homes[early]), "circle", "join", code, "--json"])
    output, _ = waiting.communicate(timeout=JOIN_DEADLINE)
    assert waiting.returncode == 0, output.decode()
    assert json.loads(output.decode().splitlines()[-1])["status"] == "waiting"

    serve(0)
    # Joins: no address anywhere — each joiner must find a member by mDNS.
    joiners = [
        lab.spawn(i, [*CLI, "--home", str(homes[i]), "circle", "join", code, "--timeout", str(JOIN_DEADLINE)])
        for i in range(1, early)
    ]
    started = time.monotonic()
    for index, process in enumerate(joiners, start=1):
        output, _ = process.communicate(timeout=JOIN_DEADLINE + 15)
        assert process.returncode == 0, f"peer{index} could not join: {output.decode()}"
    print(f"{time.monotonic() - started:5.1f} s (of {JOIN_DEADLINE:g}): four joins by mDNS")
    for index in range(1, HOSTS):
        serve(index)
    wait_for(
        lambda: "peer5" in {m["name"] for m in cli(homes[0], "circle", "members", circle)["members"]},  # type: ignore[index, union-attr]
        deadline=JOIN_DEADLINE,
        what="the join that waited, finished by its serve through a member",
        servers=servers,
    )

    for index, home in enumerate(homes):
        cli(home, "thread", "new", circle, "--title", f"hello from peer{index}")
    wait_for(
        lambda: len(set(state_hashes(homes, circle))) == 1 and op_count(homes[0], circle) == 2 * HOSTS,
        deadline=CONVERGE_DEADLINE,
        what="all six peers on one state hash with every join and post",
        servers=servers,
    )

    left, right = [0, 1, 2], [3, 4, 5]
    lab.partition(left, right)
    for index in range(HOSTS):
        cli(homes[index], "thread", "new", circle, "--title", f"during the split, peer{index}")
    converged = 2 * HOSTS  # genesis + 5 joins + 6 posts

    def sides_converged_apart() -> bool:
        hashes = state_hashes(homes, circle)
        return (
            len({hashes[i] for i in left}) == 1
            and len({hashes[i] for i in right}) == 1
            and (hashes[0] != hashes[3])
        )

    wait_for(
        lambda: sides_converged_apart() and op_count(homes[0], circle) == converged + len(left),
        deadline=CONVERGE_DEADLINE,
        what="each side of the split on its own state, holding only its own side's posts",
        servers=servers,
    )
    assert op_count(homes[3], circle) == converged + len(right)

    lab.heal()
    wait_for(
        lambda: len(set(state_hashes(homes, circle))) == 1,
        deadline=HEAL_DEADLINE,
        what="all six peers on one state hash after healing",
        servers=servers,
    )
    assert op_count(homes[0], circle) == converged + HOSTS
    for server in servers:
        assert server.process.poll() is None, f"{server.label} died: {server.describe()}"
