"""Search in a circle (Ctrl+F, `search --circle`): a circle of N items, then timed searches.

Writes N items into one circle through the real write path in batches (threads and chat
lines, words from `bench/search.py`'s vocabulary with its Zipf-like
spread), then times searches of 1–2 words through `app.services.search.in_circle`, what
`search --circle` and the client's search bar run, minus process start-up.

Anchor from the same run: the same texts in a bare SQLite table, searched with the same
`LIKE` clauses and `ORDER BY rowid DESC LIMIT 50` (no visibility filter, no row reads).

    python bench/circle_search.py [--items N] [--queries Q] [--seed S] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import Words, percentile

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.paths import database_path
from app.services import search
from app.services.commands import Commands
from sync import writer
from sync.ids import SpaceId

BATCH = 500


def texts(count: int, seed: int) -> list[tuple[str, str]]:
    """(title, text) per item: one in ten a thread with a title, the rest chat lines."""
    words = Words(random.Random(seed))
    sizes = random.Random(seed + 2)
    return [
        (" ".join(words.take(4)) if n % 10 == 0 else "", " ".join(words.take(sizes.randint(6, 40))))
        for n in range(count)
    ]


def queries(count: int, seed: int) -> list[str]:
    words = Words(random.Random(seed))
    rng = random.Random(seed + 1)
    words.rng = rng
    return [" ".join(words.take(rng.choice((1, 1, 2)))) for _ in range(count)]


async def run_app(
    home: Path, rows: list[tuple[str, str]], searches: list[str], warmup: int
) -> tuple[float, list[float], int]:
    me = identity.create(home, "Bench")
    database = Database(database_path(home), me.key, verify_workers=0)
    try:
        commands = Commands(database=database, identity=me, clock=SystemClock())
        space = SpaceId(await commands.create_circle("Bench circle"))
        start = time.perf_counter()
        for at in range(0, len(rows), BATCH):
            drafts = [
                ("item.put", {"title": title, "text": text, "tags": []})
                if title
                else ("chat.say", {"text": text})
                for title, text in rows[at : at + BATCH]
            ]
            now = commands.clock.now_ms()
            await commands.write(writer.write_many, commands.replica, space, drafts, now_ms=now)
        write_s = time.perf_counter() - start
        for query in searches[:warmup]:
            await search.in_circle(commands, space, query)
        times, hits = [], 0
        for query in searches[warmup:]:
            start = time.perf_counter()
            found = await search.in_circle(commands, space, query)
            times.append((time.perf_counter() - start) * 1000)
            hits += len(found)
        return write_s, times, hits
    finally:
        database.close()


def bare_anchor(path: Path, rows: list[tuple[str, str]], searches: list[str]) -> list[float]:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (title TEXT, text TEXT)")
    with db:
        db.executemany("INSERT INTO t VALUES (?, ?)", rows)
    times = []
    for query in searches:
        words = query.split()
        where = " AND ".join("(title LIKE ? OR text LIKE ?)" for _ in words)
        params = [f"%{word}%" for word in words for _ in (0, 1)]
        start = time.perf_counter()
        sql = f"SELECT rowid, title, text FROM t WHERE {where} ORDER BY rowid DESC LIMIT 50"
        db.execute(sql, params).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    db.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = texts(args.items, args.seed)
    searches = queries(args.queries + args.warmup, args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        write_s, times, hits = trio.run(run_app, Path(scratch) / "home", rows, searches, args.warmup)
        anchor = bare_anchor(Path(scratch) / "bare.sqlite", rows, searches)[args.warmup :]
    figures = {
        "items": args.items,
        "queries": len(times),
        "write_s": round(write_s, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "anchor_like_p50_ms": round(statistics.median(anchor), 2),
        "anchor_like_p95_ms": round(percentile(anchor, 0.95), 2),
        "mean_hits": round(hits / len(times), 1),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"circle of {args.items:,} items written in {write_s:.1f} s; {len(times)} searches")
    print(
        f"search p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms"
        f" (bare LIKE anchor p50 {figures['anchor_like_p50_ms']} ms, p95 {figures['anchor_like_p95_ms']} ms);"
        f" {figures['mean_hits']} hits on average"
    )


if __name__ == "__main__":
    main()
