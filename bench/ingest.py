"""Ingest rate of signed, encrypted ops from peers into a fresh store.

Prints ops/s next to the raw single-thread Ed25519 verify rate measured in the same
run on the same ops (the anchor), and their ratio. Signature checks run in a pool of
worker processes while this process admits the chunks already checked, as the app
does (threads would contend for the GIL on every verify).

    python bench/ingest.py [--ops N] [--batch B] [--workers W] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import make_circle, mint, receiver

from sync.op import UnverifiedOp
from sync.state import state_hash
from sync.writer import accept_invite  # noqa: F401


def raw_verify_rate(envelopes: list[bytes], seconds: float = 2.0) -> float:
    ops = [UnverifiedOp.from_wire(envelope) for envelope in envelopes[:5000]]
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for op in ops:
            if not op.signature_ok():
                raise SystemExit("a minted op does not verify")
        done += len(ops)
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=10)
    parser.add_argument("--batch", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        circle = make_circle(directory, authors=args.authors)
        envelopes = mint(circle, args.ops)
        raw = raw_verify_rate(envelopes)
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            list(pool.map(abs, range(args.workers)))  # start the workers before timing
            replica = receiver(directory / "receiver.db", circle, "receiver", verify_map=pool.map)
            store = replica.store
            start = time.perf_counter()
            accepted = 0
            for offset in range(0, len(envelopes), args.batch):
                result = replica.ingest(circle.space, envelopes[offset : offset + args.batch])
                accepted += result.accepted
            seconds = time.perf_counter() - start
        valid = store.connection.execute("SELECT COUNT(*) FROM ops WHERE status = 0").fetchone()[0]
        if accepted != len(envelopes) or valid != len(envelopes) + len(circle.setup):
            raise SystemExit(f"ingest lost ops: accepted {accepted}, valid {valid}")
        state_hash(store.connection, circle.space)
    rate = len(envelopes) / seconds
    figures = {
        "ops": len(envelopes),
        "ops_per_s": round(rate),
        "raw_verify_per_s": round(raw),
        "ratio": round(rate / raw, 3),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"ingest: {figures['ops']} ops in {seconds:.2f} s = {rate:,.0f} ops/s")
        print(f"anchor: raw single-thread Ed25519 verify = {raw:,.0f} /s")
        print(f"ratio:  {rate / raw:.2f} x raw verify (goal >= 0.6)")


if __name__ == "__main__":
    main()
