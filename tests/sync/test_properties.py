"""Convergence properties of the engine, over random histories written by real replicas.

A circle of an owner, a teacher, a mentor and three students acts at random — posting,
editing, deleting, moderating, granting, removing, syncing in pairs (so ops are
concurrent), and one student equivocating from a cloned database. Whatever happened:

- any permutation and duplication of the op set gives the same state hash and the same
  verdict for every op (validity does not depend on arrival order);
- a student's grant, remove or hide never takes effect;
- a removed member's ops that are concurrent with the removal are refused;
- an equivocating author is quarantined from the same seq everywhere;
- the owner is never removed or demoted.
"""

from __future__ import annotations

import contextlib

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync import state, writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.policy import Level
from sync.replica import Replica
from sync.store import Store
from sync.wire.clock import decode_clock
from tests.sync.helpers import Circle, Clock, device, hash_of, new_replica, reconcile, seed, sync_every_pair

CAST = ["owner", "Tess", "Mo", "Sam", "Sue", "Sid"]
VERBS = [
    "post",
    "post",
    "edit",
    "delete",
    "hide",
    "unhide",
    "grant",
    "remove",
    "remove",
    "setting",
    "sync",
    "sync",
]


def build_circle() -> Circle:
    circle = Circle.create(Clock())
    circle.add("Tess", Level.TEACHER)
    circle.add("Mo", Level.MENTOR)
    for name in ("Sam", "Sue", "Sid"):
        circle.add(name)
    circle.sync_all()
    return circle


def clone(replica: Replica) -> Replica:
    store = Store(":memory:")
    replica.store.connection.backup(store.connection)
    return Replica(store, replica.key)


def play(circle: Circle, data: st.DataObject) -> dict[str, Replica]:
    """Run a random history; returns every replica that took part (the fork included)."""
    replicas: dict[str, Replica] = {"owner": circle.owner, **circle.members}
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.sampled_from(CAST)), min_size=5, max_size=28)
    )
    fork_at = data.draw(st.one_of(st.none(), st.integers(0, len(steps))))
    for number, (verb, actor_name) in enumerate(steps):
        if number == fork_at:
            # Sid restores a backup on a second device and both write: equivocation.
            replicas["Sid'"] = clone(replicas["Sid"])
            for copy in ("Sid", "Sid'"):
                with contextlib.suppress(Rejected):
                    circle.post(replicas[copy], f"fork {copy}")
        if actor_name == "Sid" and "Sid'" in replicas:
            actor_name = data.draw(st.sampled_from(["Sid", "Sid'"]))
        actor = replicas[actor_name]
        items = [item.item_id for item in state.items(actor.db, circle.space)]
        target = data.draw(st.sampled_from(CAST[1:]))
        try:
            if verb == "post":
                circle.post(actor, f"post {number}")
            elif verb in ("edit", "delete", "hide", "unhide") and items:
                item = data.draw(st.sampled_from(items))
                kind, fields = {
                    "edit": ("item.edit", {"item": item, "title": f"edit {number}", "text": "x"}),
                    "delete": ("item.delete", {"item": item}),
                    "hide": ("mod.hide", {"item": item}),
                    "unhide": ("mod.unhide", {"item": item}),
                }[verb]
                writer.write(actor, circle.space, kind, fields, now_ms=circle.clock(), allow_invalid=True)
            elif verb == "grant" and target != "Sam":  # Sam is never promoted: see the property
                level = data.draw(st.sampled_from([1, 2, 3]))
                fields = {"member": device(replicas[target]), "level": level}
                writer.write(
                    actor, circle.space, "member.role", fields, now_ms=circle.clock(), allow_invalid=True
                )
            elif verb == "remove":
                member = device(replicas[target])
                try:
                    writer.remove_member(
                        actor, circle.space, member, new_key=seed(f"k{number}"), now_ms=circle.clock()
                    )
                except Rejected:
                    fields = {"member": member, "epoch": 1, "keys": []}
                    writer.write(
                        actor,
                        circle.space,
                        "member.remove",
                        fields,
                        now_ms=circle.clock(),
                        allow_invalid=True,
                    )
            elif verb == "setting":
                writer.write(
                    actor,
                    circle.space,
                    "space.settings",
                    {"key": "topic", "value": f"t{number}"},
                    now_ms=circle.clock(),
                    allow_invalid=True,
                )
            elif verb == "sync":
                other = replicas[data.draw(st.sampled_from(sorted(replicas)))]
                if other is not actor:
                    reconcile(actor, other, circle.space)
        except Rejected:
            pass  # e.g. a removed member no longer holds the key: nothing was written
    return replicas


def observer_with_all_keys(circle: Circle, replicas: dict[str, Replica], label: str) -> Replica:
    """A fresh replica holding every epoch key any participant holds."""
    observer = new_replica(label)
    with observer.store.transaction():
        observer.db.execute("INSERT INTO spaces (space) VALUES (?)", (circle.space,))
        for replica in replicas.values():
            for ref, key in replica.store.connection.execute("SELECT ref, key FROM keyring"):
                observer.db.execute(
                    "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
                    (circle.space, ref, key),
                )
    return observer


def verdicts(replica: Replica) -> dict[bytes, tuple[int, str | None]]:
    return {
        op_id: (status, reason)
        for op_id, status, reason in replica.db.execute("SELECT op_id, status, reason FROM ops")
    }


@settings(max_examples=30)
@given(data=st.data())
def test_any_order_and_duplication_gives_the_same_state_and_verdicts(data: st.DataObject) -> None:
    circle = build_circle()
    replicas = play(circle, data)
    union: dict[bytes, bytes] = {}
    for replica in replicas.values():
        for envelope in all_envelopes(replica, circle.space):
            union.setdefault(envelope, envelope)
    envelopes = list(union)
    reference = observer_with_all_keys(circle, replicas, "reference")
    reference.ingest(circle.space, envelopes)

    order = data.draw(st.permutations(envelopes))
    duplicates = data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes)))
    shuffled = list(order) + duplicates
    chunk = data.draw(st.integers(1, 40))
    shuffled_replica = observer_with_all_keys(circle, replicas, "shuffled")
    for start in range(0, len(shuffled), chunk):
        shuffled_replica.ingest(circle.space, shuffled[start : start + chunk])

    found = verdicts(reference).values()
    event(f"refused ops: {'some' if any(status != 0 for status, _ in found) else 'none'}")
    event(f"forks: {reference.db.execute('SELECT COUNT(*) FROM forks').fetchone()[0]}")
    removals = reference.db.execute(
        "SELECT COUNT(*) FROM ops WHERE kind = 'member.remove' AND status = 0"
    ).fetchone()[0]
    event(f"valid removals: {removals}")
    assert hash_of(shuffled_replica, circle.space) == hash_of(reference, circle.space)
    assert verdicts(shuffled_replica) == verdicts(reference)
    assert shuffled_replica.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
    check_invariants(circle, reference, replicas)


def check_invariants(circle: Circle, replica: Replica, replicas: dict[str, Replica]) -> None:
    db = replica.db
    context = replica.context(circle.space)
    index = {name: context.authors.get(device(r)) for name, r in replicas.items()}
    # A student who was never promoted: none of Sam's privileged ops is valid.
    sam = index["Sam"]
    assert not db.execute(
        "SELECT op_id FROM ops WHERE author = ? AND status = 0"
        " AND kind IN ('member.role', 'member.remove', 'mod.hide', 'mod.unhide', 'space.settings')",
        (sam,),
    ).fetchall()
    # The owner stays the owner.
    levels = {m.device: m.level for m in state.members(db, circle.space)}
    assert levels[device(circle.owner)] == Level.OWNER
    # Accepted removals cut their target's chain: ops past the cut are refused.
    for op_id, clock in db.execute(
        "SELECT op_id, clock FROM ops WHERE kind = 'member.remove' AND status = 0"
    ):
        body = context.events[op_id].body
        target = context.authors[body.member]
        cut = decode_clock(clock).get(target, 0)
        assert not db.execute(
            "SELECT 1 FROM ops WHERE author = ? AND seq > ? AND status = 0 AND kind != 'space.genesis'",
            (target, cut),
        ).fetchall()
    # Equivocation: from the fork seq on, only what other members built on still counts
    # (sync/forks.py); the rest is quarantined.
    for author, fork_seq in db.execute("SELECT author, fork_seq FROM forks"):
        assert not db.execute(
            "SELECT 1 FROM ops WHERE author = ? AND seq >= ? AND status = 0"
            " AND op_id NOT IN (SELECT op_id FROM fork_witnessed)",
            (author, fork_seq),
        ).fetchall()


@settings(max_examples=20)
@given(data=st.data())
def test_replicas_that_sync_converge_and_agree_on_quarantine(data: st.DataObject) -> None:
    circle = build_circle()
    replicas = play(circle, data)
    sync_every_pair(replicas, circle.space, rounds=3)
    members = {m.device for m in state.members(circle.owner.db, circle.space)}
    current = [r for r in replicas.values() if device(r) in members]
    assert {hash_of(r, circle.space) for r in current} == {hash_of(circle.owner, circle.space)}
    forks = {tuple(r.db.execute("SELECT fork_seq FROM forks ORDER BY author").fetchall()) for r in current}
    assert len(forks) == 1
