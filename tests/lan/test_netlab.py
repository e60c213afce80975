"""The NetLab harness itself: multicast crosses the bridge, partitions are real, teardown is
complete. Probes (mcast_probe.py) stand in for StudyCircle peers here.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.lan.json_lines import JsonLines, wait_until
from tests.lan.netlab import NETWORK, NetLab, ip, list_namespaces

pytestmark = pytest.mark.lan

PROBE = Path(__file__).with_name("mcast_probe.py")
# Generous next to the ~1 s these take on a 2-core machine; a bridge that drops multicast
# never gets there at all.
REACH_DEADLINE_SECONDS = 20.0
# Announcement rounds every probe must complete while all probes are listening before
# "X does not hear Y" counts: a path that exists carries every one of them on a veth bridge.
ROUNDS_WHILE_ALL_LISTEN = 5


def start_probes(lab: NetLab) -> list[JsonLines]:
    return [
        JsonLines(
            lab.spawn(host.index, [sys.executable, str(PROBE), "--name", f"h{host.index}"]),
            label=f"probe h{host.index}",
        )
        for host in lab.hosts
    ]


def assert_reach(lab: NetLab, groups: Sequence[Sequence[int]], *, what: str) -> None:
    """With fresh probes on every host: each hears exactly the other members of its group."""
    deadline = time.monotonic() + REACH_DEADLINE_SECONDS
    expected = {f"h{i}": {f"h{j}" for j in group if j != i} for group in groups for i in group}
    probes = start_probes(lab)
    try:
        wait_until(
            probes,
            lambda: all(p.latest for p in probes),
            deadline=deadline,
            what=f"{what}: every probe listening",
        )
        for probe in probes:
            probe.skip_to_latest()
        start_rounds = {p.label: rounds(p) for p in probes}

        def settled() -> bool:
            return all(
                rounds(p) >= start_rounds[p.label] + ROUNDS_WHILE_ALL_LISTEN and expected[name(p)] <= heard(p)
                for p in probes
            )

        wait_until(probes, settled, deadline=deadline, what=f"{what}: each probe hears {expected}")
        assert {name(p): heard(p) for p in probes} == expected, what
    finally:
        for probe in probes:
            lab.stop(probe.process)


def name(probe: JsonLines) -> str:
    assert probe.latest is not None
    return str(probe.latest["name"])


def rounds(probe: JsonLines) -> int:
    assert probe.latest is not None
    return int(probe.latest["rounds"])


def heard(probe: JsonLines) -> set[str]:
    assert probe.latest is not None
    return set(probe.latest["heard"])


def test_hosts_are_on_the_private_network_and_all_hear_each_other_by_multicast(
    make_netlab: Callable[..., NetLab],
) -> None:
    lab = make_netlab(n_hosts=6)

    assert len({host.address for host in lab.hosts}) == 6
    assert all(ipaddress.IPv4Address(host.address) in NETWORK for host in lab.hosts)
    assert_reach(lab, [range(6)], what="whole LAN")


def test_partition_splits_the_lan_in_two_halves_and_heal_joins_them(
    make_netlab: Callable[..., NetLab],
) -> None:
    lab = make_netlab(n_hosts=6)
    assert_reach(lab, [range(6)], what="before the partition")

    lab.partition([0, 1, 2], [3, 4, 5])
    assert_reach(lab, [[0, 1, 2], [3, 4, 5]], what="partitioned 3/3")

    lab.heal()
    assert_reach(lab, [range(6)], what="healed")


def test_link_down_cuts_one_host_off_and_link_up_brings_it_back(
    make_netlab: Callable[..., NetLab],
) -> None:
    lab = make_netlab(n_hosts=4)

    lab.link_down(3)
    assert_reach(lab, [[0, 1, 2], [3]], what="h3's link down")

    lab.link_up(3)
    assert_reach(lab, [range(4)], what="h3's link up again")


def test_teardown_removes_everything_even_when_the_test_fails(
    netns_available: None,
) -> None:
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    crashed_run = f"sclan-{exited.pid}-dead-h0"  # its pid is gone: a crashed run's leftover
    parallel_run = f"sclan-{os.getpid()}-live-h0"  # its pid is alive: must be left alone
    ip("netns", "add", crashed_run)
    ip("netns", "add", parallel_run)
    try:
        with pytest.raises(RuntimeError, match="the test failed"), NetLab(n_hosts=3) as lab:
            probe = lab.spawn(0, [sys.executable, str(PROBE), "--name", "h0"])
            first_line = JsonLines(probe, label="probe h0").next(deadline=time.monotonic() + 10)
            assert first_line["name"] == "h0"  # running inside the lab when the test fails
            during = list_namespaces()
            assert {lab.switch, *(host.name for host in lab.hosts)} <= set(during)
            assert crashed_run not in during
            assert parallel_run in during
            raise RuntimeError("the test failed")

        assert probe.returncode == -signal.SIGTERM  # stopped by teardown, not by itself
        assert [n for n in list_namespaces() if n.startswith(lab.tag)] == []
        assert lab.tag not in ip("-o", "link", "show")
        assert parallel_run in list_namespaces()
    finally:
        for netns in (crashed_run, parallel_run):
            ip("netns", "del", netns, check=False)
