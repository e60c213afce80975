"""Vector clocks over a space's authors (local author indexes), for causal-past tests.

An op's clock maps each author to the highest seq of theirs in the op's causal past
(the op itself included), so `x` is in the past of `y` iff y.clock[x.author] >= x.seq.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
