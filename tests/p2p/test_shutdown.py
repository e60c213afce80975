"""Closing a host: py-libp2p's late task starts are not errors; anything else is."""

from __future__ import annotations

import pytest

from p2p.hostcore import is_shutdown_race

LATE = RuntimeError("Nursery is closed to new arrivals")


@pytest.mark.parametrize(
    ("error", "race"),
    [
        (LATE, True),
        (ExceptionGroup("outer", [ExceptionGroup("inner", [LATE])]), True),
        (ExceptionGroup("two", [LATE, RuntimeError("Nursery is closed to new arrivals")]), True),
        (ExceptionGroup("mixed", [LATE, ValueError("a real failure")]), False),
        (RuntimeError("something else"), False),
        (ValueError("closed to new arrivals"), False),
    ],
)
def test_only_late_task_starts_count_as_a_shutdown_race(error: BaseException, race: bool) -> None:
    assert is_shutdown_race(error) is race
