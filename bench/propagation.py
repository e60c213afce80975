"""Propagation latency: N peers on loopback over real libp2p, a steady stream of writes.

Each second, `--rate` ops are written round-robin by the peers; for every op the time
from its write to its arrival in each other peer's store is recorded (arrivals are seen
through the `Changes` each core reports). Prints p50/p99 of those latencies and how many
ops never reached every peer once writing stopped and a grace period passed.

    python bench/propagation.py [--peers N] [--seconds S] [--rate R] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import identity
from app.core import Core
from app.sync_service import SyncSettings
from p2p.config import HostConfig
from p2p.host import Libp2pNetwork
from sync.changes import Changes

GRACE_SECONDS = 30.0


async def run(peers: int, seconds: float, rate: float) -> dict[str, float | int]:
    written: dict[bytes, float] = {}
    arrivals: dict[bytes, dict[int, float]] = {}

    def observer(index: int):
        def seen(changes: Changes) -> None:
            now = time.perf_counter()
            for op_id in changes.added:
                arrivals.setdefault(op_id, {}).setdefault(index, now)

        return seen

    network = Libp2pNetwork()
    config = HostConfig(listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False)
    with tempfile.TemporaryDirectory() as scratch:
        async with AsyncExitStack() as stack:
            cores: list[Core] = []
            for index in range(peers):
                home = Path(scratch) / f"peer{index}"
                identity.create(home, f"peer{index}")
                cores.append(
                    await stack.enter_async_context(
                        Core.open(
                            home=home,
                            network=network,
                            host_config=config,
                            sync_settings=SyncSettings(),
                            on_changes=observer(index),
                            verify_workers=0,
                        )
                    )
                )
            owner = cores[0]
            space = await owner.create_circle("Propagation")
            for core in cores[1:]:
                await core.join(await owner.invite(space))
            for index, core in enumerate(cores):
                for other in cores[index + 1 :]:
                    await core.host.connect(other.host.listen_addrs()[0])
            await trio.sleep(3)  # let gossip meshes form before measuring

            interval = 1.0 / rate
            start = time.perf_counter()
            number = 0
            while time.perf_counter() - start < seconds:
                writer = cores[number % peers]
                stamp = time.perf_counter()
                op_id = await writer.post(space, f"op {number}")
                written[op_id] = stamp
                arrivals.setdefault(op_id, {})[number % peers] = stamp
                number += 1
                await trio.sleep(max(0.0, start + number * interval - time.perf_counter()))
            deadline = time.perf_counter() + GRACE_SECONDS
            while time.perf_counter() < deadline and any(len(arrivals[o]) < peers for o in written):
                await trio.sleep(0.1)
    latencies = [
        (arrived - stamp) * 1000
        for op_id, stamp in written.items()
        for index, arrived in arrivals[op_id].items()
        if arrived is not stamp
    ]
    lost = sum(1 for op_id in written if len(arrivals[op_id]) < peers)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "p50_ms": round(quantiles[49], 1),
        "p99_ms": round(quantiles[98], 1),
        "sent": len(written),
        "lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=20.0, help="ops per second, all peers together")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = trio.run(run, args.peers, args.seconds, args.rate)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"propagation: {args.peers} peers, {figures['sent']} ops at {args.rate:g}/s")
        print(f"latency write -> every peer's store: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms")
        print(f"lost: {figures['lost']} (goal: p50 <= 50 ms, p99 <= 250 ms, 0 lost)")


if __name__ == "__main__":
    main()
