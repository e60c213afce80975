"""Hybrid logical clock values: wall milliseconds in the high bits, a counter in the low 16.

Wall time is shown, never trusted: an op's clock must only exceed its parents' clocks.
The caller reads the real clock and passes `now_ms` in.
"""

from __future__ import annotations

COUNTER_BITS = 16
MAX_HLC = (1 << 63) - 1

#: How far ahead of a receiver's wall clock an op's clock may be and still be admitted.
#: An op further ahead is held back (not stored, not a fault; a later session brings it
#: again), so no op can drag an honest writer's clock more than this away from real time:
#: the writer's next clock is above its parents', and its parents were all admitted.
#: Five minutes is the clock skew Kerberos tolerates: room for a campus PC whose clock
#: was never set, while an attacker can push displayed times by no more than that.
MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000


def next_hlc(*, now_ms: int, floor: int) -> int:
    """The clock for a new op: at least the wall clock, strictly above `floor`."""
    return min(max(now_ms << COUNTER_BITS, floor + 1), MAX_HLC)


def wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def too_far_ahead(hlc: int, *, now_ms: int) -> bool:
    """Whether an op with this clock is not admitted yet by a receiver whose clock says `now_ms`."""
    return wall_ms(hlc) > now_ms + MAX_CLOCK_AHEAD_MS
