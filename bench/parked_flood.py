"""What a flood of parked ops costs a circle's device: disk and memory.

Throwaway keys sign 256 KiB ops whose prev is a made-up hash (they park until a past
that never comes); they arrive a few per batch, as gossip brings them. Prints the bytes
sent, what the pending table holds (in all, and of the largest author), the database
file's size and this process's resident memory before and after.

    python bench/parked_flood.py [--keys K] [--ops-per-key N] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from sync import writer
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId, digest
from sync.op import UnverifiedOp, sign
from sync.replica import Replica
from sync.store import Store
from sync.wire.op import MAX_BODY_BYTES, Header


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stray(space: SpaceId, key: DeviceKey, seq: int) -> bytes:
    body = (digest(key.device_id + seq.to_bytes(4, "big")) * (MAX_BODY_BYTES // 32 + 1))[:MAX_BODY_BYTES]
    header = Header(
        space=space,
        author=key.device_id,
        seq=seq,
        prev=OpId(digest(b"made-up" + key.device_id + seq.to_bytes(4, "big"))),
        deps=(),
        kind="item.put",
        epoch=0,
        body_hash=digest(body),
        body_len=len(body),
        hlc=1_700_000_000_000 << 16,
    )
    return sign(key, header, body).to_wire()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--ops-per-key", type=int, default=10)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "owner.db"
        owner = Replica(Store(path), DeviceKey(digest(b"bench-owner")))
        space = writer.create_space(
            owner, name="Flood", member_name="Owner", space_key=digest(b"bench-key"), now_ms=1_700_000_000_000
        )
        before = rss_mb()
        sent = 0
        start = time.perf_counter()
        for k in range(args.keys):
            key = DeviceKey(digest(f"throwaway-{k}".encode()))
            envelopes = [stray(space, key, seq) for seq in range(2, 2 + args.ops_per_key)]
            for first in range(0, len(envelopes), args.batch):
                batch = envelopes[first : first + args.batch]
                owner.ingest(space, batch)
                sent += sum(len(envelope) for envelope in batch)
        seconds = time.perf_counter() - start
        after = rss_mb()
        per_author: dict[bytes, int] = {}
        for (envelope,) in owner.db.execute("SELECT envelope FROM pending"):
            author = UnverifiedOp.from_wire(envelope).header.author
            per_author[author] = per_author.get(author, 0) + len(envelope)
        owner.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        figures = {
            "sent_mib": round(sent / 2**20, 1),
            "ops_sent": args.keys * args.ops_per_key,
            "pending_ops": owner.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0],
            "pending_mib": round(sum(per_author.values()) / 2**20, 1),
            "largest_author_mib": round(max(per_author.values(), default=0) / 2**20, 2),
            "db_file_mib": round(path.stat().st_size / 2**20, 1),
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "seconds": round(seconds, 2),
        }
        owner.store.close()
    if args.json:
        json.dump(figures, sys.stdout)
        print()
    else:
        for name, value in figures.items():
            print(f"{name:>20}: {value}")


if __name__ == "__main__":
    main()
