"""Reconciliation of two replicas that diverged by N ops on each side.

Runs the real sans-IO protocol between two SQLite-backed replicas in one process and
prints message exchanges, bytes moved and seconds, next to the time the same replicas
take to ingest the same ops handed over directly (no protocol): the anchor.

    python bench/reconcile.py [--ops N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import make_circle, mint, pump, receiver

from sync.state import state_hash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=10_000, help="ops written on each side")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        circle = make_circle(directory, authors=4)
        left_ops = mint(circle, args.ops, authors=circle.authors[:2])
        right_ops = mint(circle, args.ops, authors=circle.authors[2:])
        left = receiver(directory / "left.db", circle, "left")
        right = receiver(directory / "right.db", circle, "right")
        left.ingest(circle.space, left_ops)
        right.ingest(circle.space, right_ops)

        start = time.perf_counter()
        exchanges, size = pump(left, right, circle.space)
        seconds = time.perf_counter() - start
        if state_hash(left.db, circle.space) != state_hash(right.db, circle.space):
            raise SystemExit("reconciliation did not converge")

        # Anchor: the same ops handed over directly, without the protocol.
        left_copy = receiver(directory / "left2.db", circle, "left2")
        right_copy = receiver(directory / "right2.db", circle, "right2")
        left_copy.ingest(circle.space, left_ops)
        right_copy.ingest(circle.space, right_ops)
        start = time.perf_counter()
        for offset in range(0, args.ops, 4000):
            left_copy.ingest(circle.space, right_ops[offset : offset + 4000])
            right_copy.ingest(circle.space, left_ops[offset : offset + 4000])
        local = time.perf_counter() - start
        if state_hash(left_copy.db, circle.space) != state_hash(left.db, circle.space):
            raise SystemExit("anchor run disagrees")
    figures = {
        "exchanges": exchanges,
        "bytes": size,
        "seconds": round(seconds, 3),
        "local_ingest_seconds": round(local, 3),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"reconcile: {args.ops} + {args.ops} divergent ops in {exchanges} messages, {size:,} bytes")
        print(
            f"time:      {seconds:.2f} s (anchor: direct ingest of the same ops {local:.2f} s,"
            f" ratio {seconds / local:.2f})"
        )


if __name__ == "__main__":
    main()
