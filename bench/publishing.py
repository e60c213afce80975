"""Publishing: an idle core's scheduler wake-ups, and how soon another process's write is gossiped.

One core (the in-memory network, one circle, no peers) runs here. Idle: trio task steps
per second and this process's CPU over 5 s, after a 1 s settle. Then a second Python
process writes `--writes` posts through `app.services.commands.Commands` (what
`studycircle thread new` runs), 250 ms apart, and prints each post's seq and the
`time.time()` after its commit; latency = the `time.time()` at which the core hands the
gossip message holding that op to its host's `publish`, minus that.

    python bench/publishing.py [--writes N]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trio

from app import identity
from app.core import Core
from p2p.config import HostConfig
from p2p.memory import MemoryHub
from sync.wire.gossip import decode_gossip
from sync.wire.op import decode_envelope, decode_header
from sync.wire.reconcile import OpsMessage

WRITER = r"""
import sys, time
from pathlib import Path
import trio
from app import identity
from app.clock import SystemClock
from app.database import Database
from app.network.own_ops import own_seq
from app.paths import database_path
from app.services.commands import Commands

home, space, count = Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), int(sys.argv[3])

async def main():
    me = identity.load(home)
    database = Database(database_path(home), me.key, verify_workers=0)
    commands = Commands(database=database, identity=me, clock=SystemClock())
    for number in range(count):
        await trio.sleep(0.25)
        await commands.post(space, f"from the shell {number}")
        committed = time.time()
        print(await database.run(own_seq, database.replica, space), committed, flush=True)
    database.close()

trio.run(main)
"""


class Steps(trio.abc.Instrument):
    def __init__(self) -> None:
        self.steps = 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self.steps += 1


async def main(writes: int) -> dict:
    home = Path(tempfile.mkdtemp()) / "owner"
    identity.create(home, "owner")
    published: dict[int, float] = {}
    config = HostConfig(listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False)
    async with Core.open(
        home=home, network=MemoryHub(rng=random.Random(1)), host_config=config, verify_workers=0
    ) as core:
        publish = core.host.publish

        async def watching(topic: str, data: bytes) -> None:
            now = time.time()
            for gate in list(core.sync.topics.gates.values()):
                payload = gate.gossip.open(data) if gate.gossip.topic == topic else None
                message = None if payload is None else decode_gossip(payload)
                if isinstance(message, OpsMessage):
                    for envelope in message.envelopes:
                        published.setdefault(decode_header(decode_envelope(envelope)[0]).seq, now)
            await publish(topic, data)

        core.host.publish = watching  # type: ignore[method-assign]
        space = await core.create_circle("Bench")
        await trio.sleep(1.0)
        steps = Steps()
        trio.lowlevel.add_instrument(steps)
        cpu0, t0 = time.process_time(), time.monotonic()
        await trio.sleep(5.0)
        cpu1, t1 = time.process_time(), time.monotonic()
        trio.lowlevel.remove_instrument(steps)
        idle = {"task_steps_per_s": steps.steps / (t1 - t0), "cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0)}
        proc = await trio.run_process(
            [sys.executable, "-c", WRITER, str(home), space.hex(), str(writes)],
            capture_stdout=True,
            check=True,
        )
        written = {int(a): float(b) for a, b in (line.split() for line in proc.stdout.decode().splitlines())}
        with trio.move_on_after(5.0):
            while not all(seq in published for seq in written):
                await trio.sleep(0.05)
        latencies = sorted(1000 * (published[s] - t) for s, t in written.items() if s in published)
    return {
        "idle": idle,
        "writes": len(written),
        "published": len(latencies),
        "latency_ms_p50": statistics.median(latencies) if latencies else None,
        "latency_ms_max": max(latencies) if latencies else None,
        "latency_ms_min": min(latencies) if latencies else None,
    }


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--writes") + 1]) if "--writes" in sys.argv else 20
    print(json.dumps(trio.run(main, n), indent=1))
