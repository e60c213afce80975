"""Convergence of the assignment reducers over random assessment histories: two teachers
switch phases (concurrently, too), students enrol, submit and resubmit, review and edit
their reviews as pseudonyms, rate them; teachers reallocate and grade; hostile members
sign what they may not (a student opening a phase, a late version, a review of work not
theirs to review); replicas sync in random pairs so ops are concurrent and late. Whatever
happened, any permutation and duplication of the op set gives the same state hash, the
same verdict per op and the same allocations, and replicas that sync end on one state."""

from __future__ import annotations

import contextlib
import functools

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync import pseudonym, writer
from sync.assessment import PHASES
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.policy import Level
from sync.reducers.assess import allocation_at, phase_at, versions_at
from sync.replica import Replica
from tests.sync.assessing import create, enrol, my_allocations, review, submit, teachers
from tests.sync.helpers import Circle, Clock, hash_of, reconcile, seed, sync_every_pair
from tests.sync.test_properties import clone, observer_with_all_keys, verdicts

STUDENTS = ["S0", "S1", "S2", "S3", "S4"]
CAST = ["owner", "Tess", *STUDENTS]
VERBS = [
    "enrol", "submit", "submit", "phase", "phase", "review", "review", "review", "review", "rate", "rate",
    "reallocate", "assess", "hostile_phase", "sync", "sync", "sync", "sync",
]  # fmt: skip


@functools.cache
def _base() -> tuple[Circle, bytes]:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    for name in STUDENTS:
        circle.add(name)
    circle.sync_all()
    assignment = create(circle, reviewers=2, rounds=2)
    circle.sync_all()
    return circle, assignment


def fresh() -> tuple[Circle, bytes]:
    circle, assignment = _base()
    copy = Circle(Clock(circle.clock.now), clone(circle.owner), circle.space)
    copy.members = {name: clone(replica) for name, replica in circle.members.items()}
    return copy, assignment


def next_phase(replica: Replica, space: bytes, assignment: bytes, jump: int) -> tuple[str, int]:
    now = phase_at(replica.db, space, assignment, None)
    sequence = [
        ("review", 1),
        ("revision", 1),
        ("review", 2),
        ("revision", 2),
        ("assessment", 0),
        ("closed", 0),
    ]
    later = [p for p in sequence if (p[0], p[1]) != (now.phase, now.round)]
    index = next((i for i, p in enumerate(sequence) if p == (now.phase, now.round)), -1) + 1
    later = sequence[index:]
    return later[min(jump, len(later) - 1)] if later else ("closed", 0)


def play(circle: Circle, assignment: bytes, data: st.DataObject) -> dict[str, Replica]:
    replicas: dict[str, Replica] = {"owner": circle.owner, **circle.members}
    space = circle.space
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.sampled_from(CAST)), min_size=15, max_size=45)
    )
    pick = lambda options: data.draw(st.sampled_from(sorted(options)))  # noqa: E731
    # Most of the class enrols and hands in a first version before things get concurrent.
    for name in data.draw(st.lists(st.sampled_from(STUDENTS), min_size=3, max_size=5, unique=True)):
        enrol(circle, replicas[name], assignment)
        submit(circle, replicas[name], assignment, f"first {name}")
    circle.sync_all()
    for number, (verb, name) in enumerate(steps):
        if verb in ("phase", "reallocate", "assess"):
            name = pick(["owner", "Tess"])
        elif verb in ("enrol", "submit", "review", "rate", "hostile_phase"):
            name = pick(STUDENTS)
        actor = replicas[name]
        with contextlib.suppress(Rejected):
            if verb == "enrol":
                enrol(circle, actor, assignment)
            elif verb == "submit":
                submit(circle, actor, assignment, f"v{number}", allow_invalid=data.draw(st.booleans()))
            elif verb == "phase":
                phase, round_ = next_phase(actor, space, assignment, data.draw(st.sampled_from([0, 0, 0, 1])))
                if phase == "review":
                    fields = pseudonym.review_opening(
                        actor.db, space, assignment, round_, actor.key, base_seed=seed(f"b{number}")
                    )
                else:
                    fields = {"assignment": assignment, "phase": phase} | (
                        {"round": round_} if round_ else {}
                    )
                writer.write(actor, space, "assign.phase", fields, now_ms=circle.clock())
                if data.draw(st.booleans()):  # often the class hears of it at once
                    circle.sync_all([actor, *(replicas[n] for n in STUDENTS)])
            elif verb == "hostile_phase":
                fields = {"assignment": assignment, "phase": pick(PHASES[3:])}
                writer.write(actor, space, "assign.phase", fields, now_ms=circle.clock(), allow_invalid=True)
            elif verb == "review":
                works = versions_at(actor.db, space, assignment, None)
                mine = my_allocations(circle, actor, assignment)
                if mine and data.draw(st.integers(0, 3)):
                    works = {work: 1 for work in mine}  # mostly what was allocated to them
                if works:
                    scores = {"clarity": data.draw(st.integers(0, 5)), "method": data.draw(st.integers(0, 2))}
                    review(
                        circle,
                        actor,
                        assignment,
                        pick(works),
                        scores,
                        allow_invalid=True,
                        comment=f"r{number}",
                    )
            elif verb == "rate":
                found = actor.db.execute(
                    "SELECT op_id FROM assign_reviews WHERE space = ?", (space,)
                ).fetchall()
                if found:
                    target = pick([row[0] for row in found])
                    fields = {
                        "review": target,
                        "helpful": data.draw(st.integers(1, 5)),
                        "comment": "",
                        "flag": False,
                    }
                    writer.write(
                        actor,
                        space,
                        "assign.rate",
                        fields,
                        now_ms=circle.clock(),
                        extra_deps=[target],
                        allow_invalid=True,
                    )
            elif verb == "reallocate":
                now = phase_at(actor.db, space, assignment, None)
                allocation = allocation_at(actor.db, space, now.op_id, None) if now.phase == "review" else {}
                if allocation and now.pseudonyms:
                    fields = {
                        "opener": now.op_id,
                        "submission": pick(allocation),
                        "pseudonym": pick(now.pseudonyms),
                        "add": data.draw(st.booleans()),
                    }
                    writer.write(actor, space, "assign.reviewer", fields, now_ms=circle.clock())
            elif verb == "assess":
                works = versions_at(actor.db, space, assignment, None)
                if works:
                    fields = pseudonym.grade_fields(
                        actor.key,
                        assignment,
                        pick(works),
                        number,
                        "",
                        teachers(circle, actor),
                        nonce=seed(number),
                    )
                    writer.write(
                        actor, space, "assign.assess", fields, now_ms=circle.clock(), allow_invalid=True
                    )
            elif verb == "sync":
                other = replicas[pick(replicas)]
                if other is not actor:
                    reconcile(actor, other, space)
    return replicas


def allocations(replica: Replica, space: bytes) -> list[tuple[bytes, ...]]:
    return replica.db.execute(
        "SELECT opener, submission, pseudonym, version FROM assign_allocation WHERE space = ?"
        " ORDER BY opener, submission, pseudonym",
        (space,),
    ).fetchall()


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_order_and_duplication_gives_the_same_assessment_state(data: st.DataObject) -> None:
    circle, assignment = fresh()
    replicas = play(circle, assignment, data)
    envelopes = list(dict.fromkeys(e for r in replicas.values() for e in all_envelopes(r, circle.space)))
    reference = observer_with_all_keys(circle, replicas, "reference")
    reference.ingest(circle.space, envelopes)
    shuffled = list(data.draw(st.permutations(envelopes)))
    shuffled += data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes)))
    chunk = data.draw(st.integers(1, 30))
    other = observer_with_all_keys(circle, replicas, "shuffled")
    for start in range(0, len(shuffled), chunk):
        other.ingest(circle.space, shuffled[start : start + chunk])
    kinds = reference.db.execute(
        "SELECT kind, status FROM ops WHERE space = ? AND kind LIKE 'assign.%'", (circle.space,)
    ).fetchall()
    event(f"valid reviews: {min(3, sum(1 for k, st_ in kinds if k == 'assign.review' and st_ == 0))}+")
    for kind, status in sorted(set(kinds)):
        event(f"{kind} {'valid' if status == 0 else 'refused'}")
    event(f"phase: {phase_at(reference.db, circle.space, assignment, None).phase}")
    assert hash_of(other, circle.space) == hash_of(reference, circle.space)
    assert verdicts(other) == verdicts(reference)
    assert allocations(other, circle.space) == allocations(reference, circle.space)


@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_replicas_that_sync_agree_on_the_assessment(data: st.DataObject) -> None:
    circle, assignment = fresh()
    replicas = play(circle, assignment, data)
    sync_every_pair(replicas, circle.space, rounds=2)
    assert len({hash_of(r, circle.space) for r in replicas.values()}) == 1
    assert len({tuple(allocations(r, circle.space)) for r in replicas.values()}) == 1
