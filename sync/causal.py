"""Vector clocks over a space's authors (local author indexes), for causal-past tests.

An op's clock maps each author to the highest seq of theirs in the op's causal past
(the op itself included), so `x` is in the past of `y` iff y.clock[x.author] >= x.seq.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

VClock = dict[int, int]


def merged(parents: Iterable[Mapping[int, int]], *, author: int, seq: int) -> VClock:
    iterator = iter(parents)
    first = next(iterator, None)
    clock: VClock = dict(first) if first is not None else {}
    for parent in iterator:
        for who, seq_seen in parent.items():
            if clock.get(who, 0) < seq_seen:
                clock[who] = seq_seen
    clock[author] = seq
    return clock


def in_past(clock: Mapping[int, int], author: int, seq: int) -> bool:
    return clock.get(author, 0) >= seq
