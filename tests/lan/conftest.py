"""Fixtures for LAN tests: skip with a reason where namespaces can't be made, else build labs.

Runs on pytest's main thread. Every lab a test makes is torn down by the fixture's
finalizer, whether the test passed, failed or raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.lan.netlab import NetLab, unavailable_reason


@pytest.fixture(scope="session")
def netns_available() -> None:
    """Skip, naming what is missing, unless root can create namespaces, bridges and veths."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"LAN tests: {reason}")


@pytest.fixture
def make_netlab(netns_available: None) -> Iterator[Callable[..., NetLab]]:
    """`make_netlab(n_hosts=6)` returns a built NetLab, torn down after the test."""
    labs: list[NetLab] = []

    def make(n_hosts: int = 6) -> NetLab:
        lab = NetLab(n_hosts=n_hosts)
        labs.append(lab)
        lab.open()
        return lab

    yield make
    errors = []
    for lab in reversed(labs):
        try:
            lab.close()
        except Exception as error:  # close every lab before reporting the first failure
            errors.append(error)
    if errors:
        raise errors[0]
