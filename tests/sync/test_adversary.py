"""The trust model against hostile members, as a property over the network simulator
(issue 12, "Done when" 2; tests/sync/adversary.py says what the hostile devices do).

Whatever one or two hostile members fork, backdate, poison, replay or oversize, and
after an honest manager removed them, once the network heals:
(a) every honest replica still a member shows one state hash, holds the same ops and
    judged each alike; no refused op was stored;
(b) every write an honest member was entitled to make succeeded, during the chaos and
    after it, with a clock within MAX_CLOCK_AHEAD_MS of the writer's own;
(c) a removal an honest peer wrote stays accepted at every honest member, its target
    is not a member, and its key rotation stays;
(d) no op an honest device wrote after it had accepted D's removal opens under any key
    D's device holds or could have unsealed;
(e) the member invited by a hostile one stays a member (at every honest member) unless
    an honest manager removed it;
(f) a post an honest member wrote is valid at every member unless an honest manager
    removed its author.

`ADVERSARY_SEEDS` sets the number of examples (default 25, about 1.3 s of CPU each, the
same 25 every time; `make soak` runs 1000 new ones). Shrinking is off (each example is a
whole run). A failure prints its plan and a one-line history: replay it with
`run_plan(Plan(...), path)` from a shell, or add it as an `@example(...)` below.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import traceback
from collections import Counter
from itertools import combinations
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from sync import writer
from sync.crypto import decrypt_body, merge_epoch_keys
from sync.errors import Rejected
from sync.kinds import parse_body
from sync.policy import Level
from sync.replica import VALID
from tests.sync.adversary import ADVERSARY_ACTS, AdversarySimulation, Plan, Written
from tests.sync.helpers import Circle, Clock, device, reconcile, seed
from tests.sync.simulator import every_stored_id, hash_of, op_ids, verdicts

ADVERSARY_SEEDS = int(os.environ.get("ADVERSARY_SEEDS", "25"))
#: The default run draws the same plans every time (CI stays deterministic); a run with
#: ADVERSARY_SEEDS set (the soak) draws new ones.
EXPLORE = "ADVERSARY_SEEDS" in os.environ


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    steps = draw(st.integers(10, 18))
    adversaries = draw(st.integers(1, 2))
    acts = draw(st.lists(st.sampled_from(ADVERSARY_ACTS), min_size=2, unique=True))
    removal_steps = tuple(
        None if draw(st.integers(0, 5)) == 0 else draw(st.integers(0, steps - 3)) for _ in range(adversaries)
    )
    return Plan(draw(st.integers(0, 2**32 - 1)), adversaries, tuple(sorted(acts)), removal_steps, steps)


def run_plan(plan: Plan, directory: Path) -> tuple[AdversarySimulation, list[str]]:
    """Run one plan; returns the simulation and every property it broke (empty: none)."""
    sim = AdversarySimulation(plan, directory)
    try:
        sim.run()
    except Exception as error:  # an honest replica that raises is a broken property too
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return sim, [*sim.violations, f"the run raised {type(error).__name__}: {error} (at {where})"]
    return sim, [*sim.violations, *broken_properties(sim)]


def broken_properties(sim: AdversarySimulation) -> list[str]:
    space = sim.space
    honest = [peer for peer in sim.peers if peer.honest]
    owner = sim.peers[0].replica
    members = {row[0] for row in owner.db.execute("SELECT device FROM members WHERE space = ?", (space,))}
    readers = [peer for peer in honest if peer.device in members]
    broken: list[str] = []

    # (a) one state, one op set, one verdict per op; refused ops never stored.
    hashes = {peer.name: hash_of(peer, space).hex()[:12] for peer in readers}
    if len(set(hashes.values())) != 1:
        broken.append(f"(a) state hashes differ: {hashes}")
    stored = {peer.name: op_ids(peer.replica, space) for peer in honest}
    union = set().union(*stored.values())
    for name, ids in stored.items():
        if union - ids:
            broken.append(f"(a) {name} lacks {len(union - ids)} ops other honest peers hold")
    lost = [author for op_id, author in sim.acknowledged.items() if op_id not in union]
    if lost:
        broken.append(f"(a) acknowledged writes lost, by {sorted(set(lost))}")
    for peer in honest:
        leaked = {attack for op_id, attack in sim.forbidden.items() if op_id in every_stored_id(peer.replica)}
        if leaked:
            broken.append(f"(a) {peer.name} stored ops it must refuse: {sorted(leaked)}")
    reference = verdicts(readers[0].replica, space) if readers else {}
    for peer in readers[1:]:
        judged = verdicts(peer.replica, space)
        differing = sum(reference.get(op_id) != verdict for op_id, verdict in judged.items())
        if differing:
            broken.append(f"(a) {peer.name} judged {differing} ops unlike {readers[0].name}")

    # (c) removals written by honest peers stay, with their rotation.
    for removal in sim.removals_written:
        undone: list[str] = []
        for peer in readers:  # a removed device rightly cannot read later removals
            context = peer.replica.context(space)
            verdict = verdicts(peer.replica, space).get(removal.op_id)
            target = context.authors.get(removal.target)
            still = target is not None and context.auth.current_level(target) > 0
            rotated = any(rotation.op_id == removal.op_id for rotation in context.auth.rotations)
            if verdict is None or verdict[0] != VALID or still or not rotated:
                undone.append(f"{peer.name} (verdict {verdict}, member: {still}, rotated: {rotated})")
        if undone:
            whose = f"{removal.by}'s removal of {sim_name(sim, removal.target)}"
            broken.append(f"(c) {whose} is undone at {len(undone)} members: {', '.join(undone[:3])}")

    # (d) nothing written after a removal opens under the removed device's keys.
    for removal in sim.removals_written:
        keys = keys_within_reach(sim, removal.target)
        opened = [
            written.writer
            for written in sim.written
            if removal.target in written.removed_before
            and written.op.body is not None
            and any(_opens(key, written) for key in keys)
        ]
        if opened:
            broken.append(
                f"(d) {len(opened)} ops written after {sim_name(sim, removal.target)}'s removal open under"
                f" its keys (by {sorted(set(opened))})"
            )

    # (e) the hostile member's invitee keeps its membership.
    if sim.invitee.device not in {removal.target for removal in sim.removals_written}:
        expelled = []
        for peer in readers:
            context = peer.replica.context(space)
            index = context.authors.get(sim.invitee.device)
            if index is None or context.auth.current_level(index) == 0:
                expelled.append(peer.name)
        if expelled:
            broken.append(f"(e) ivy (invited by byz) is no longer a member at {', '.join(expelled)}")

    # (f) an honest member's post is never lost: valid at every member, unless an honest
    #     manager removed its author (a post concurrent with that is rightly refused).
    targets = {removal.target for removal in sim.removals_written}
    judged_by = [verdicts(peer.replica, space) for peer in readers]
    lost_posts = {
        written.writer
        for written in sim.written
        if written.op.header.kind == "item.put"
        and written.op.header.author not in targets
        and any(judged.get(written.op.op_id, (VALID,))[0] != VALID for judged in judged_by)
    }
    if lost_posts:
        broken.append(f"(f) posts by honest members {sorted(lost_posts)} are not valid at every member")
    return broken


def summary(broken: list[str], limit: int = 12) -> str:
    """The broken properties, each once with how often it was seen."""
    counted = Counter(broken)
    lines = [line if count == 1 else f"{line} (x{count})" for line, count in counted.items()]
    more = f"\n… and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def _opens(key: bytes, written: Written) -> bool:
    op = written.op
    try:
        decrypt_body(key, op.associated_data(), op.body)
    except Rejected:
        return False
    return True


def sim_name(sim: AdversarySimulation, device: bytes) -> str:
    return next((peer.name for peer in sim.peers if peer.device == device), device.hex()[:8])


def keys_within_reach(sim: AdversarySimulation, device: bytes) -> set[bytes]:
    """Every body key `device` holds, or could unseal from any removal op, or merge from those."""
    peer = next(peer for peer in sim.peers if peer.device == device)
    replicas = sim.byz_replicas if peer is sim.byz else [peer.replica]
    by_ref: dict[bytes, bytes] = {}
    for replica in replicas:
        rows = replica.db.execute("SELECT ref, key FROM keyring WHERE space = ?", (sim.space,))
        by_ref.update(rows.fetchall())
    for holder in sim.peers:
        if not holder.honest:
            continue
        rows = holder.replica.db.execute(
            "SELECT b.op_id, b.plaintext FROM auth_bodies b JOIN ops o ON o.op_id = b.op_id"
            " WHERE b.space = ? AND o.kind = 'member.remove'",
            (sim.space,),
        )
        for op_id, plaintext in rows:
            for recipient, sealed in parse_body("member.remove", plaintext).sealed_keys:
                if recipient == device and op_id not in by_ref:
                    with contextlib.suppress(Rejected):
                        by_ref[op_id] = peer.key.unseal(sealed)
    keys = set(by_ref.values())
    rotations: dict[int, list[bytes]] = {}
    for rotation in sim.peers[0].replica.context(sim.space).auth.rotations:
        rotations.setdefault(rotation.epoch, []).append(rotation.op_id)
    for refs in rotations.values():
        held = sorted(ref for ref in refs if ref in by_ref)
        for size in range(2, len(held) + 1):
            for subset in combinations(held, size):
                keys.add(merge_epoch_keys([by_ref[ref] for ref in subset]))
    return keys


@settings(
    max_examples=ADVERSARY_SEEDS,
    derandomize=not EXPLORE,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a run takes ~1 s: no shrinking
    suppress_health_check=[HealthCheck.too_slow],
)
@given(plan=plans())
@example(plan=Plan(0, adversaries=2, acts=ADVERSARY_ACTS, removal_steps=(4, 8), steps=14))  # all at once
def test_honest_members_keep_their_circle_against_hostile_members(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as directory:
        sim, broken = run_plan(plan, Path(directory))
        assert not broken, f"{plan}\n{sim.describe()}\n{summary(broken)}"


def test_the_adversary_really_acts(tmp_path: Path) -> None:
    """Guard against a simulator that only pretends: over a few runs every act is tried,
    twins of joins are signed, ops at the caps are made, and managers remove hostile members.
    (Whether the properties hold is the property test's business, not this one's.)"""
    counts: Counter[str] = Counter()
    twins_of_joins = at_cap = 0
    for seed_value in range(3):
        plan = Plan(seed_value, adversaries=2, removal_steps=(4, 8))
        sim, _ = run_plan(plan, tmp_path / str(seed_value))
        counts.update(sim.counts)
        twins_of_joins += sum(seq == 1 for _, seq in sim.twins)
        at_cap += len(sim.at_cap)
    assert {f"act_{act}" for act in ADVERSARY_ACTS} <= set(counts), counts
    assert counts["adversary_removals_tried"] >= 3 and twins_of_joins >= 2 and at_cap >= 3, counts


# -- found by the property ------------------------------------------------------------------------
def test_a_rotation_concurrent_with_a_removal_does_not_give_the_removed_member_the_next_key() -> None:
    """(d) at its smallest. The owner removes dan (epoch 1); the teacher, who has not heard,
    removes sue (epoch 1) and then sid (epoch 2), sealing each new key to everyone it
    believes a member, dan included. When the highest epoch's key alone was used, the
    owner, having accepted dan's removal, wrote under the teacher's epoch-2 key, which dan
    holds; now the key merges the latest rotations' keys, the owner's included."""
    clock = Clock()
    circle = Circle.create(clock)
    teacher = circle.add("teacher", Level.TEACHER)
    dan, sue, sid = (circle.add(name) for name in ("dan", "sue", "sid"))
    circle.sync_all()
    space, owner = circle.space, circle.owner
    writer.remove_member(owner, space, device(dan), new_key=seed("key-without-dan"), now_ms=clock())
    writer.remove_member(teacher, space, device(sue), new_key=seed("key-without-sue"), now_ms=clock())
    writer.remove_member(teacher, space, device(sid), new_key=seed("key-without-sid"), now_ms=clock())
    reconcile(teacher, dan, space)  # dan still counts as a member at the teacher's
    reconcile(owner, teacher, space)
    op, _ = writer.write(owner, space, "item.put", {"title": "after dan left", "text": ""}, now_ms=clock())

    held = [row[0] for row in dan.db.execute("SELECT key FROM keyring WHERE space = ?", (space,))]
    opened = []
    for key in held:
        with contextlib.suppress(Rejected):
            opened.append(decrypt_body(key, op.associated_data(), op.body))
    assert not opened, "dan, removed before the owner wrote, reads what the owner wrote"
