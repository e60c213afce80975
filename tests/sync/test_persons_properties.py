"""Persons and devices as a property over random histories (issue 14, "Done when" 3).

A circle of an owner, a teacher (Tess) and two students (Ben, Sue) acts at random:
students link new devices from any device they hold (chains included), devices unlink
their siblings, the teacher unlinks devices or removes a whole person, roles change,
everyone posts, pairs sync (so all of this is concurrent), and one device forks its log
(a restored backup writing beside the original). Whatever happened:

- replicas holding the same ops, whatever order they arrived in, compute the same
  verdicts, the same person/device membership and the same state hash;
- replicas that sync converge on one membership;
- nothing written after an accepted unlink or removal (an op with it in its causal past)
  opens under the keys held by any device concerned (the unlinked device; every device of
  the removed person, those linked concurrently included), even after it received every op.
"""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from sync import state, writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.ids import SpaceId
from sync.link import sign_statement
from sync.policy import Level
from sync.replica import LOCKED, VALID, Replica
from sync.wire.clock import decode_clock
from tests.sync.helpers import Circle, Clock, device, new_replica, reconcile, seed, sync_every_pair
from tests.sync.test_properties import clone, observer_with_all_keys, verdicts

VERBS = ["post", "post", "link", "link", "unlink", "unlink", "remove", "role", "sync", "sync", "sync"]


class World:
    """The replicas of a run, and which person each device was meant to belong to."""

    def __init__(self) -> None:
        self.circle = Circle.create(Clock())
        self.circle.add("Tess", Level.TEACHER)
        self.circle.add("Ben")
        self.circle.add("Sue")
        self.circle.sync_all()
        self.replicas: dict[str, Replica] = {"owner": self.circle.owner, **self.circle.members}
        self.person: dict[str, str] = {name: name for name in self.replicas}
        self.made = 0

    def devices_of(self, person: str) -> list[str]:
        return sorted(name for name, owner in self.person.items() if owner == person)


def play(world: World, data: st.DataObject) -> None:
    circle = world.circle
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.integers(0, 1_000)), min_size=6, max_size=24),
        label="steps",
    )
    fork_at = data.draw(st.one_of(st.none(), st.integers(0, len(steps))), label="fork_at")
    for number, (verb, pick) in enumerate(steps):
        if number == fork_at:
            forked = sorted(name for name in world.replicas if world.person[name] in ("Ben", "Sue"))[pick % 2]
            copy = forked + "'"
            world.replicas[copy] = clone(world.replicas[forked])
            world.person[copy] = world.person[forked]
            for name in (forked, copy):
                with contextlib.suppress(Rejected):
                    circle.post(world.replicas[name], f"fork {name}")
        names = sorted(world.replicas)
        actor_name = names[pick % len(names)]
        actor = world.replicas[actor_name]
        try:
            if verb == "post":
                circle.post(actor, f"post {number} by {actor_name}")
            elif verb == "link" and world.person[actor_name] in ("Ben", "Sue", "Tess"):
                world.made += 1
                label = f"{world.person[actor_name]}-d{world.made}"
                new = new_replica(label)
                statement = sign_statement(new.key, space=circle.space, linker=device(actor))
                writer.link_device(actor, circle.space, statement, now_ms=circle.clock())
                writer.take_space_keys(
                    new, circle.space, writer.space_keys(actor, circle.space, for_device=device(new))
                )
                reconcile(actor, new, circle.space)
                world.replicas[label] = new
                world.person[label] = world.person[actor_name]
            elif verb == "unlink":
                # Mostly a sibling; sometimes a teacher's, sometimes a hostile try on someone else.
                siblings = [n for n in world.devices_of(world.person[actor_name]) if n != actor_name]
                others = [n for n in names if n != actor_name]
                target = data.draw(st.sampled_from(siblings or others), label="unlink target")
                writer.unlink_device(
                    actor,
                    circle.space,
                    device(world.replicas[target]),
                    new_key=seed(f"u{number}"),
                    now_ms=circle.clock(),
                )
            elif verb == "remove":
                target = data.draw(st.sampled_from([n for n in names if world.person[n] in ("Ben", "Sue")]))
                writer.remove_member(
                    actor,
                    circle.space,
                    device(world.replicas[target]),
                    new_key=seed(f"r{number}"),
                    now_ms=circle.clock(),
                )
            elif verb == "role":
                target = data.draw(st.sampled_from(names), label="role target")
                level = data.draw(st.sampled_from([1, 2]), label="level")
                fields = {"member": device(world.replicas[target]), "level": level}
                writer.write(
                    actor, circle.space, "member.role", fields, now_ms=circle.clock(), allow_invalid=True
                )
            elif verb == "sync":
                other = world.replicas[data.draw(st.sampled_from(names), label="sync with")]
                if other is not actor:
                    reconcile(actor, other, circle.space)
                    # Two devices of one person hand keys over (a rotation concurrent with a
                    # link was not sealed to the new device), as far as the giver allows.
                    hand_over(actor, other, circle.space)
        except Rejected:
            pass  # refused up front (not permitted, no key): nothing was written


def hand_over(one: Replica, other: Replica, space: SpaceId) -> None:
    """Two devices of one person hand keys over (a rotation concurrent with a link was not
    sealed to the new device), as far as the giver allows (`writer.space_keys`)."""
    for giver, taker in ((one, other), (other, one)):
        with contextlib.suppress(Rejected):
            writer.take_space_keys(taker, space, writer.space_keys(giver, space, for_device=device(taker)))


def union_of(world: World) -> list[bytes]:
    union: dict[bytes, None] = {}
    for replica in world.replicas.values():
        for envelope in all_envelopes(replica, world.circle.space):
            union.setdefault(envelope, None)
    return list(union)


def membership(replica: Replica, space: bytes) -> list[tuple[bytes, str, int, bytes | None]]:
    return [(m.device, m.name, m.level, m.person) for m in state.members(replica.db, space)]


# Shrinking is off (each example is a whole run; a failure prints its draws).
@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_persons_converge_and_unlinked_or_removed_devices_read_nothing_after(data: st.DataObject) -> None:
    world = World()
    play(world, data)
    space = world.circle.space
    envelopes = union_of(world)
    reference = observer_with_all_keys(world.circle, world.replicas, "reference")
    reference.ingest(space, envelopes)
    shuffled = observer_with_all_keys(world.circle, world.replicas, "shuffled")
    order = data.draw(st.permutations(envelopes), label="order")
    chunk = data.draw(st.integers(1, 30), label="chunk")
    for start in range(0, len(order), chunk):
        shuffled.ingest(space, order[start : start + chunk])
    assert verdicts(shuffled) == verdicts(reference)
    assert membership(shuffled, space) == membership(reference, space)
    assert state.persons(shuffled.db, space) == state.persons(reference.db, space)
    assert state.state_hash(shuffled.db, space) == state.state_hash(reference.db, space)

    db = reference.db
    links = db.execute("SELECT COUNT(*) FROM ops WHERE kind = 'member.link' AND status = 0").fetchone()[0]
    unlinks = db.execute("SELECT COUNT(*) FROM ops WHERE kind = 'member.unlink' AND status = 0").fetchone()[0]
    event(f"accepted links: {min(links, 3)}+, unlinks: {min(unlinks, 2)}+")

    for replica in world.replicas.values():  # each device receives everything there is
        replica.ingest(space, envelopes)
    checked = shut_out_read_nothing_after(world, reference)
    event(f"ops checked unreadable by a device shut out: {'some' if checked else 'none'}")


def shut_out_read_nothing_after(world: World, reference: Replica) -> int:
    """Nothing written after an accepted unlink or removal (in `reference`, which holds
    every op) opens under the keys any device concerned holds now. Returns the checks."""
    space = world.circle.space
    db = reference.db
    context = reference.context(space)
    auth = context.auth
    by_device: dict[bytes, list[Replica]] = {}
    for replica in world.replicas.values():
        by_device.setdefault(device(replica), []).append(replica)
    rows = db.execute(
        "SELECT op_id, author, seq, clock, kind, status FROM ops WHERE space = ?", (space,)
    ).fetchall()
    checked = 0
    for op_id, author, seq, _, kind, status in rows:
        if kind not in ("member.unlink", "member.remove") or status != VALID:
            continue
        body = context.events[op_id].body
        target = context.authors[body.member]
        if kind == "member.unlink":
            concerned = [body.member]
        else:  # every device meant for that person, whether or not its link stood
            person = next(n for n, r in world.replicas.items() if device(r) == body.member)
            concerned = [device(world.replicas[n]) for n in world.devices_of(world.person[person])]
            concerned += [context.devices[d] for d in auth.devices_of(auth.person_of(target))]
        for _, _, _, later_clock, later_kind, later_status in rows:
            clock = decode_clock(later_clock)
            if later_status != VALID or later_kind == "space.genesis" or clock.get(author, 0) < seq:
                continue
            _, refs = auth.epoch_at(clock)
            for gone in set(concerned):
                for replica in by_device.get(gone, []):
                    held = replica.context(space).keyring
                    assert not all(ref in held for ref in refs), (kind, later_kind)
                    checked += 1
    return checked


def settle(world: World, space: SpaceId, *, max_rounds: int = 8) -> int:
    """Every pair syncs (each session also carries the epoch keys a member device missed,
    `sync.missed_keys`) and a person's devices hand keys over, round after round, until a
    round changes nothing on any replica. Returns the rounds it took."""

    def snapshot() -> list[tuple[object, ...]]:
        return [
            (
                name,
                state.state_hash(replica.db, space),
                replica.db.execute(
                    "SELECT COUNT(*), SUM(status) FROM ops WHERE space = ?", (space,)
                ).fetchall(),
                replica.db.execute("SELECT COUNT(*) FROM keyring WHERE space = ?", (space,)).fetchall(),
            )
            for name, replica in sorted(world.replicas.items())
        ]

    before = snapshot()
    for rounds in range(1, max_rounds + 1):
        sync_every_pair(world.replicas, space, rounds=1)
        for one in world.replicas.values():
            for other in world.replicas.values():
                if one is not other:
                    hand_over(one, other, space)
        after = snapshot()
        if after == before:
            return rounds
        before = after
    raise AssertionError(f"replicas still changing after {max_rounds} rounds of sync")


@settings(
    max_examples=25,  # about 0.6 s each: under 30 s on a loaded 2-core machine
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_replicas_that_sync_converge_on_persons(data: st.DataObject) -> None:
    """Once sync has settled (every current member has been served every op, and every
    key it is entitled to by some member that holds it), the current member devices agree
    on membership and state, and none holds an op it cannot open. The owner's device is a
    member in every view, so every accepted rotation is sealed to it or written by it:
    some member always holds each key. And the keys sessions hand over (`sync.missed_keys`)
    open nothing written after an unlink or a removal for the devices concerned, though
    they took part in every round."""
    world = World()
    play(world, data)
    space = world.circle.space
    rounds = settle(world, space)
    event(f"rounds to settle: {rounds}")
    members = {m.device for m in state.members(world.circle.owner.db, space)}
    current = {name: r for name, r in world.replicas.items() if device(r) in members}
    reference = membership(world.circle.owner, space)
    for name, replica in current.items():
        assert membership(replica, space) == reference, name
        assert state.state_hash(replica.db, space) == state.state_hash(world.circle.owner.db, space), name
        locked = replica.db.execute(
            "SELECT COUNT(*) FROM ops WHERE space = ? AND status = ?", (space, LOCKED)
        ).fetchone()[0]
        assert locked == 0, name
    reference = observer_with_all_keys(world.circle, world.replicas, "reference")
    reference.ingest(space, union_of(world))
    checked = shut_out_read_nothing_after(world, reference)
    event(f"ops checked unreadable by a device shut out after sync: {'some' if checked else 'none'}")
