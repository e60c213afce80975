"""Hybrid logical clock values: wall milliseconds in the high bits, a counter in the low 16.

Wall time is shown, never trusted: an op's clock must only exceed its parents' clocks.
The caller reads the real clock and passes `now_ms` in.
"""

from __future__ import annotations

COUNTER_BITS = 16
MAX_HLC = (1 << 63) - 1


def next_hlc(*, now_ms: int, floor: int) -> int:
    """The clock for a new op: at least the wall clock, strictly above `floor`."""
    return min(max(now_ms << COUNTER_BITS, floor + 1), MAX_HLC)


def wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS
