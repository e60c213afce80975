"""Propagation latency: N `studycircle serve` processes on loopback, a steady stream of writes.

Each peer is its own OS process, set up and run the way a person would with the CLI:
`init`, `circle create` / `circle invite` / `circle join`, then `serve --no-mdns --events`
listening on 127.0.0.1 and connected to every peer started before it (`--connect`).
While they serve, this process writes `--rate` ops per second round-robin into the
peers' data directories through `app.services.commands.Commands` (what `studycircle thread new`
runs; the serving process picks the op up from its own database and gossips it).

Latency of an op at a peer = the time its row was committed at that peer (the `time`
of the peer's `--events` line, stamped after the commit) minus the time its write
committed here. Both are `time.time()` on one machine, so comparable across processes.
p50/p99 are over every (op, other peer) pair; "all peers" is each op's worst peer. An op
is lost if it is not in every peer's database (read at the end, read-only) `--grace`
seconds after writing stops.

    python bench/propagation.py [--peers N] [--seconds S] [--rate R] [--grace G] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.paths import database_path
from app.services.commands import Commands
from sync.ids import SpaceId

CLI = [sys.executable, "-m", "app.cli.main"]
LOOPBACK = ["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]
SETTLE_SECONDS = 3.0  # after warm-up ops reach everyone: let gossip meshes fill (1 s heartbeat)


def cli(home: Path, *arguments: str) -> dict:
    done = subprocess.run(
        [*CLI, "--home", str(home), *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"studycircle {' '.join(arguments[:2])} failed: {done.stderr.strip()}")
    return json.loads(done.stdout) if "--json" in arguments else {}


class Arrivals:
    """Which peer stored which op when, from the peers' `--events` lines."""

    def __init__(self, peers: int) -> None:
        self.peers = peers
        self.at: dict[str, dict[int, float]] = {}
        self.writes: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def written(self, op: str, peer: int, when: float) -> None:
        with self._lock:
            self.writes[op] = (peer, when)
            self.at.setdefault(op, {})[peer] = when

    def follow(self, peer: int, stream: IO[str]) -> None:
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") != "ops":
                continue
            with self._lock:
                for op in event["ops"]:
                    self.at.setdefault(op, {}).setdefault(peer, event["time"])

    def everywhere(self, ops: list[str]) -> bool:
        with self._lock:
            return all(len(self.at.get(op, {})) >= self.peers for op in ops)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def write_ops(
    writers: list[Commands],
    space: SpaceId,
    arrivals: Arrivals,
    *,
    count: int | None,
    seconds: float,
    rate: float,
) -> list[str]:
    """Write round-robin at `rate` for `seconds` (or `count` ops at once); the op ids."""
    ops: list[str] = []
    start = time.perf_counter()
    number = 0
    while (count is None and time.perf_counter() - start < seconds) or (count is not None and number < count):
        peer = number % len(writers)
        op_id = await writers[peer].post(space, f"op {number} from peer {peer}")
        arrivals.written(op_id.hex(), peer, time.time())  # after the commit
        ops.append(op_id.hex())
        number += 1
        if count is None:
            await trio.sleep(max(0.0, start + number / rate - time.perf_counter()))
    return ops


async def wait_everywhere(arrivals: Arrivals, ops: list[str], deadline: float) -> bool:
    end = time.perf_counter() + deadline
    while time.perf_counter() < end:
        if arrivals.everywhere(ops):
            return True
        await trio.sleep(0.05)
    return arrivals.everywhere(ops)


def stored_everywhere(homes: list[Path], space: SpaceId, ops: list[str]) -> int:
    """How many of `ops` are in every peer's database (opened read-only)."""
    present = set(ops)
    for home in homes:
        connection = sqlite3.connect(f"file:{database_path(home)}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT op_id FROM ops WHERE space = ?", (space,)).fetchall()
        finally:
            connection.close()
        present &= {row[0].hex() for row in rows}
    return len(present)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def run(peers: int, seconds: float, rate: float, grace: float, scratch: Path) -> dict[str, float | int]:
    homes = [scratch / f"peer{index}" for index in range(peers)]
    for index, home in enumerate(homes):
        cli(home, "init", "--name", f"peer{index}")
    space = SpaceId(bytes.fromhex(cli(homes[0], "circle", "create", "Propagation", "--json")["circle_id"]))
    arrivals = Arrivals(peers)
    servers: list[subprocess.Popen[str]] = []
    addresses: list[str] = []

    def serve(home: Path) -> None:
        connect = [argument for address in addresses for argument in ("--connect", address)]
        process = subprocess.Popen(
            [*CLI, "--home", str(home), "serve", *LOOPBACK, "--events", *connect],
            stdout=subprocess.PIPE,
            stderr=(home / "serve.log").open("w"),
            text=True,
        )
        servers.append(process)
        assert process.stdout is not None
        addresses.append(json.loads(process.stdout.readline())["listen"][0])
        threading.Thread(target=arrivals.follow, args=(len(servers) - 1, process.stdout), daemon=True).start()

    try:
        serve(homes[0])
        code = cli(homes[0], "circle", "invite", space.hex(), "--uses", str(peers), "--json")["code"]
        joins = [
            subprocess.Popen(
                [*CLI, "--home", str(home), "circle", "join", code, *LOOPBACK],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for home in homes[1:]
        ]
        for join in joins:
            if join.wait() != 0:
                raise SystemExit(f"circle join failed: {join.stderr.read() if join.stderr else ''}")
        for home in homes[1:]:
            serve(home)
        figures = trio.run(measure, homes, space, arrivals, servers, seconds, rate, grace)
        figures["serve_died"] = sum(process.poll() is not None for process in servers)
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return figures


async def measure(
    homes: list[Path],
    space: SpaceId,
    arrivals: Arrivals,
    servers: list[subprocess.Popen[str]],
    seconds: float,
    rate: float,
    grace: float,
) -> dict[str, float | int]:
    databases = [Database(database_path(home), identity.load(home).key, verify_workers=0) for home in homes]
    try:
        writers = [
            Commands(database=database, identity=identity.load(home), clock=SystemClock())
            for database, home in zip(databases, homes, strict=True)
        ]
        warm_up = await write_ops(writers, space, arrivals, count=len(writers), seconds=0, rate=rate)
        if not await wait_everywhere(arrivals, warm_up, 60.0):
            raise SystemExit("the peers did not reach each other within 60 s (warm-up ops)")
        await trio.sleep(SETTLE_SECONDS)
        cpu_before = [cpu_seconds(process.pid) for process in servers]
        load_before, own_cpu_before = os.getloadavg()[0], time.process_time()
        started = time.perf_counter()
        ops = await write_ops(writers, space, arrivals, count=None, seconds=seconds, rate=rate)
        elapsed = time.perf_counter() - started
        await wait_everywhere(arrivals, ops, grace)
        cpu = [cpu_seconds(process.pid) - before for process, before in zip(servers, cpu_before, strict=True)]
        wall = time.perf_counter() - started
        own_cpu = time.process_time() - own_cpu_before
    finally:
        for database in databases:
            database.close()
    complete = stored_everywhere(homes, space, ops)
    pairs: list[float] = []
    worst: list[float] = []
    for op in ops:
        times = arrivals.at[op]
        writer, written = arrivals.writes[op]
        others = [(when - written) * 1000 for peer, when in times.items() if peer != writer]
        pairs.extend(others)
        if len(times) == len(homes):
            worst.append(max(others))
    return {
        "p50_ms": round(percentile(pairs, 0.50), 1),
        "p99_ms": round(percentile(pairs, 0.99), 1),
        "sent": len(ops),
        "lost": len(ops) - complete,
        "all_peers_p50_ms": round(percentile(worst, 0.50), 1),
        "all_peers_p99_ms": round(percentile(worst, 0.99), 1),
        "max_ms": round(max(pairs, default=float("nan")), 1),
        "write_seconds": round(elapsed, 1),
        "peer_cpu_percent": round(100 * statistics.mean(cpu) / wall, 1),
        # The machine around the figures: the writer (this process) shares its cores.
        "writer_cpu_percent": round(100 * own_cpu / wall, 1),
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
    }


CONTRACT = ("p50_ms", "p99_ms", "sent", "lost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=20.0, help="ops per second, all peers together")
    parser.add_argument(
        "--grace", type=float, default=30.0, help="seconds after writing before an op is lost"
    )
    parser.add_argument("--json", action="store_true", help='print {"p50_ms", "p99_ms", "sent", "lost"}')
    parser.add_argument("--verbose", action="store_true", help="with --json: all figures")
    parser.add_argument("--keep", metavar="DIR", help="put the peers' data and logs in DIR and keep them")
    args = parser.parse_args()
    if args.keep:
        figures = run(args.peers, args.seconds, args.rate, args.grace, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            figures = run(args.peers, args.seconds, args.rate, args.grace, Path(scratch))
    if args.json:
        print(json.dumps(figures if args.verbose else {key: figures[key] for key in CONTRACT}))
        return
    print(f"propagation: {args.peers} serve processes, {figures['sent']} ops at {args.rate:g}/s")
    each = f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
    print(f"write -> each peer's store: {each}")
    every = f"p50 {figures['all_peers_p50_ms']} ms, p99 {figures['all_peers_p99_ms']} ms"
    print(f"write -> every peer's store: {every}")
    print(f"lost: {figures['lost']} (goal: p50 <= 50 ms, p99 <= 250 ms, 0 lost)")
    print(f"each serve process used {figures['peer_cpu_percent']}% of a core on average", end="")
    print(f"; the writer {figures['writer_cpu_percent']}%", end="")
    print(f"; load average {figures['load_before']} before, {figures['load_after']} after")
    if figures["serve_died"]:
        print(f"{figures['serve_died']} serve processes died during the run")


if __name__ == "__main__":
    main()
