"""Convergence of the coaching reducers over random histories (issue 18): in a formed
pair, both people open cycles, set, edit and agree to goals concurrently, observe, give
feedback, reflect, close cycles, end the pair and leave, syncing only now and then, and
sometimes sign what they may not (a hostile build: an observation of themselves, a goal
on a closed cycle, anything after the end). Whatever happened, any permutation and
duplication of the pair's ops gives the same state hash, the same verdict per op and
the same cycles, and the two replicas end on one state once they sync.
"""

from __future__ import annotations

import contextlib

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync import coaching_views as cv
from sync import writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.ids import SpaceId
from sync.replica import Replica
from sync.state import items
from tests.sync.coaching_helpers import Pair, formed_pair
from tests.sync.helpers import hash_of, new_replica
from tests.sync.test_properties import verdicts

VERBS = [
    "open", "goal", "goal", "edit", "edit", "agree", "agree", "observe", "observe", "feedback",
    "reflect", "close", "close", "end", "leave", "both-agree", "both-agree", "both-edit",
    "sync", "sync", "sync", "sync",
]  # fmt: skip


def _ids(replica: Replica, space: SpaceId, type_: str) -> list[bytes]:
    return [row.item_id for row in items(replica.db, space) if row.type == type_]


def play(pair: Pair, data: st.DataObject) -> dict[str, Replica]:
    people = {"Ana": pair.proposer, "Ben": pair.invitee}
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.sampled_from(sorted(people))), min_size=10, max_size=40)
    )
    pair.write(pair.proposer, "cycle.open", {"observed": pair.invitee.key.device_id, "title": "first"})
    pair.sync()
    pick = lambda options: data.draw(st.sampled_from(options))  # noqa: E731
    for number, (verb, name) in enumerate(steps):
        actor = people[name]
        other = people["Ben" if name == "Ana" else "Ana"]
        cycles, goals = _ids(actor, pair.space, "cycle"), _ids(actor, pair.space, "goal")
        found = _ids(actor, pair.space, "observation") + _ids(actor, pair.space, "feedback")
        kind, fields = None, None
        if verb == "open":
            observed = pick([actor, other]).key.device_id
            kind, fields = "cycle.open", {"observed": observed, "title": f"c{number}"}
        elif verb == "goal" and cycles:
            kind, fields = "cycle.goal", {"cycle": pick(cycles), "goal": f"g{number}", "success": "s"}
        elif verb == "edit" and goals:
            kind, fields = "cycle.goal.edit", {"goal_id": pick(goals), "goal": f"e{number}", "success": ""}
        elif verb == "agree" and goals:
            goal = pick(goals)
            (version,) = actor.db.execute(
                "SELECT edit_op FROM items WHERE space = ? AND item_id = ?", (pair.space, goal)
            ).fetchone()
            kind, fields = "cycle.agree", {"goal_id": goal, "version": version}
        elif verb == "both-agree" and goals:
            pair.sync()
            goal = pick(goals)
            for person in people.values():
                (version,) = person.db.execute(
                    "SELECT edit_op FROM items WHERE space = ? AND item_id = ?", (pair.space, goal)
                ).fetchone()
                with contextlib.suppress(Rejected):
                    pair.write(person, "cycle.agree", {"goal_id": goal, "version": version})
        elif verb == "both-edit" and goals:
            pair.sync()
            goal = pick(goals)
            for who, person in people.items():  # concurrently: neither has seen the other's edit
                with contextlib.suppress(Rejected):
                    pair.write(
                        person, "cycle.goal.edit", {"goal_id": goal, "goal": f"{who}{number}", "success": ""}
                    )
        elif verb == "observe" and cycles:
            fields = {"cycle": pick(cycles), "focus": "f", "evidence": f"saw {number}", "questions": ""}
            kind = "cycle.observe"
        elif verb == "feedback" and found:
            kind, fields = "cycle.feedback", {"parent": pick(found), "text": f"fb{number}"}
        elif verb == "reflect" and cycles:
            kind, fields = "cycle.reflect", {"cycle": pick(cycles), "text": f"r{number}"}
        elif verb == "close" and cycles:
            cycle = pick(cycles)
            own = [
                row.item_id
                for row in items(actor.db, pair.space)
                if row.type == "goal" and row.parent == cycle
            ]
            met = [g for g in (own if data.draw(st.booleans()) else goals) if data.draw(st.booleans())]
            kind, fields = "cycle.close", {"cycle": cycle, "met": met, "next": [f"n{number}"]}
        elif verb in ("end", "leave") and number < len(steps) // 2:
            pass  # ending early would leave little to merge: end and leave in the second half
        elif verb == "end":
            kind, fields = "pair.end", {"text": "enough"}
        elif verb == "leave" and data.draw(st.booleans()):
            with contextlib.suppress(Rejected):
                writer.leave(actor, pair.space, now_ms=pair.circle.clock())
        elif verb == "sync":
            pair.sync()
        if kind is not None:
            with contextlib.suppress(Rejected):
                writer.write(
                    actor,
                    pair.space,
                    kind,
                    fields,
                    now_ms=pair.circle.clock(),
                    allow_invalid=data.draw(st.booleans()),
                )
    return people


def observer(pair: Pair, label: str) -> Replica:
    """A fresh replica holding the pair space's key (as a third device of one of them would)."""
    replica = new_replica(label)
    with replica.store.transaction():
        replica.db.execute("INSERT INTO spaces (space) VALUES (?)", (pair.space,))
        replica.db.executemany(
            "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
            pair.proposer.db.execute(
                "SELECT space, ref, key FROM keyring WHERE space = ?", (pair.space,)
            ).fetchall(),
        )
    return replica


def _summary(replica: Replica, space: SpaceId) -> object:
    return [
        (c.item.item_id, c.closed, [(g.item.title, g.agreed) for g in c.goals], len(c.observations))
        for c in cv.cycles(replica.db, space)
    ], cv.pair(replica.db, space)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_order_and_duplication_gives_the_same_coaching_state(data: st.DataObject) -> None:
    pair = formed_pair()
    people = play(pair, data)
    envelopes = list(dict.fromkeys(e for r in people.values() for e in all_envelopes(r, pair.space)))
    reference = observer(pair, "reference")
    reference.ingest(pair.space, envelopes)
    shuffled = list(data.draw(st.permutations(envelopes)))
    shuffled += data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes)))
    chunk = data.draw(st.integers(1, 20))
    other = observer(pair, "shuffled")
    for start in range(0, len(shuffled), chunk):
        other.ingest(pair.space, shuffled[start : start + chunk])
    status = cv.pair(reference.db, pair.space)
    event(f"ended: {status.ended}")
    event(f"closed cycles: {sum(1 for c in cv.cycles(reference.db, pair.space) if c.closed)}")
    event(f"agreed goals: {sum(g.agreed for c in cv.cycles(reference.db, pair.space) for g in c.goals)}")
    assert hash_of(other, pair.space) == hash_of(reference, pair.space)
    assert verdicts(other) == verdicts(reference)
    assert _summary(other, pair.space) == _summary(reference, pair.space)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_the_two_of_a_pair_agree_once_they_sync(data: st.DataObject) -> None:
    pair = formed_pair()
    people = play(pair, data)
    pair.sync()
    pair.sync()
    ana, ben = people["Ana"], people["Ben"]
    assert hash_of(ana, pair.space) == hash_of(ben, pair.space)
    assert _summary(ana, pair.space) == _summary(ben, pair.space)
