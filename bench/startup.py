"""Desktop cold start: a fresh process to a usable main window, with 100,000 notes and a
circle of 50,000 ops, next to a bare PySide6 window measured in the same run.

"Usable" means the main window is shown, the sidebar lists the circles and the page the
window opens on (My notes, or the last open circle) shows its first rows; the child
process prints the moment it gets there. The anchor is a fresh process that imports
PySide6, shows an empty `QMainWindow` and prints when the loop first runs. Idle memory
is the client's RSS (VmRSS) two seconds after it became usable. Each figure is the
median of `--runs` starts, bare and client interleaved. Beside the wall times, each
child reports the CPU time its process had used when it got there (all its threads):
on a shared machine that figure moves far less with the load than the wall time does.

The data directory is built once (real signed ops written through `sync.writer`, in
batches like the Markdown import) and cached under the temp dir, keyed by the sizes.

Before measuring, the project's packages are compiled to bytecode (`compileall`), as an
installed app's are (pip compiles at install, PyInstaller bundles bytecode, and a source
checkout writes `__pycache__` at its first start) and as PySide6's already are: with
`PYTHONDONTWRITEBYTECODE` set (this machine sets it) every start would otherwise compile
our modules from source while the bare window's imports come from bytecode.
`--from-source` measures that first-ever start instead.

    python bench/startup.py [--notes N] [--ops N] [--runs N] [--page notes|circle]
                            [--from-source] [--json]

Goal (issue #5): startup ≤ 1.0 s and ≤ 2× the bare window; idle RSS ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 1000
GIVE_UP_S = 60.0
KINDS = 10  # of every ten circle ops: 1 thread, 4 replies, 4 chat lines, 1 help request


def build_home(home: Path, *, notes: int, ops: int) -> None:
    """An identity, `notes` personal notes and a circle holding `ops` ops of its own."""
    import secrets

    from app import identity
    from app.paths import database_path
    from app.personal import NAME, PERSONAL
    from sync import writer
    from sync.replica import Replica
    from sync.store import Store

    me = identity.create(home, "Bench")
    replica = Replica(Store(database_path(home)), me.key)
    now = 1_790_000_000_000
    personal = writer.create_space(
        replica, name=NAME, member_name="Bench", space_key=secrets.token_bytes(32), now_ms=now,
        settings={PERSONAL: True},
    )
    for start in range(0, notes, BATCH):
        batch = [
            ("note.put", {"title": f"Note {n}", "text": f"See [[Note {n // 2}]].", "tags": ["bench"]})
            for n in range(start, min(notes, start + BATCH))
        ]
        writer.write_many(replica, personal, batch, now_ms=now + start)
        _progress("notes", start + len(batch), notes)
    circle = writer.create_space(
        replica, name="Bench circle", member_name="Bench", space_key=secrets.token_bytes(32), now_ms=now
    )
    written, thread, request = 2, None, None  # genesis and the owner's join are ops too
    while written < ops:
        batch = []
        for n in range(written, min(ops, written + BATCH)):
            step = n % KINDS
            if step == 0 or thread is None:
                batch.append(("item.put", {"title": f"Thread {n}", "text": "What about this?", "tags": []}))
            elif step == 9:
                batch.append(("help.ask", {"title": f"Stuck on {n}", "text": "Help, please.", "tags": []}))
            elif step < 5:
                batch.append(("item.reply", {"parent": thread, "text": f"Reply {n}"}))
            else:
                batch.append(("chat.say", {"text": f"Chat line {n}"}))
        done, _ = writer.write_many(replica, circle, batch, now_ms=now + written)
        for (kind, _fields), op in zip(batch, done, strict=True):
            if kind == "item.put":
                thread = op.op_id
            elif kind == "help.ask":
                request = op.op_id
        written += len(batch)
        _progress("circle ops", written, ops)
    del request
    replica.store.close()


def compile_project() -> None:
    """Bytecode for the project's packages, as an installed app has it."""
    import compileall

    for package in ("app", "ui", "sync", "p2p", "resources"):
        compileall.compile_dir(ROOT / package, quiet=1)


def _progress(what: str, done: int, total: int) -> None:
    print(f"\rbuilding: {done:,}/{total:,} {what}", end="\n" if done >= total else "", file=sys.stderr)


def cached_home(notes: int, ops: int) -> Path:
    home = Path(tempfile.gettempdir()) / f"studycircle-bench-startup-{notes}-{ops}-v1"
    if not (home / "ready").exists():
        import shutil

        shutil.rmtree(home, ignore_errors=True)
        build_home(home, notes=notes, ops=ops)
        (home / "ready").touch()
    return home


# -- the two children ------------------------------------------------------------------------
def child_bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1100, 720)
    window.show()

    def usable() -> None:
        print(f"USABLE {time.time():.6f} {_cpu_s():.4f}", flush=True)
        app.quit()

    QTimer.singleShot(0, usable)
    app.exec()


def child_client(home: Path, page: str) -> None:
    """The real client start (`python -m ui`'s path), reporting when it is usable."""
    importlib.import_module("ui.preload")  # as `python -m ui` does: before PySide6
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.launcher import Launch, run_desktop
    from ui.main_window import MainWindow
    from ui.runtime import Runtime

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    runtime = Runtime()
    runtime.finished.connect(app.quit)
    settings = QSettings(str(home / f"bench-{page}.ini"), QSettings.Format.IniFormat)
    if page == "circle":
        settings.setValue("circle/last", _circle_hex(home))
    else:
        settings.remove("circle/last")
    holder: list[MainWindow] = []

    def ready() -> bool:
        window = holder[0]
        if not window.isVisible() or window.sidebar.count() < 2:
            return False
        current = window.pages.currentWidget()
        if page == "circle":
            discussion = getattr(current, "discussion", None)  # a circle's page, not a placeholder
            return discussion is not None and discussion.threads.count() > 0
        return current is window.notes and window.notes.list.model().rowCount() > 0

    began = time.monotonic()

    def poll() -> None:
        if holder and ready():
            print(f"USABLE {time.time():.6f} {_cpu_s():.4f}", flush=True)
            QTimer.singleShot(2000, idle)
        elif time.monotonic() - began > GIVE_UP_S:  # say so rather than wait forever
            print(f"not usable after {GIVE_UP_S:g} s (opening on {page})", file=sys.stderr, flush=True)
            os._exit(3)
        else:
            QTimer.singleShot(1, poll)

    def idle() -> None:
        print(f"IDLE {_rss_mb():.1f}", flush=True)
        holder[0].close()

    launch = Launch(home=home, settings=settings, local_only=True, on_window=holder.append)
    runtime.start(lambda rt: run_desktop(rt, launch))
    QTimer.singleShot(0, poll)
    app.exec()


def _circle_hex(home: Path) -> str:
    import sqlite3

    from app.paths import database_path

    db = sqlite3.connect(database_path(home))
    try:
        rows = db.execute("SELECT space FROM spaces").fetchall()
        count = "SELECT count(*) FROM ops WHERE space = ?"
        counts = [(db.execute(count, row).fetchone()[0], row[0]) for row in rows]
    finally:
        db.close()
    # the circle is the smaller of the two spaces in the bench home
    return bytes(min(counts)[1]).hex()


def _cpu_s() -> float:
    """CPU seconds this process has used (user + system, every thread)."""
    return time.process_time()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- the parent ---------------------------------------------------------------------------
def measure(args: list[str]) -> tuple[float, float | None, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    child = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert child.stdout is not None
    usable = rss = None
    cpu = float("nan")
    for line in child.stdout:
        word, *rest = line.split()
        if word == "USABLE":
            usable = float(rest[0]) - start
            cpu = float(rest[1])
        elif word == "IDLE":
            rss = float(rest[0])
    if child.wait(timeout=120) != 0 or usable is None:
        raise SystemExit(f"the child {' '.join(args)} failed (exit {child.returncode})")
    return usable, rss, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--ops", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", choices=("notes", "circle"), default="notes")
    parser.add_argument("--from-source", action="store_true", help="no bytecode compiled first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=("bare", "client"), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        return child_bare()
    if args.child == "client":
        return child_client(args.home, args.page)

    home = cached_home(args.notes, args.ops)
    if not args.from_source:
        compile_project()
    measure(["--child", "bare"])  # warm the file cache for both: this is a cold *process* start
    measure(["--child", "client", "--home", str(home), "--page", args.page])
    bare, client, rss, bare_cpu, client_cpu = [], [], [], [], []
    for _ in range(args.runs):
        seconds, _, cpu = measure(["--child", "bare"])
        bare.append(seconds)
        bare_cpu.append(cpu)
        seconds, idle, cpu = measure(["--child", "client", "--home", str(home), "--page", args.page])
        client.append(seconds)
        client_cpu.append(cpu)
        rss.append(idle or float("nan"))
    result = {
        "startup_s": round(statistics.median(client), 3),
        "bare_s": round(statistics.median(bare), 3),
        "ratio": round(statistics.median(client) / statistics.median(bare), 2),
        "idle_rss_mb": round(statistics.median(rss), 1),
        # CPU used to get there (not a goal: what the wall times are made of, less load-bound)
        "startup_cpu_s": round(statistics.median(client_cpu), 3),
        "bare_cpu_s": round(statistics.median(bare_cpu), 3),
        "bytecode": not args.from_source,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"data: {args.notes:,} notes, a circle of {args.ops:,} ops; opening on {args.page}", end="")
    print(f"; {args.runs} runs, medians")
    print(f"bare PySide6 window : {result['bare_s']:.3f} s (runs {', '.join(f'{s:.3f}' for s in bare)})")
    print(f"StudyCircle usable  : {result['startup_s']:.3f} s (runs {', '.join(f'{s:.3f}' for s in client)})")
    print(f"ratio               : {result['ratio']:.2f}x  (goal ≤ 1.0 s and ≤ 2x)")
    print(f"idle RSS            : {result['idle_rss_mb']:.1f} MB (goal ≤ 150 MB)")
    print(
        f"CPU to usable       : {result['startup_cpu_s']:.3f} s, bare {result['bare_cpu_s']:.3f} s"
        f" (runs {', '.join(f'{s:.3f}' for s in client_cpu)})"
    )


if __name__ == "__main__":
    main()
