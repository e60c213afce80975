"""Convergence of the domain reducers over random histories: a circle asks for help,
claims, answers, escalates, resolves and reopens, replies, thanks, moderates (hide,
unhide, lock, unlock, redact) and keeps notes, syncing in pairs so ops are concurrent;
hostile members sign what they are not allowed to. Whatever happened, any permutation
and duplication of the op set gives the same state hash and the same verdict per op,
and replicas that sync end on one state.
"""

from __future__ import annotations

import contextlib

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync import state, writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.replica import Replica
from tests.sync.helpers import Circle, hash_of, reconcile, sync_every_pair
from tests.sync.test_properties import build_circle, observer_with_all_keys, verdicts

CAST = ["owner", "Tess", "Mo", "Sam", "Sue", "Sid"]
VERBS = [
    "ask", "ask", "claim", "claim", "answer", "answer", "progress", "escalate", "resolve", "reopen",
    "metoo", "reply", "thread", "thank", "unthank", "hide", "unhide", "lock", "unlock", "redact",
    "edit", "note", "sync", "sync", "sync", "sync", "sync",
]  # fmt: skip


def _of_type(replica: Replica, space: bytes, *types: str) -> list[bytes]:
    return [i.item_id for i in state.items(replica.db, space) if i.type in types]


def play(circle: Circle, data: st.DataObject) -> dict[str, Replica]:
    replicas: dict[str, Replica] = {"owner": circle.owner, **circle.members}
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.sampled_from(CAST)), min_size=15, max_size=50)
    )
    by_device = {replica.key.device_id: name for name, replica in replicas.items()}
    # Everyone starts from a couple of open requests and a thread, then acts concurrently.
    for number, asker in enumerate(data.draw(st.lists(st.sampled_from(CAST[1:]), min_size=2, max_size=3))):
        fields = {"title": f"start {number}", "text": ""}
        writer.write(replicas[asker], circle.space, "help.ask", fields, now_ms=circle.clock())
    writer.write(
        circle.owner, circle.space, "item.put", {"title": "welcome", "text": ""}, now_ms=circle.clock()
    )
    circle.sync_all()
    for number, (verb, name) in enumerate(steps):
        # Most of the time the person who may do it does it; otherwise whoever was drawn.
        if verb in ("hide", "unhide", "lock", "unlock", "redact") and data.draw(st.booleans()):
            name = data.draw(st.sampled_from(["owner", "Tess"]))
        actor = replicas[name]
        if verb in ("progress", "resolve", "reopen", "escalate") and data.draw(st.booleans()):
            mine = [i for i in state.items(actor.db, circle.space) if i.type == "help"]
            if mine:
                asker = data.draw(st.sampled_from(mine)).author
                actor = replicas[by_device[asker]]
        requests = _of_type(actor, circle.space, "help")
        answers = _of_type(actor, circle.space, "answer")
        threads = _of_type(actor, circle.space, "thread")
        anything = _of_type(actor, circle.space, "thread", "help", "answer", "reply", "note")
        pick = lambda options: data.draw(st.sampled_from(options))  # noqa: E731
        kind, fields = None, None
        if verb == "ask":
            kind, fields = "help.ask", {"title": f"q{number}", "text": "", "tags": ["t"]}
        elif verb == "thread":
            kind, fields = "item.put", {"title": f"t{number}", "text": ""}
        elif verb == "note":
            kind, fields = "note.put", {"title": f"n{number}", "text": f"[[n{number - 1}]]"}
        elif verb in ("claim", "escalate", "reopen", "metoo") and requests:
            kind, fields = f"help.{verb}", {"request": pick(requests)}
        elif verb in ("answer", "progress") and requests:
            kind, fields = f"help.{verb}", {"request": pick(requests), "text": f"{verb} {number}"}
        elif verb == "resolve" and requests:
            accept = pick([None, *answers])
            kind, fields = "help.resolve", {"request": pick(requests), "accept": accept}
        elif verb == "reply" and threads:
            kind, fields = "item.reply", {"parent": pick(threads), "text": f"r{number}"}
        elif verb in ("thank", "unthank") and anything:
            kind, fields = "react.set", {"item": pick(anything), "reaction": "thanks", "on": verb == "thank"}
        elif verb in ("hide", "unhide", "lock", "unlock", "redact") and anything:
            kind, fields = f"mod.{verb}", {"item": pick(anything)}
        elif verb == "edit" and anything:
            kind, fields = "item.edit", {"item": pick(anything), "title": f"e{number}", "text": "x"}
        elif verb == "sync":
            other = replicas[pick(sorted(replicas))]
            if other is not actor:
                reconcile(actor, other, circle.space)
        if kind is not None:
            with contextlib.suppress(Rejected):
                writer.write(actor, circle.space, kind, fields, now_ms=circle.clock(), allow_invalid=True)
    return replicas


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_any_order_and_duplication_gives_the_same_domain_state(data: st.DataObject) -> None:
    circle = build_circle()
    replicas = play(circle, data)
    envelopes = list(dict.fromkeys(e for r in replicas.values() for e in all_envelopes(r, circle.space)))
    reference = observer_with_all_keys(circle, replicas, "reference")
    reference.ingest(circle.space, envelopes)
    shuffled = list(data.draw(st.permutations(envelopes)))
    shuffled += data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes)))
    chunk = data.draw(st.integers(1, 30))
    other = observer_with_all_keys(circle, replicas, "shuffled")
    for start in range(0, len(shuffled), chunk):
        other.ingest(circle.space, shuffled[start : start + chunk])

    statuses = {
        state.help_status(reference.db, circle.space, request).status
        for request in _of_type(reference, circle.space, "help")
    }
    event(f"statuses: {sorted(statuses)}")
    marks = {mark for (mark,) in reference.db.execute("SELECT DISTINCT mark FROM item_marks")}
    event(f"marks: {sorted(marks)}")
    event(f"valid ops: {sum(1 for status, _ in verdicts(reference).values() if status == 0)}")
    assert hash_of(other, circle.space) == hash_of(reference, circle.space)
    assert verdicts(other) == verdicts(reference)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_replicas_that_sync_agree_on_help_status_and_moderation(data: st.DataObject) -> None:
    circle = build_circle()
    replicas = play(circle, data)
    sync_every_pair(replicas, circle.space, rounds=2)
    assert len({hash_of(r, circle.space) for r in replicas.values()}) == 1
    owner = circle.owner.db
    for request in _of_type(circle.owner, circle.space, "help"):
        status = state.help_status(owner, circle.space, request)
        for replica in replicas.values():
            assert state.help_status(replica.db, circle.space, request) == status
