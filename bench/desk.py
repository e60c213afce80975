"""The teacher's desk at scale: a teacher in 5 circles with 300 students in all, 5,000
help requests and 10 assignments (every student enrolled and submitted, review round 1
open). Times the desk's read on the database worker (`app.services.desk._desk`) and its
paint on the GUI thread (`ui.desk_view.QtDesk._show` plus the events it posts;
offscreen), first and after one more request.

    python bench/desk.py [--circles 5] [--students 300] [--requests 5000] [--refreshes 5] [--json]

Figures: `read_ms` and `refresh_read_ms` (database worker, not the GUI thread; with
`*_cpu_ms`, the process's CPU time for the read, which a loaded machine inflates less),
`first_paint_ms` and `refresh_paint_ms` (GUI thread), `requests`, `assignments`. The
refresh figures are the median over `--refreshes` rounds of one more request each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workload import Clock, enrol_class, seed

from sync import pseudonym, writer
from sync.identity import DeviceKey
from sync.ids import SpaceId
from sync.replica import Replica
from sync.store import Store


def build(
    path: Path, circles: int, students: int, requests: int, clock: Clock
) -> tuple[Replica, list[SpaceId]]:
    teacher = DeviceKey(seed("teacher"))
    room = Replica(Store(path), teacher)
    spaces = []
    per_circle = students // circles
    for c in range(circles):
        room.key = teacher
        space = writer.create_space(
            room, name=f"Circle {c}", member_name="Teacher", space_key=seed(f"key{c}"), now_ms=clock()
        )
        spaces.append(space)
        keys = [DeviceKey(seed(f"student-{c}-{n}")) for n in range(per_circle)]
        enrol_class(room, space, teacher, keys, clock, label=f"{c}.")
        for a in range(2):
            room.key = teacher
            fields = {"title": f"Essay {c}.{a}", "brief": "", "criteria": [{"name": "clarity", "max": 4}]}
            created, _ = writer.write(room, space, "assign.create", fields | {"reviewers": 3}, now_ms=clock())
            for number, key in enumerate(keys):
                room.key = key
                enrol = pseudonym.enrolment_fields(key, space, created.op_id, [teacher.device_id])
                submit = {"assignment": created.op_id, "text": f"Work {number}", "note": ""}
                writer.write_many(
                    room, space, [("assign.enrol", enrol), ("assign.submit", submit)], now_ms=clock()
                )
            room.key = teacher
            opening = pseudonym.review_opening(
                room.db, space, created.op_id, 1, teacher, base_seed=seed(f"r{c}{a}")
            )
            writer.write(room, space, "assign.phase", opening, now_ms=clock())
        for n in range(requests // circles):
            room.key = keys[n % len(keys)]
            fields = {"title": f"Question {n}", "text": "", "tags": []}
            writer.write(room, space, "help.ask", fields, now_ms=clock())
    room.key = teacher
    return room, spaces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circles", type=int, default=5)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--refreshes", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    from app.services.desk import _desk
    from app.services.rows import DeskView
    from ui.desk_view import QtDesk

    class Quiet(QObject):  # the session's part the page uses, without a core
        changed = Signal(object)

        def run(self, *_: object, **__: object) -> bool:
            return True

    from sync import joining

    # One store writes as every device: the joins it recorded as pending are the students'
    # (each admitted at once), not the teacher's; the teacher's device has none.
    joining.joining_spaces = lambda replica: set()  # type: ignore[assignment]
    app = QApplication(sys.argv[:1])
    clock = Clock(int(time.time() * 1000) - 86_400_000)  # a day ago: requests have ages
    with tempfile.TemporaryDirectory() as scratch:
        room, spaces = build(Path(scratch) / "desk.db", args.circles, args.students, args.requests, clock)
        page = QtDesk(Quiet())  # type: ignore[arg-type]
        page.resize(1200, 760)
        page.show()
        app.processEvents()

        def paint(view: object) -> float:
            start = time.perf_counter()
            page._show(view)  # type: ignore[arg-type]
            app.processEvents()
            return (time.perf_counter() - start) * 1000

        def read() -> tuple[DeskView, float, float]:
            start, cpu = time.perf_counter(), time.process_time()
            view = _desk(room, int(time.time() * 1000))
            return view, (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000

        view, read_ms, read_cpu_ms = read()
        first_paint_ms = paint(view)
        refreshes = []  # (read, its CPU, paint) after each of `--refreshes` new requests
        for number in range(args.refreshes):
            room.key = DeviceKey(seed("student-0-0"))
            more = {"title": f"One more {number}", "text": "", "tags": []}
            writer.write(room, spaces[0], "help.ask", more, now_ms=clock())
            room.key = DeviceKey(seed("teacher"))
            again, refresh_ms, refresh_cpu_ms = read()
            refreshes.append((refresh_ms, refresh_cpu_ms, paint(again)))
        room.store.close()

    def median(index: int) -> float:
        return round(statistics.median(r[index] for r in refreshes), 1)

    figures = {
        "circles": view.circles,
        "requests": len(again.requests),
        "assignments": len(again.progress),
        "read_ms": round(read_ms, 1),
        "read_cpu_ms": round(read_cpu_ms, 1),
        "first_paint_ms": round(first_paint_ms, 1),
        "refresh_read_ms": median(0),
        "refresh_read_cpu_ms": median(1),
        "refresh_paint_ms": median(2),
    }
    print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
