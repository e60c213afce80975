"""The help request's lifecycle as a declared table (`sync.reducers.helpdesk.TRANSITIONS`):
every (status, step) pair, and a hostile member's step the table does not allow changes
nothing on any replica."""

from __future__ import annotations

import itertools

import pytest

from sync import state
from sync.reducers.helpdesk import TRANSITIONS, HelpStatus, Step, fold, next_status
from sync.state import state_hash
from tests.sync.helpers import Circle
from tests.sync.test_domain_permissions import base, circle, request, shared, write  # noqa: F401

STEPS = ("claim", "escalate", "resolve", "reopen", "metoo")
EXPECTED = {
    (HelpStatus.OPEN, "claim"): HelpStatus.CLAIMED,
    (HelpStatus.OPEN, "escalate"): HelpStatus.ESCALATED,
    (HelpStatus.OPEN, "resolve"): HelpStatus.RESOLVED,
    (HelpStatus.CLAIMED, "escalate"): HelpStatus.ESCALATED,
    (HelpStatus.CLAIMED, "resolve"): HelpStatus.RESOLVED,
    (HelpStatus.ESCALATED, "resolve"): HelpStatus.RESOLVED,
}


@pytest.mark.parametrize(("status", "step"), list(itertools.product(HelpStatus, STEPS)))
def test_every_status_and_step(status: HelpStatus, step: str) -> None:
    after = next_status(status, step, escalated=False, claimed=False)
    if status is HelpStatus.RESOLVED and step == "reopen":
        assert after is HelpStatus.OPEN
    else:
        assert after is EXPECTED.get((status, step), status)


@pytest.mark.parametrize(
    ("escalated", "claimed", "back"),
    [(True, True, HelpStatus.ESCALATED), (False, True, HelpStatus.CLAIMED), (False, False, HelpStatus.OPEN)],
)
def test_a_reopened_request_returns_to_where_it_stood(
    escalated: bool, claimed: bool, back: HelpStatus
) -> None:
    assert next_status(HelpStatus.RESOLVED, "reopen", escalated=escalated, claimed=claimed) is back


def test_the_table_names_only_known_statuses_and_steps() -> None:
    assert {status for status, _ in TRANSITIONS} <= set(HelpStatus)
    assert {step for _, step in TRANSITIONS} <= set(STEPS)
    assert [str(status) for status in HelpStatus] == ["open", "claimed", "escalated", "resolved"]


def test_fold_follows_the_table_in_clock_order_whatever_the_arrival_order() -> None:
    steps = [
        Step("claim", b"mo", 1, b"a"),
        Step("escalate", b"sue", 2, b"b"),
        Step("resolve", b"sue", 3, b"c", answer=b"x"),
        Step("claim", b"sam", 4, b"d"),  # after resolving: recorded nowhere
        Step("reopen", b"sue", 5, b"e"),
    ]
    for order in itertools.permutations(steps):
        status = fold(order)
        assert status.status is HelpStatus.ESCALATED
        assert status.claimed_by == [b"mo"] and status.accepted is None and status.escalated


def test_a_claim_on_a_resolved_request_changes_nothing_on_any_replica(circle: Circle) -> None:  # noqa: F811
    asked = request(circle)
    shared(circle, "Sue", "help.resolve", {"request": asked})
    # A hostile member signs steps the table does not allow on a resolved request.
    write(circle, "Sam", "help.claim", {"request": asked})
    write(circle, "Sam", "help.escalate", {"request": asked})
    circle.sync_all()
    for name, replica in circle.members.items():
        status = state.help_status(replica.db, circle.space, asked)
        assert status.status is HelpStatus.RESOLVED and status.claimed_by == [], name
    hashes = {state_hash(replica.db, circle.space) for replica in circle.members.values()}
    assert len(hashes) == 1  # every replica agrees
