"""Every request's status read at once (`state.help_statuses`, one query for the space's
steps) is what folding each request's steps gives (`state.help_status`), and the
unresolved requests (`views.unresolved_requests`, the teacher's desk's read) are exactly
the requests that fold to something other than resolved — over concurrent steps that
reach two replicas in different orders."""

from __future__ import annotations

import random

import pytest

from sync import state, views
from sync.policy import Level
from sync.reducers.helpdesk import HelpStatus
from tests.sync.helpers import Circle, reconcile
from tests.sync.test_domain_permissions import base, circle, shared, write  # noqa: F401

PEOPLE = ("Tess", "Mo", "Sam", "Sue")


def _history(circle: Circle, rng: random.Random) -> list[bytes]:  # noqa: F811
    asked = [
        shared(circle, asker, "help.ask", {"title": f"Q{n}", "text": ""})
        for n, asker in enumerate(["Sue", "Sam", "Sue", "Sam", "Sue", "Sue"])
    ]
    answers = {r: write(circle, "Mo", "help.answer", {"request": r, "text": "try"}) for r in asked[:3]}
    circle.sync_all()
    for _ in range(40):  # written on each person's replica without syncing: concurrent steps
        request = rng.choice(asked)
        who = rng.choice(PEOPLE)
        kind = rng.choice(["help.claim", "help.escalate", "help.resolve", "help.reopen", "help.metoo"])
        fields: dict[str, object] = {"request": request}
        if kind == "help.resolve" and request in answers and rng.random() < 0.5:
            fields["accept"] = answers[request]
        write(circle, who, kind, fields)  # invalid ones (a stranger resolving) are judged and kept out
    return asked


@pytest.mark.parametrize("seed", range(4))
def test_the_batched_read_equals_the_fold_for_every_arrival_order(circle: Circle, seed: int) -> None:  # noqa: F811
    rng = random.Random(seed)
    asked = _history(circle, rng)
    teacher, mentor = circle.members["Tess"], circle.members["Mo"]
    for receiver in (circle.owner, teacher, mentor):  # each takes the others' steps in its own order
        senders = [r for r in circle.replicas() if r is not receiver]
        rng.shuffle(senders)
        for sender in senders:
            reconcile(sender, receiver, circle.space)
    write(circle, "Tess", "mod.hide", {"item": asked[-1]})  # a hidden request
    reconcile(teacher, mentor, circle.space)
    reconcile(teacher, circle.owner, circle.space)
    seen = []
    for replica in (circle.owner, teacher, mentor):
        folded = {r: state.help_status(replica.db, circle.space, r) for r in asked}
        batched = state.help_statuses(replica.db, circle.space)
        for r in asked:
            assert batched.get(r, state.Status()) == folded[r]
        for level in (Level.TEACHER, Level.MENTOR):
            unresolved = views.unresolved_requests(replica.db, circle.space, level)
            expected = [
                r
                for r in asked
                if folded[r].status != HelpStatus.RESOLVED and (level >= Level.TEACHER or r != asked[-1])
            ]
            assert [u.item_id for u in unresolved] == expected  # oldest first
            assert all(u.status == folded[u.item_id] for u in unresolved)
        seen.append(folded)
    assert seen[0] == seen[1] == seen[2]  # every replica agrees, whatever order steps came in
    statuses = {status.status for status in seen[0].values()}
    assert len(statuses) >= 2  # the history is not trivial: some requests moved
