"""Full-text search over my notes: import N Markdown notes, then time searches.

Generates N Markdown notes (deterministic seed; words drawn from a vocabulary with a
Zipf-like spread, paragraphs and lists, front-matter tags, `[[links]]` to other notes'
titles), imports the folder through `note import`'s own path (`app.services.markdown_vault`)
into a fresh data directory, then times searches of 1–3 words with the last one cut to
a prefix through `app.services.notes.search` — what `note search` runs, minus process start-up.

Anchors from the same run: the same rows inserted into a bare SQLite FTS5 table (same
tokenizer, one transaction) for the import, and the same queries against that bare
table (`MATCH … ORDER BY rank LIMIT 50`) for the searches.

    python bench/search.py [--notes N] [--queries Q] [--seed S] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trio

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.paths import database_path
from app.services import notes
from app.services.commands import Commands
from app.services.markdown_vault import import_folder
from sync.views import fts_query

SYLLABLES = [
    "ka", "ri", "to", "men", "sa", "lo", "ver", "tion", "al", "pro", "cel", "ly", "bi", "ex", "gra",
    "phy", "mo", "dul", "ar", "en", "qui", "the", "sis", "na", "ro", "tri", "ge", "nom", "ic", "ur",
]  # fmt: skip
TAGS = [f"topic-{n}" for n in range(40)] + ["exam", "todo", "lecture", "reading", "lab", "review"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


class Words:
    """Words with a Zipf-like spread: a few very common, most rare (as in real notes)."""

    def __init__(self, rng: random.Random, size: int = 20_000) -> None:
        self.rng = rng
        self.words = vocabulary(rng, size)
        rng.shuffle(self.words)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(size)))

    def take(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)


def make_vault(folder: Path, count: int, seed: int) -> list[tuple[str, str, str]]:
    """Write `count` notes as .md files; returns (title, text, tags) as the bare anchor stores them."""
    rng = random.Random(seed)
    words = Words(rng)
    folder.mkdir(parents=True)
    titles: list[str] = []
    rows = []
    for n in range(count):
        title = " ".join(words.take(rng.randint(2, 5))).capitalize() + f" {n}"
        paragraphs = []
        for _ in range(rng.randint(1, 5)):
            sentence = words.take(rng.randint(15, 60))
            if titles and rng.random() < 0.3:
                sentence.insert(rng.randrange(len(sentence)), f"[[{rng.choice(titles)}]]")
            paragraphs.append(" ".join(sentence).capitalize() + ".")
        if rng.random() < 0.3:
            paragraphs.append("\n".join(f"- {' '.join(words.take(rng.randint(2, 8)))}" for _ in range(3)))
        text = "\n\n".join(paragraphs) + "\n"
        tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))))
        front = f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n---\n" if tags or rng.random() < 0.5 else ""
        body = text if front else f"# {title}\n\n{text}"
        (folder / f"note-{n:06}.md").write_text(front + body, encoding="utf-8")
        titles.append(title)
        rows.append((title, body, " ".join(tags)))
    return rows


def queries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    words = Words(random.Random(seed))  # the notes' vocabulary and spread
    words.rng = rng
    found = []
    for _ in range(count):
        picked = words.take(rng.choice((1, 1, 2, 2, 2, 3)))
        last = picked[-1]
        picked[-1] = last[: rng.randint(min(3, len(last)), len(last))]
        found.append(" ".join(picked))
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bare_anchor(
    path: Path, rows: list[tuple[str, str, str]], searches: list[str]
) -> tuple[float, list[float]]:
    """Insert the same rows into a bare FTS5 table and run the same queries against it."""
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, text, tags, tokenize = 'unicode61 remove_diacritics 2')"
    )
    start = time.perf_counter()
    with db:
        db.executemany("INSERT INTO t (title, text, tags) VALUES (?, ?, ?)", rows)
    insert_s = time.perf_counter() - start
    times = []
    for query in searches:
        start = time.perf_counter()
        db.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 50", (fts_query(query),)
        ).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    db.close()
    return insert_s, times


async def run_app(
    home: Path, vault: Path, searches: list[str], warmup: int
) -> tuple[float, list[float], int]:
    me = identity.create(home, "Bench")
    database = Database(database_path(home), me.key, verify_workers=0)
    try:
        commands = Commands(database=database, identity=me, clock=SystemClock())

        def progress(done: int, total: int) -> None:
            if done % 10_000 == 0 or done == total:
                print(f"imported {done:,} of {total:,}", file=sys.stderr, flush=True)

        start = time.perf_counter()
        report = await import_folder(commands, vault, progress=progress)
        import_s = time.perf_counter() - start
        assert report.imported == report.files, report  # every generated note is new
        for query in searches[:warmup]:
            await notes.search(commands, query)
        times, hits = [], 0
        for query in searches[warmup:]:
            start = time.perf_counter()
            found = await notes.search(commands, query)
            times.append((time.perf_counter() - start) * 1000)
            hits += len(found)
        return import_s, times, hits
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20, help="queries run first and not counted")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        start = time.perf_counter()
        rows = make_vault(directory / "vault", args.notes, args.seed)
        generate_s = time.perf_counter() - start
        searches = queries(args.queries + args.warmup, args.seed)
        import_s, times, hits = trio.run(
            run_app, directory / "home", directory / "vault", searches, args.warmup
        )
        anchor_insert_s, anchor_times = bare_anchor(directory / "bare.sqlite", rows, searches)
    anchor_times = anchor_times[args.warmup :]
    figures = {
        "notes": args.notes,
        "queries": len(times),
        "generate_s": round(generate_s, 1),
        "import_s": round(import_s, 1),
        "import_notes_per_s": round(args.notes / import_s),
        "anchor_bare_fts_insert_s": round(anchor_insert_s, 2),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "anchor_p50_ms": round(statistics.median(anchor_times), 2),
        "anchor_p95_ms": round(percentile(anchor_times, 0.95), 2),
        "mean_hits": round(hits / len(times), 1),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"notes {args.notes:,}: generated in {generate_s:.1f} s")
    print(
        f"import: {import_s:.1f} s ({figures['import_notes_per_s']:,} notes/s);"
        f" anchor: bare FTS5 insert of the same rows {anchor_insert_s:.2f} s"
    )
    print(
        f"search ({len(times)} queries, {figures['mean_hits']} hits each on average):"
        f" p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms;"
        f" anchor: bare FTS5 p50 {figures['anchor_p50_ms']} ms, p95 {figures['anchor_p95_ms']} ms"
    )


if __name__ == "__main__":
    main()
