"""Catch-up: a peer holding N ops serves an empty member over real libp2p on loopback.

The serving peer is a separate `studycircle serve` process; the member runs its core in
a second process and reconciles once. Prints the transfer+ingest time next to the time
the same member takes to ingest the same ops handed over locally (the anchor, measured
in the same run), and the peak memory (VmHWM) of both processes.

    python bench/catchup.py [--ops N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workload import make_circle, mint, receiver, seed

from sync.identity import DeviceKey
from sync.replica import Replica
from sync.state import state_hash
from sync.store import Store


def make_home(home: Path, database: Path, device_seed: bytes, name: str) -> None:
    home.mkdir(parents=True)
    (home / "device.key").write_bytes(device_seed)
    os.chmod(home / "device.key", 0o600)
    (home / "profile.json").write_text(json.dumps({"name": name}))
    shutil.copy(database, home / "studycircle.sqlite")


def cpu_seconds(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's main (trio) thread and of all its other threads."""
    main_thread = other = 0.0
    for task in Path("/proc/self/task").iterdir():
        seconds = cpu_seconds(task / "stat")
        if int(task.name) == os.getpid():
            main_thread += seconds
        else:
            other += seconds
    return {"main_thread": main_thread, "other_threads": other}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def client(home: Path, address: str) -> dict[str, float]:
    from app.core import Core
    from p2p.config import HostConfig
    from p2p.host import Libp2pNetwork

    config = HostConfig(listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False)
    async with Core.open(home=home, network=Libp2pNetwork(), host_config=config) as core:
        space = (await core.commands.circles())[0][0]
        before = (await core.state(space)).ops
        cpu_before = thread_cpu()
        start = time.perf_counter()
        await core.host.connect(address)  # a new connection starts a sync session by itself
        while core.sync.status.sessions_running or not core.sync.status.sessions_done:
            await core.sync.session_finished.wait()
        seconds = time.perf_counter() - start
        cpu = {key: value - cpu_before[key] for key, value in thread_cpu().items()}
        received = (await core.state(space)).ops - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pool = resource.getrusage(resource.RUSAGE_CHILDREN)  # the verify pool, shut down with the core
    return {
        "seconds": seconds,
        "ops": received,
        "peak_rss_mb": peak,
        "main_thread_cpu": cpu["main_thread"],
        "other_threads_cpu": cpu["other_threads"],
        "pool_cpu": pool.ru_utime + pool.ru_stime,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--client", nargs=2, metavar=("HOME", "ADDRESS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(trio.run(client, Path(args.client[0]), args.client[1])))
        return
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        circle = make_circle(directory, authors=10)
        envelopes = mint(circle, args.ops)
        server_db = receiver(directory / "server.db", circle, "owner-copy")
        for offset in range(0, len(envelopes), 4000):
            server_db.ingest(circle.space, envelopes[offset : offset + 4000])
        expected = state_hash(server_db.db, circle.space)
        server_db.store.close()
        # The member is Student 1 (a real member device), starting from its joined state.
        make_home(directory / "server", directory / "server.db", seed("owner"), "Owner")
        make_home(directory / "member", directory / "m1.db", seed("member-1"), "Student 1")

        # Anchor: the same member ingests the same ops handed over locally.
        local_db = directory / "anchor.db"
        shutil.copy(directory / "m1.db", local_db)
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(abs, range(2)))
            anchor = Replica(Store(local_db), DeviceKey(seed("member-1")), verify_map=pool.map)
            anchor.ingest(circle.space, circle.setup)  # the later members' joins the ops depend on
            start = time.perf_counter()
            for offset in range(0, len(envelopes), 2400):
                anchor.ingest(circle.space, envelopes[offset : offset + 2400])
            local = time.perf_counter() - start

        command = [
            sys.executable,
            "-m",
            "app.cli.main",
            "--home",
            str(directory / "server"),
            "serve",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-mdns",
        ]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            address = json.loads(server.stdout.readline())["listen"][0]  # type: ignore[union-attr]
            server_cpu_before = cpu_seconds(Path(f"/proc/{server.pid}/stat"))
            done = subprocess.run(
                [sys.executable, __file__, "--client", str(directory / "member"), address],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout)
            server_peak = peak_rss_mb(server.pid)
            server_cpu = cpu_seconds(Path(f"/proc/{server.pid}/stat")) - server_cpu_before
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        member = Replica(Store(directory / "member" / "studycircle.sqlite"), DeviceKey(seed("member-1")))
        if state_hash(member.db, circle.space) != expected:
            raise SystemExit("catch-up did not reach the server's state")
    figures = {
        "ops": result["ops"],
        "seconds": round(result["seconds"], 2),
        "local_ingest_seconds": round(local, 2),
        "ratio": round(result["seconds"] / local, 2),
        "server_peak_rss_mb": round(server_peak),
        "member_peak_rss_mb": round(result["peak_rss_mb"]),
        "member_trio_thread_cpu_s": round(result["main_thread_cpu"], 1),
        "member_other_threads_cpu_s": round(result["other_threads_cpu"], 1),
        "member_pool_cpu_s": round(result["pool_cpu"], 1),
        "server_cpu_s": round(server_cpu, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"catch-up: {figures['ops']} ops over libp2p in {figures['seconds']} s")
        print(
            f"anchor:   local ingest of the same ops {figures['local_ingest_seconds']} s;"
            f" ratio {figures['ratio']} (goal <= 1.3)"
        )
        server_mb, member_mb = figures["server_peak_rss_mb"], figures["member_peak_rss_mb"]
        print(f"peak memory: server {server_mb} MB, member {member_mb} MB")
        print(
            f"CPU seconds: member trio thread {figures['member_trio_thread_cpu_s']},"
            f" member other threads {figures['member_other_threads_cpu_s']},"
            f" member verify pool {figures['member_pool_cpu_s']}, server {figures['server_cpu_s']}"
        )


if __name__ == "__main__":
    main()
