"""Anonymity of reviewers by cryptography: after a full review round, a student's database
file — every table, every blob — holds nothing linking a review to its writer's device or
name, while the teacher's device can open the link; every replica accepted every review.

What "linking" is checked as (docs/security.md, "Peer assessment" lists what still leaks):
no row holds both a pseudonym and its owner's device id or name; no review names an op of
its writer's device in its direct causal past; no op of a device names a review unless it
is its author's rating; the sealed enrolments open for no student, and re-creating a box
from public values (a guessed pseudonym and device) does not reproduce it; the pseudonym's
secret is nowhere in the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync import pseudonym
from sync.errors import Rejected
from sync.identity import seal
from sync.ids import SpaceId
from sync.pseudonym import enrolled, pseudonym_key
from sync.reducers.assess import enrolment_boxes
from sync.replica import Replica
from sync.store import Store
from sync.wire.canonical import pack
from sync.wire.op import decode_header
from tests.sync.assessing import create, enrol, my_allocations, open_phase, review, submit
from tests.sync.helpers import Circle, Clock, seed

STUDENTS = ("Ann", "Ben", "Cat", "Dev", "Eve", "Fay")


def file_replica(tmp: Path, name: str) -> Replica:
    from sync.identity import DeviceKey

    return Replica(Store(tmp / f"{name}.db"), DeviceKey(seed(name)))


def rows_of(path: Path) -> list[tuple[str, tuple[object, ...]]]:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = [(t, row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]
    db.close()
    return found


def holds(value: object, needle: bytes) -> bool:
    if isinstance(value, bytes):
        return needle in value
    if isinstance(value, str):
        return needle.decode(errors="ignore") in value
    return False


def test_a_students_database_cannot_link_a_review_to_its_writer(tmp_path: Path) -> None:
    circle = Circle.create(Clock(), owner=file_replica(tmp_path, "teacher"))
    for name in STUDENTS:
        circle.add(name, replica=file_replica(tmp_path, name))
    circle.sync_all()
    assignment = create(circle, reviewers=3, rounds=1)
    circle.sync_all()
    students = circle.members
    for name, student in students.items():
        enrol(circle, student, assignment)
        submit(circle, student, assignment, f"{name}'s essay")
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)
    circle.sync_all()
    for student in students.values():
        for submission in my_allocations(circle, student, assignment):
            review(circle, student, assignment, submission, comment="Consider the counter-example.")
    circle.sync_all()
    space = circle.space

    # Every replica accepted all 18 reviews.
    for replica in circle.replicas():
        statuses = replica.db.execute(
            "SELECT status FROM ops WHERE space = ? AND kind = 'assign.review'", (space,)
        ).fetchall()
        assert statuses == [(0,)] * 18
        replica.store.buffer.flush()

    pseudonyms = {name: pseudonym_key(s.key, space, assignment) for name, s in students.items()}
    devices = {name: s.key.device_id for name, s in students.items()}

    # The teacher's device can open the link, for every reviewer.
    opened = {e.pseudonym: e.device for e in enrolled(circle.owner.db, space, assignment, circle.owner.key)}
    assert opened == {pseudonyms[n].device_id: devices[n] for n in STUDENTS}

    for observer in ("Ann", "Ben"):
        path = tmp_path / f"{observer}.db"
        replica = students[observer]
        rows = rows_of(path)
        raw = path.read_bytes()
        for name in STUDENTS:
            if name == observer:
                continue
            key, dev = pseudonyms[name].device_id, devices[name]
            for table, row in rows:
                has_key = any(holds(v, key) for v in row)
                has_device = any(holds(v, dev) or (isinstance(v, str) and v == name) for v in row)
                assert not (has_key and has_device), (observer, name, table)
            assert pseudonyms[name].seed not in raw
            # The enrolment boxes: not for this student, and not re-creatable from public values.
            for device, boxes in enrolment_boxes(replica.db, space, assignment):
                for box in boxes.values():
                    try:
                        replica.key.unseal(box)
                        raise AssertionError("a student opened an enrolment")
                    except Rejected:
                        pass
                    guess = seal(circle.owner.key.device_id, pack([b"", key, device, bytes(64)]))
                    assert guess != box
        # Review ops name only teacher ops, the reviewed work and their own chain.
        authors = dict(
            replica.db.execute("SELECT idx, device FROM authors WHERE space = ?", (space,)).fetchall()
        )
        kinds = dict(replica.db.execute("SELECT op_id, kind FROM ops WHERE space = ?", (space,)).fetchall())
        op_author = dict(
            replica.db.execute("SELECT op_id, author FROM ops WHERE space = ?", (space,)).fetchall()
        )
        student_devices = set(devices.values())
        for _op_id, header in replica.db.execute(
            "SELECT op_id, header FROM ops WHERE space = ? AND kind = 'assign.review'", (space,)
        ).fetchall():
            parsed = decode_header(header)
            assert parsed.author not in student_devices
            for dep in parsed.deps:
                assert kinds[dep] in ("assign.phase", "assign.submit", "assign.reviewer"), kinds[dep]
        for _op_id, header in replica.db.execute(
            "SELECT op_id, header FROM ops WHERE space = ?", (space,)
        ).fetchall():
            parsed = decode_header(header)
            if parsed.author in student_devices and parsed.kind != "assign.rate":
                assert all(kinds.get(dep) != "assign.review" for dep in parsed.deps)
        assert authors and op_author  # the tables were read


def test_a_review_op_is_signed_by_the_pseudonym_not_the_device() -> None:
    circle = Circle.create(Clock())
    for name in STUDENTS[:4]:
        circle.add(name)
    circle.sync_all()
    assignment = create(circle)
    circle.sync_all()
    for student in circle.members.values():
        enrol(circle, student, assignment)
        submit(circle, student, assignment, "x")
    circle.sync_all()
    open_phase(circle, assignment, "review", 1)
    circle.sync_all()
    student = circle.members["Ann"]
    op, _ = review(circle, student, assignment, my_allocations(circle, student, assignment)[0])
    assert (
        op.header.author == pseudonym.pseudonym_key(student.key, SpaceId(circle.space), assignment).device_id
    )
    assert op.header.author != student.key.device_id
