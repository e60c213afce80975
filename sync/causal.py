"""Vector clocks over a space's authors (local author indexes), for causal-past tests.

An op's clock maps each author to the highest seq of theirs in the op's causal past
(the op itself included), so `x` is in the past of `y` iff y.clock[x.author] >= x.seq.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence

VClock = dict[int, int]


def merged(parents: Sequence[Mapping[int, int]], *, author: int, seq: int) -> VClock:
    """The clock of an op by `author` at `seq` whose parents have these clocks."""
    if not parents:
        return {author: seq}
    clock: VClock = dict(parents[0])
    for parent in parents[1:]:
        for who, seq_seen in parent.items():
            if clock.get(who, 0) < seq_seen:
                clock[who] = seq_seen
    clock[author] = seq
    return clock


def in_past(clock: Mapping[int, int], author: int, seq: int) -> bool:
    return clock.get(author, 0) >= seq


def merged_parents(
    parents: Sequence[tuple[int, int, Mapping[int, int]]],
    *,
    author: int,
    seq: int,
    unsure: Container[int],
) -> VClock:
    """`merged` of parents given as (author, seq, clock), equal to it, cheaper.

    Starts from the largest clock and skips a parent already in the past of the clock so
    far: if that clock has seen its author at its seq or later, the parent's whole clock
    is below it. That holds when the parent's author has one valid chain on this replica,
    so authors in `unsure` (a broken chain or a fork: a seq that does not name one op)
    are always merged. A review names every phase switch of its assignment, and each
    switch's clock covers the class: merged whole, the later switches cost a pass over
    every author each (bench/assessment.py).
    """
    if not parents:
        return {author: seq}
    base = max(parents, key=lambda parent: len(parent[2]))
    clock: VClock = dict(base[2])
    for parent in parents:
        if parent is base:
            continue
        who, at, other = parent
        if clock.get(who, 0) >= at and who not in unsure:
            continue
        for who, seq_seen in other.items():
            if clock.get(who, 0) < seq_seen:
                clock[who] = seq_seen
    clock[author] = seq
    return clock
