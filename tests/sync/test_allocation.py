"""The allocation of reviewers (sync.allocation): K distinct reviewers per submission,
loads within one, later rounds keep their reviewers, deterministic, and the teacher's
seed search avoids self-review whenever the sizes allow it."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.allocation import allocate, balanced, choose_seed, self_free
from sync.ids import digest


def ids(prefix: str, count: int) -> list[bytes]:
    return [digest(f"{prefix}{n}".encode()) for n in range(count)]


sizes = st.tuples(
    st.integers(0, 40), st.integers(1, 40), st.integers(1, 6), st.binary(min_size=32, max_size=32)
)


@settings(max_examples=150, deadline=None)
@given(sizes)
def test_every_submission_gets_k_distinct_reviewers_and_loads_differ_by_at_most_one(case) -> None:
    s, r, k, seed = case
    subs, pool = ids("s", s), ids("r", r)
    chosen = allocate(subs, pool, k, seed)
    assert set(chosen) == set(subs)
    assert balanced(chosen, pool, k)
    loads = Counter(reviewer for reviewers in chosen.values() for reviewer in reviewers)
    if s:
        assert max(loads.values()) - min(loads.get(p, 0) for p in pool) <= 1
        assert all(len(set(v)) == min(k, r) for v in chosen.values())


@settings(max_examples=200, deadline=None)
@given(sizes, st.data())
def test_the_same_inputs_in_any_order_give_the_same_allocation(case, data) -> None:
    s, r, k, seed = case
    subs, pool = ids("s", s), ids("r", r)
    again = allocate(data.draw(st.permutations(subs)), data.draw(st.permutations(pool)), k, seed)
    assert again == allocate(subs, pool, k, seed)


@settings(max_examples=100, deadline=None)
@given(sizes, st.binary(min_size=32, max_size=32), st.data())
def test_a_later_round_keeps_its_reviewers_and_stays_balanced(case, seed2, data) -> None:
    s, r, k, seed = case
    subs, pool = ids("s", s), ids("r", r)
    first = allocate(subs, pool, k, seed)
    # Unchanged classes keep every reviewer whatever the new seed.
    assert allocate(subs, pool, k, seed2, previous=first) == first
    # Some reviewers leave, some submissions are new: still balanced, and most pairs stay.
    leaving = set(data.draw(st.lists(st.sampled_from(pool), max_size=max(0, r - 1), unique=True)))
    remaining = [p for p in pool if p not in leaving]
    later_subs = subs + ids("late", data.draw(st.integers(0, 3)))
    later = allocate(later_subs, remaining, k, seed2, previous=first)
    assert balanced(later, remaining, k)


def test_a_lost_reviewer_is_replaced_and_the_rest_is_kept() -> None:
    subs, pool = ids("s", 12), ids("r", 12)
    first = allocate(subs, pool, 3, b"x" * 32)
    later = allocate(subs, pool[1:] + ids("new", 1), 3, b"y" * 32, previous=first)
    kept = sum(len(set(first[s]) & set(later[s])) for s in subs)
    assert kept == 12 * 3 - 3  # only the three slots of the reviewer who left moved


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 30), st.integers(1, 3), st.binary(min_size=32, max_size=32))
def test_the_teachers_seed_search_finds_an_allocation_where_nobody_reviews_themselves(n, k, base) -> None:
    people = [f"p{i}".encode() for i in range(n)]
    subs, pool = ids("s", n), ids("r", n)
    owner = {**dict(zip(subs, people, strict=True)), **dict(zip(pool, people, strict=True))}
    seed = choose_seed(subs, pool, k, base, owner.__getitem__)
    if k < n:
        assert seed is not None
        assert self_free(allocate(subs, pool, k, seed), owner.__getitem__)
    else:
        assert seed is None  # everyone would have to review everything, their own included


def test_the_allocation_scales_to_a_class_of_300() -> None:
    import time

    subs, pool = ids("s", 300), ids("r", 300)
    started = time.perf_counter()
    first = allocate(subs, pool, 3, b"z" * 32)
    allocate(subs, pool, 3, b"w" * 32, previous=first)
    assert time.perf_counter() - started < 2.0
