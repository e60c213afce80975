"""Gossip reach: does every peer hear every other, with peers dialing at once and restarting?

Six hosts (`--peers`) on 127.0.0.1 in this process, on one topic; every pair dials both
ways at once (as mDNS discovery does); each publishes every 0.5 s. After 5 s, two of
them restart (close, reopen with the same key, dial everyone again at once). From then,
for `--observe` seconds, a (receiver, sender) pair is "silent" while the receiver has
heard nothing from that sender; a peer is "deaf" when every sender was silent to it for
longer than `--silence`. This is the gossip "isolation" of the six-peer LAN test, and
what docs/network.md ("Nobody is left without gossip") reports, before and after.

    python bench/gossip_reach.py [--runs N] [--peers P] [--silence X] [--observe S]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from p2p.host import Libp2pHost, Libp2pNetwork
from p2p.identity import PeerId
from tests.p2p.conftest import device_seed, loopback_config

TOPIC = "bench-topic"
PUBLISH_EVERY = 0.5
WARM_UP = 5.0
RESTARTING = 2


async def one_run(run: int, *, peers: int, silence: float, observe: float) -> tuple[int, int]:
    """(pairs silent longer than `silence`, peers deaf longer than `silence`)."""
    network = Libp2pNetwork()
    names = [f"run{run}-peer{i}" for i in range(peers)]
    heard_at: dict[tuple[str, PeerId], float] = {}
    hosts: dict[str, Libp2pHost] = {}
    ids: dict[str, PeerId] = {}

    def hearing(me: str):  # type: ignore[no-untyped-def]
        async def on_message(origin: PeerId, data: bytes) -> None:
            heard_at[(me, origin)] = trio.current_time()

        return on_message

    async def serve(name: str, stop: trio.Event, task_status=trio.TASK_STATUS_IGNORED) -> None:  # type: ignore[no-untyped-def]
        async with network.open_host(device_seed(name), loopback_config()) as host:
            await host.subscribe(TOPIC, hearing(name))
            hosts[name], ids[name] = host, host.peer_id
            async with trio.open_nursery() as nursery:
                nursery.start_soon(publish_forever, host)
                task_status.started()
                await stop.wait()
                nursery.cancel_scope.cancel()
        del hosts[name]

    async def dial_everyone(name: str) -> None:
        async with trio.open_nursery() as nursery:
            for other, host in list(hosts.items()):
                if other != name:
                    nursery.start_soon(dial_quietly, hosts[name], host)
                    nursery.start_soon(dial_quietly, host, hosts[name])

    stops = {name: trio.Event() for name in names}
    async with trio.open_nursery() as nursery:
        for name in names:
            await nursery.start(serve, name, stops[name])
        for name in names:
            await dial_everyone(name)
        await trio.sleep(WARM_UP)
        for name in names[1 : 1 + RESTARTING]:
            stops[name].set()
            while name in hosts:
                await trio.sleep(0.01)
            stops[name] = trio.Event()
            await nursery.start(serve, name, stops[name])
            await dial_everyone(name)
        started = trio.current_time()
        longest: dict[tuple[str, str], float] = {}
        while trio.current_time() < started + observe:
            await trio.sleep(0.25)
            now = trio.current_time()
            for me in names:
                for other in names:
                    if other != me:
                        last = max(heard_at.get((me, ids[other]), started), started)
                        longest[(me, other)] = max(longest.get((me, other), 0.0), now - last)
        for stop in stops.values():
            stop.set()
    silent = sum(1 for gap in longest.values() if gap > silence)
    deaf = sum(1 for me in names if all(longest[(me, o)] > silence for o in names if o != me))
    return silent, deaf


async def publish_forever(host: Libp2pHost) -> None:
    while True:
        await host.publish(TOPIC, b"bench")
        await trio.sleep(PUBLISH_EVERY)


async def dial_quietly(host: Libp2pHost, other: Libp2pHost) -> None:
    with contextlib.suppress(Exception):  # a crossing dial may lose; the other connects them
        await host.connect(other.listen_addrs()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--peers", type=int, default=6)
    parser.add_argument("--silence", type=float, default=5.0, help="seconds")
    parser.add_argument("--observe", type=float, default=15.0, help="seconds")
    args = parser.parse_args()
    with_silence = with_deaf = 0
    for run in range(args.runs):
        silent, deaf = trio.run(
            lambda r=run: one_run(r, peers=args.peers, silence=args.silence, observe=args.observe)
        )
        with_silence += silent > 0
        with_deaf += deaf > 0
        pairs = args.peers * (args.peers - 1)
        print(f"run {run}: {silent} of {pairs} pairs silent > {args.silence:g} s, {deaf} deaf", flush=True)
    print(
        f"gossip reach: {args.runs} runs; a pair silent > {args.silence:g} s in {with_silence}, "
        f"a peer hearing nobody in {with_deaf}"
    )


if __name__ == "__main__":
    main()
