"""Who reviews what: a pure, deterministic allocation of reviewers (pseudonym keys) to
submissions, which every replica computes alike from a review-opening op.

Inputs: the submissions in the opening op's causal past, the pseudonyms it certifies,
K (reviewers per submission), the seed it carries, and the previous round's allocation.
Guarantees (tests/sync/test_allocation.py):

- each submission gets min(K, #reviewers) distinct reviewers;
- reviewer loads differ by at most one;
- later rounds keep the previous round's reviewer of a submission where the first two
  guarantees allow it.

Nobody reviews their own work: the allocation is over pseudonyms, whose owners only the
teachers know, so the teacher's client picks a seed under which no pseudonym gets its
owner's submission (`choose_seed`); other replicas verify the two guarantees above, and
each student can verify it for themselves (docs/security.md, "Peer assessment").

The algorithm (docs/protocol.md, "Allocation"):

1. Rank submissions and reviewers by BLAKE2b(seed ‖ id) (ties impossible in practice,
   then by id).
2. Keep: for each submission in rank order, its previous reviewers (in reviewer rank
   order) that are still certified, while the submission has fewer than K and the
   reviewer's load is below ⌊S·K/R⌋ — or equal to it, for the first (S·K mod R)
   reviewers to get there (balance allows that many one above the floor).
3. Fill: each missing slot, submission by submission in rank order, goes to the
   reviewer not yet on that submission with the least load, ties broken by the
   reviewer's rank rotated by the slot's number.
4. If the result breaks a guarantee (a fill had only heavier reviewers to choose
   from), discard it and deal afresh: slot t = j·K + c (submission j in rank order,
   copy c) goes to reviewer t mod R in rank order — K consecutive reviewers, distinct
   when K ≤ R, and S·K slots dealt round-robin, so loads differ by at most one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sync.ids import digest

Allocation = dict[bytes, tuple[bytes, ...]]


def _rank(seed: bytes, ids: Iterable[bytes]) -> list[bytes]:
    return sorted(set(ids), key=lambda i: (digest(seed + i, person=b"sc-alloc-rank"), i))


def balanced(allocation: Mapping[bytes, tuple[bytes, ...]], reviewers: Iterable[bytes], k: int) -> bool:
    """The guarantees: min(K, R) distinct reviewers each, loads within one of each other."""
    pool = set(reviewers)
    want = min(k, len(pool))
    loads = dict.fromkeys(pool, 0)
    for chosen in allocation.values():
        if len(chosen) != want or len(set(chosen)) != want or not set(chosen) <= pool:
            return False
        for reviewer in chosen:
            loads[reviewer] += 1
    return not loads or max(loads.values()) - min(loads.values()) <= 1


def allocate(
    submissions: Iterable[bytes],
    reviewers: Iterable[bytes],
    k: int,
    seed: bytes,
    previous: Mapping[bytes, Iterable[bytes]] | None = None,
) -> Allocation:
    """submission -> its reviewers (sorted by key)."""
    subs = _rank(seed, submissions)
    pool = _rank(seed, reviewers)
    if not subs or not pool:
        return {s: () for s in subs}
    want = min(k, len(pool))
    kept = _keep_and_fill(subs, pool, want, previous or {}) if previous else None
    if kept is not None and balanced(kept, pool, want):
        return kept
    return _deal(subs, pool, want)


def _deal(subs: list[bytes], pool: list[bytes], want: int) -> Allocation:
    count = len(pool)
    return {
        submission: tuple(sorted({pool[(j * want + c) % count] for c in range(want)}))
        for j, submission in enumerate(subs)
    }


def _keep_and_fill(
    subs: list[bytes], pool: list[bytes], want: int, previous: Mapping[bytes, Iterable[bytes]]
) -> Allocation:
    rank = {reviewer: index for index, reviewer in enumerate(pool)}
    floor, heavier = divmod(len(subs) * want, len(pool))
    load = dict.fromkeys(pool, 0)
    chosen: dict[bytes, list[bytes]] = {s: [] for s in subs}
    for submission in subs:
        kept = sorted((r for r in set(previous.get(submission, ())) if r in rank), key=rank.__getitem__)
        for reviewer in kept:
            if len(chosen[submission]) >= want:
                break
            if load[reviewer] == floor and heavier > 0:
                heavier -= 1  # one of the reviewers who may carry one more than the floor
            elif load[reviewer] >= floor:
                continue
            chosen[submission].append(reviewer)
            load[reviewer] += 1
    slot = 0
    count = len(pool)
    for submission in subs:
        while len(chosen[submission]) < want:
            taken = chosen[submission]
            best = min(
                (r for r in pool if r not in taken),
                key=lambda r: (load[r], (rank[r] - slot) % count),
            )
            taken.append(best)
            load[best] += 1
            slot += 1
    return {s: tuple(sorted(r)) for s, r in chosen.items()}


def self_free(allocation: Mapping[bytes, tuple[bytes, ...]], owner_of: Callable[[bytes], object]) -> bool:
    """Whether no reviewer got a submission its owner wrote (`owner_of` maps both a
    submission and a pseudonym to a person; only a teacher can answer for every one)."""
    return all(owner_of(r) != owner_of(s) for s, chosen in allocation.items() for r in chosen)


def seed_candidate(base: bytes, attempt: int) -> bytes:
    return digest(base + attempt.to_bytes(4, "big"), person=b"sc-alloc-seed")


def choose_seed(
    submissions: Iterable[bytes],
    reviewers: Iterable[bytes],
    k: int,
    base: bytes,
    owner_of: Callable[[bytes], object],
    previous: Mapping[bytes, Iterable[bytes]] | None = None,
    attempts: int = 20_000,
) -> bytes | None:
    """The first seed derived from `base` under which nobody reviews their own work
    (the teacher's client runs this; `base` is fresh randomness it draws). None if no
    such seed was found in `attempts` (e.g. too few reviewers for K)."""
    subs = list(submissions)
    pool = list(reviewers)
    owners = {owner_of(r) for r in pool}
    if pool and min(k, len(pool)) >= len(pool) and any(owner_of(s) in owners for s in subs):
        return None  # everyone reviews everything: someone would get their own work
    for attempt in range(attempts):
        seed = seed_candidate(base, attempt)
        if self_free(allocate(subs, pool, k, seed, previous), owner_of):
            return seed
    return None
