"""The assessment reducers' in-memory index (sync.reducers.assess_index), the register
table the review reducer keeps (schema 0014, assign_scores) and the clock merge that
skips parents already in the past (sync.causal.merged_parents) change how fast a
replica judges, never what it decides:

- a replica whose index is warm (one replica ingesting a shuffled history in chunks)
  ends on the same state hash, verdicts and registers as one that judges every op cold
  (a new Replica, so a new index, for each envelope), and as a full rebuild;
- the migration's backfill of assign_scores from assign_reviews gives the rows the
  reducer wrote;
- merged_parents gives merged's clock over random histories, forks and broken chains
  included.
"""

from __future__ import annotations

import random
from importlib import resources

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import pseudonym, writer
from sync.assignments import gradebook, reviews
from sync.causal import merged, merged_parents
from sync.frontier import all_envelopes
from sync.reducers.assess import allocation_at
from sync.replica import Replica
from tests.sync.assessing import (
    build_class,
    create,
    current_opener,
    enrol,
    my_allocations,
    open_phase,
    review,
    submit,
)
from tests.sync.helpers import hash_of
from tests.sync.test_assess_properties import fresh, play
from tests.sync.test_properties import observer_with_all_keys, verdicts


def registers(replica: Replica, space: bytes) -> list[tuple[object, ...]]:
    return replica.db.execute(
        "SELECT opener, submission, pseudonym, assignment, first_op, first_seq, latest_op, latest_seq,"
        " version, scores, comment, notes FROM assign_scores WHERE space = ? ORDER BY 1, 2, 3",
        (space,),
    ).fetchall()


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_warm_index_judges_as_a_cold_replica(data: st.DataObject) -> None:
    circle, assignment = fresh()
    replicas = play(circle, assignment, data)
    envelopes = list(dict.fromkeys(e for r in replicas.values() for e in all_envelopes(r, circle.space)))
    shuffled = list(data.draw(st.permutations(envelopes)))
    shuffled += data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes) // 2))
    chunk = data.draw(st.integers(1, 30))

    warm = observer_with_all_keys(circle, replicas, "warm")
    for start in range(0, len(shuffled), chunk):
        warm.ingest(circle.space, shuffled[start : start + chunk])
    cold = observer_with_all_keys(circle, replicas, "cold")
    for envelope in shuffled:
        # A new Replica over the same file: no context, so no index, for any op.
        cold = Replica(cold.store, cold.key)
        cold.ingest(circle.space, [envelope])

    reviews = warm.db.execute(
        "SELECT COUNT(*) FROM ops WHERE space = ? AND kind = 'assign.review' AND status = 0", (circle.space,)
    ).fetchone()[0]
    assert hash_of(warm, circle.space) == hash_of(cold, circle.space)
    assert verdicts(warm) == verdicts(cold)
    assert registers(warm, circle.space) == registers(cold, circle.space)
    assert len(registers(warm, circle.space)) <= reviews
    before = hash_of(warm, circle.space)
    warm._rebuild(circle.space)  # every table cleared and refolded with a new context
    assert hash_of(warm, circle.space) == before
    assert registers(warm, circle.space) == registers(cold, circle.space)


def _judged_both_ways(circle, replicas, envelopes, rng):  # type: ignore[no-untyped-def]
    shuffled = envelopes[:]
    rng.shuffle(shuffled)
    warm = observer_with_all_keys(circle, replicas, "warm")
    for start in range(0, len(shuffled), 7):
        warm.ingest(circle.space, shuffled[start : start + 7])
    cold = observer_with_all_keys(circle, replicas, "cold")
    for envelope in shuffled:
        cold = Replica(cold.store, cold.key)
        cold.ingest(circle.space, [envelope])
    return warm, cold


def test_a_whole_procedure_judged_warm_and_cold_agrees() -> None:
    """Two rounds with a revision between, round-2 reviews of the new version, a review
    edited, a reviewer removed and one added by hand, assessment: in any order, a warm
    index and a cold replica accept the same ops and end on one state."""
    circle = build_class(4)
    assignment = create(circle)
    circle.sync_all()
    students = list(circle.members.values())
    for number, student in enumerate(students):
        enrol(circle, student, assignment)
        submit(circle, student, assignment, f"essay {number}")
    circle.sync_all()
    for round_ in (1, 2):
        open_phase(circle, assignment, "review", round_)
        circle.sync_all()
        for student in students:
            for submission in my_allocations(circle, student, assignment):
                review(circle, student, assignment, submission, {"clarity": round_ + 1, "method": 1})
        first = students[0]
        edited = my_allocations(circle, first, assignment)[0]
        review(circle, first, assignment, edited, {"clarity": 4, "method": 2}, comment="on second thought")
        circle.sync_all()
        opener = current_opener(circle.owner, circle.space, assignment)
        allocation = allocation_at(circle.owner.db, circle.space, opener, None)
        submission = sorted(allocation)[0]
        removed = sorted(allocation[submission])[0]
        writer.write(
            circle.owner,
            circle.space,
            "assign.reviewer",
            {"opener": opener, "submission": submission, "pseudonym": removed, "add": False},
            now_ms=circle.clock(),
        )
        circle.sync_all()
        # The removed reviewer's edit after the removal is refused; once added back, taken.
        writer_of = next(
            s
            for s in students
            if pseudonym.pseudonym_key(s.key, circle.space, assignment).device_id == removed
        )
        late, _ = review(
            circle, writer_of, assignment, submission, comment="after removal", allow_invalid=True
        )
        writer.write(
            circle.owner,
            circle.space,
            "assign.reviewer",
            {"opener": opener, "submission": submission, "pseudonym": removed, "add": True},
            now_ms=circle.clock(),
        )
        circle.sync_all()
        back, _ = review(circle, writer_of, assignment, submission, comment="added back")
        circle.sync_all()
        statuses = verdicts(circle.owner)
        assert statuses[late.op_id][0] != 0 and statuses[back.op_id][0] == 0
        open_phase(
            circle, assignment, "revision" if round_ == 1 else "assessment", round_ if round_ == 1 else 0
        )
        circle.sync_all()
        if round_ == 1:
            for number, student in enumerate(students[:2]):
                submit(circle, student, assignment, f"essay {number}, revised")
            circle.sync_all()
    replicas = {"owner": circle.owner, **circle.members}
    envelopes = list(dict.fromkeys(e for r in replicas.values() for e in all_envelopes(r, circle.space)))
    reference = reviews(circle.owner.db, circle.space, assignment)
    assert {r.round for r in reference} == {1, 2}
    assert {r.version for r in reference if r.round == 2} == {1, 2}  # the revised works were reviewed anew
    assert any(r.comment == "on second thought" for r in reference)
    book = gradebook(circle.owner.db, circle.space, assignment, circle.owner.key)
    for attempt in range(3):
        warm, cold = _judged_both_ways(circle, replicas, envelopes, random.Random(attempt))
        assert verdicts(warm) == verdicts(cold) == verdicts(circle.owner)
        assert (
            hash_of(warm, circle.space) == hash_of(cold, circle.space) == hash_of(circle.owner, circle.space)
        )
        assert registers(warm, circle.space) == registers(cold, circle.space)
        assert reviews(warm.db, circle.space, assignment) == reference
        assert [
            (row.submission, row.peer, row.reviewing)
            for row in gradebook(warm.db, circle.space, assignment, circle.owner.key)
        ] == [(row.submission, row.peer, row.reviewing) for row in book]


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_the_migration_backfills_the_rows_the_reducer_keeps(data: st.DataObject) -> None:
    circle, assignment = fresh()
    replicas = play(circle, assignment, data)
    envelopes = list(dict.fromkeys(e for r in replicas.values() for e in all_envelopes(r, circle.space)))
    replica = observer_with_all_keys(circle, replicas, "migrated")
    replica.ingest(circle.space, envelopes)
    kept = registers(replica, circle.space)
    script = resources.files("sync.schema").joinpath("0014-assign-scores.sql").read_text(encoding="utf-8")
    backfill = script[script.index("INSERT INTO assign_scores") :]
    with replica.store.transaction() as db:
        db.execute("DELETE FROM assign_scores")
        db.execute(backfill)
    assert registers(replica, circle.space) == kept


def _history(rng: random.Random, *, authors: int, ops: int, twins: bool) -> list[tuple[int, int, list[int]]]:
    """(author, seq, parent indexes) per op: each author's previous op first (or, when
    `twins`, sometimes an older one: a fork or a broken chain), then random deps."""
    made: list[tuple[int, int, list[int]]] = []
    last: dict[int, int] = {}
    for _ in range(ops):
        author = rng.randrange(authors)
        parents = []
        if author in last:
            mine = [i for i, op in enumerate(made) if op[0] == author]
            parents.append(rng.choice(mine) if twins and rng.random() < 0.2 else last[author])
        parents += rng.sample(range(len(made)), min(len(made), rng.randrange(4)))
        seq = made[parents[0]][1] + 1 if parents and made[parents[0]][0] == author else 1
        if twins and rng.random() < 0.1:
            seq += rng.randrange(3)  # a seq that skips: a broken chain
        last[author] = len(made)
        made.append((author, seq, parents))
    return made


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), twins=st.booleans())
def test_merged_parents_is_merged(seed: int, twins: bool) -> None:
    rng = random.Random(seed)
    history = _history(rng, authors=rng.randrange(1, 6), ops=rng.randrange(1, 40), twins=twins)
    clocks: list[dict[int, int]] = []
    heads: dict[int, list[int]] = {}
    for author, seq, parents in history:
        reference = merged([clocks[p] for p in parents], author=author, seq=seq)
        # What the replica counts as unsure: authors with two ops at a seq, or a skip.
        seqs = heads.setdefault(author, [])
        seqs.append(seq)
        unsure = {
            a for a, s in heads.items() if len(set(s)) != len(s) or sorted(s) != list(range(1, len(s) + 1))
        }
        found = merged_parents(
            [(history[p][0], history[p][1], clocks[p]) for p in parents],
            author=author,
            seq=seq,
            unsure=unsure,
        )
        assert found == reference
        clocks.append(reference)
