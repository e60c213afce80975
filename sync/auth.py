"""Authority: who holds which role for any op, resolved over that op's causal past.

Input: the space's owners and policy (from genesis) and every authentic, well-formed
membership op (join, role change, removal, leave) as an `AuthEvent`. Output: an
`AuthState` that answers "what level did author A hold for an op with clock C and seq
S?" deterministically, whatever order the events arrived in.

Rules (docs/protocol.md, "Authority"):
- events are judged in one linear extension of causality (ready events: owners
  first, then op id), each against the changes accepted before it;
- a change applies to an op if it is in the op's causal past; a *demotion or removal*
  also applies to every op of its target that is concurrent with it (strong removal:
  an op written "before it heard" of its author's removal is still refused);
- an event accepted early but later found concurrent with a demotion of its own author
  is excluded and the fold repeated (exclusions only grow, so this terminates);
- an actor must strictly outrank its target; owners cannot be demoted or removed;
- persons: a device that joined (or created the space) is its own person; a device
  linked by a member device (`member.link`) belongs to its linker's person. Levels,
  removals and leaving belong to the person (`changes` is keyed by person); a device's
  level is its person's, capped by its own presence (linked, then perhaps unlinked:
  `presence`, keyed by device). An unlink is a removal of one device;
- only accepted removals (and unlinks) rotate the key: an op written in the epoch of a removal that
  was cut (by a concurrent demotion of its author) has the wrong epoch everywhere.
  Counting the cut rotation instead would leave its target — still a member — unable
  to read what was written with a key never sealed to it, and replicas would differ.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sync.errors import Reason
from sync.hlc import wall_ms
from sync.ids import OpId
from sync.invite import InviteToken
from sync.kinds import Join, Leave, Link, Removal, RoleChange, Unlink
from sync.policy import Level, may, role_name


@dataclass(frozen=True, slots=True)
class AuthEvent:
    op_id: OpId
    author: int
    seq: int
    hlc: int
    clock: Mapping[int, int]
    body: Join | RoleChange | Removal | Leave | Link | Unlink
    target: int | None = None  # role, removal, unlink: the device named; link: the new device
    link_ok: bool = False  # link: the new device's statement verifies (sync.link)
    token: InviteToken | None = None
    invite_id: bytes | None = None
    inviter: int | None = None
    at_clock: Mapping[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A change of a person's level (or of one device's presence): made by `author`'s op at
    `seq`, whose causal past is `seen`. A lowering also applies to every op of a device
    past what `seen` holds of it and not in its future (strong removal): that device's
    *cut* is `seen.get(device, 0)`."""

    author: int
    seq: int
    level: int
    op_id: OpId
    seen: Mapping[int, int] = field(default_factory=dict)  # the causal past of the op that made it


@dataclass(frozen=True, slots=True)
class Rotation:
    op_id: OpId
    author: int
    seq: int
    epoch: int
    clock: Mapping[int, int] = field(default_factory=dict)  # the removal's causal past


#: A device's presence while linked: it caps nothing (its person's level applies).
PRESENT = int(Level.OWNER)


@dataclass(slots=True)
class AuthState:
    owners: frozenset[int]
    policy: Mapping[str, int]
    changes: dict[int, list[Change]] = field(default_factory=dict)  # by person
    names: dict[int, str] = field(default_factory=dict)
    verdicts: dict[OpId, Reason | None] = field(default_factory=dict)
    rotations: list[Rotation] = field(default_factory=list)
    invite_uses: dict[bytes, int] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)  # persons removed
    person: dict[int, int] = field(default_factory=dict)  # device -> person (its first device)
    presence: dict[int, list[Change]] = field(default_factory=dict)  # by device: link, unlinks
    unlinked: set[int] = field(default_factory=set)  # devices unlinked

    def person_of(self, device: int) -> int:
        """The person a device belongs to: the device that joined (or created the space)
        and from which it was linked, directly or through a chain of links."""
        return self.person.get(device, device)

    def devices_of(self, person: int) -> list[int]:
        """Every device ever accepted as `person`'s (unlinked ones included), in index order."""
        return sorted(device for device, owner in self.person.items() if owner == person)

    def same_person_at(self, device: int, other: int, clock: Mapping[int, int]) -> bool:
        """Whether `device` and `other` are devices of one person *for an op whose causal
        past is `clock`*: the same device, or both accepted as the same person's with the
        join (or space creation) or link that made each one so in that past.

        A key that is no person's device (a stranger's, a pseudonym's) is only itself.
        A person is fixed for good once a device is accepted, so this is the same on every
        replica that has `clock`'s ops; an unlinked device keeps its person (what it wrote
        stays its person's), while its own ops after the unlink carry no level at all."""
        if device == other:
            return True
        person = self.person.get(device)
        if person is None or self.person.get(other) != person:
            return False
        return self._device_in(device, clock) and self._device_in(other, clock)

    def _device_in(self, device: int, clock: Mapping[int, int]) -> bool:
        """Whether the op that made `device` its person's (a join, the genesis, a link)
        is in `clock`."""
        if self.person.get(device) == device:
            return device in self.owners or any(
                change.author == device and clock.get(device, 0) >= change.seq
                for change in self.changes.get(device, ())
            )
        return any(
            change.level > Level.NONE and clock.get(change.author, 0) >= change.seq
            for change in self.presence.get(device, ())
        )

    def level_at(
        self,
        who: int,
        clock: Mapping[int, int],
        seq: int,
        *,
        strong: bool = True,
        ignore: OpId | None = None,
    ) -> int:
        """Device `who`'s level for an op of theirs at `seq` whose causal past is `clock`:
        its person's level, capped by the device's own presence."""
        person = self.person_of(who)
        level = self.person_level_at(person, who, clock, seq, strong=strong, ignore=ignore)
        if who == person and who not in self.presence:
            return level
        present = PRESENT if who == person else Level.NONE
        cap = _fold_changes(
            self.presence.get(who, ()), present, who, clock, seq, strong=strong, ignore=ignore
        )
        return min(level, cap)

    def person_level_at(
        self,
        person: int,
        device: int,
        clock: Mapping[int, int],
        seq: int,
        *,
        strong: bool = True,
        ignore: OpId | None = None,
    ) -> int:
        """`person`'s level for an op of their `device` at `seq` whose causal past is `clock`."""
        if person in self.owners:
            return Level.OWNER
        changes = self.changes.get(person)
        if not changes:
            return Level.NONE
        return _fold_changes(changes, Level.NONE, device, clock, seq, strong=strong, ignore=ignore)

    def current_level(self, who: int) -> int:
        person = self.person_of(who)
        if person in self.owners:
            level: int = Level.OWNER
        else:
            changes = self.changes.get(person)
            level = changes[-1].level if changes else Level.NONE
        presence = self.presence.get(who)
        if presence:
            return min(level, presence[-1].level)
        return level if who == person else Level.NONE

    def epoch_at(self, clock: Mapping[int, int], *, exclude: OpId | None = None) -> tuple[int, list[OpId]]:
        """The key epoch an op with this causal past must use, and the rotations behind it.

        The epoch is the highest of the rotations in the causal past; the key merges the
        keys of every *latest* one (not in another's causal past). A rotation made by a
        teacher who had not heard of a concurrent removal seals its key to the removed
        member too: with only the highest epoch's key, what follows both would be
        readable by that member; the merge needs the other rotation's key as well.
        """
        past = [
            rotation
            for rotation in self.rotations
            if rotation.op_id != exclude and clock.get(rotation.author, 0) >= rotation.seq
        ]
        latest = [
            rotation
            for rotation in past
            if not any(
                other is not rotation and other.clock.get(rotation.author, 0) >= rotation.seq
                for other in past
            )
        ]
        best = max((rotation.epoch for rotation in past), default=0)
        return best, sorted(rotation.op_id for rotation in latest)

    def accepted(self) -> set[OpId]:
        return {op_id for op_id, verdict in self.verdicts.items() if verdict is None}


def _fold_changes(
    changes: Sequence[Change],
    start: int,
    device: int,
    clock: Mapping[int, int],
    seq: int,
    *,
    strong: bool,
    ignore: OpId | None,
) -> int:
    """The level the changes in `clock` leave, lowered by any concurrent lowering that had
    not seen `device`'s op at `seq` (strong removal)."""
    level = start
    for change in changes:
        if change.op_id != ignore and clock.get(change.author, 0) >= change.seq:
            level = change.level
    if strong:
        for change in changes:
            if (
                change.op_id != ignore
                and change.level < level
                and change.seen.get(device, 0) < seq
                and clock.get(change.author, 0) < change.seq
            ):
                level = change.level
    return level


def resolve(*, owners: frozenset[int], policy: Mapping[str, int], events: Sequence[AuthEvent]) -> AuthState:
    order = _causal_order(events, owners)
    excluded: set[OpId] = set()
    while True:
        state = _fold(order, owners=owners, policy=policy, excluded=excluded)
        violators = {
            event.op_id
            for event in order
            if state.verdicts[event.op_id] is None and not _actor_ok(state, event)
        }
        if not violators:
            return state
        excluded |= violators


def _causal_order(events: Sequence[AuthEvent], owners: frozenset[int]) -> list[AuthEvent]:
    """Kahn's algorithm; among ready events, owners' first, then by op id."""
    waiting_on: dict[OpId, int] = {}
    successors: dict[OpId, list[AuthEvent]] = {event.op_id: [] for event in events}
    for event in events:
        count = 0
        for other in events:
            # An author's own ops at the same or a later seq are not in its past: two twins
            # of a fork (both counted once witnessed) would otherwise each wait on the
            # other, and everything after them would drop out of the order.
            if other.author == event.author and other.seq >= event.seq:
                continue
            if other is not event and event.clock.get(other.author, 0) >= other.seq:
                successors[other.op_id].append(event)
                count += 1
        waiting_on[event.op_id] = count
    ready = [
        (event.author not in owners, event.op_id, event) for event in events if not waiting_on[event.op_id]
    ]
    heapq.heapify(ready)
    order: list[AuthEvent] = []
    while ready:
        _, _, event = heapq.heappop(ready)
        order.append(event)
        for successor in successors[event.op_id]:
            waiting_on[successor.op_id] -= 1
            if not waiting_on[successor.op_id]:
                heapq.heappush(ready, (successor.author not in owners, successor.op_id, successor))
    return order


def _fold(
    order: Sequence[AuthEvent],
    *,
    owners: frozenset[int],
    policy: Mapping[str, int],
    excluded: set[OpId],
) -> AuthState:
    state = AuthState(owners=owners, policy=policy)
    state.person.update({owner: owner for owner in owners})
    for event in order:
        if event.op_id in excluded:
            state.verdicts[event.op_id] = Reason.NOT_PERMITTED
            continue
        verdict = _judge(state, event, strong=True)
        state.verdicts[event.op_id] = verdict
        if verdict is None:
            _apply(state, event)
    return state


def _add_rotation(state: AuthState, event: AuthEvent) -> None:
    assert isinstance(event.body, Removal | Unlink)
    state.rotations.append(Rotation(event.op_id, event.author, event.seq, event.body.epoch, event.clock))


def _judge(state: AuthState, event: AuthEvent, *, strong: bool) -> Reason | None:
    body = event.body
    if isinstance(body, Join):
        return _judge_join(state, event, strong=strong)
    actor = state.level_at(event.author, event.clock, event.seq, strong=strong)
    if isinstance(body, Leave):
        ok = state.person_of(event.author) not in state.owners and actor >= Level.MEMBER
        return None if ok else Reason.NOT_PERMITTED
    if isinstance(body, Link):
        return _judge_link(state, event, actor)
    if isinstance(body, Unlink):
        return _judge_unlink(state, event, actor)
    if event.target is None or state.person_of(event.target) in state.owners:
        return Reason.NOT_PERMITTED
    person = state.person_of(event.target)
    target = state.person_level_at(person, event.target, event.clock, event.clock.get(event.target, 0))
    if state.person_of(event.author) == person:
        return Reason.NOT_PERMITTED  # nobody changes the role of, or removes, their own person
    if target >= actor:
        return Reason.NOT_PERMITTED
    if target < Level.MEMBER and not (
        # A member who left, or whom a concurrent removal already cut off, can still be
        # removed: that rotates the key they hold (a teacher who removed them without
        # having heard of the owner's removal keeps their rotation and what they wrote
        # after it), and a `leave` slipped into the past of a removal cannot undo it.
        isinstance(body, Removal) and _was_member(state, person, event.clock)
    ):
        return Reason.NOT_PERMITTED
    if isinstance(body, RoleChange):
        if person in state.removed:  # removal is final: a concurrent role change cannot undo it
            return Reason.NOT_PERMITTED
        if not may(state.policy, actor, "role." + role_name(body.level)) or body.level >= actor:
            return Reason.NOT_PERMITTED
        return None
    assert isinstance(body, Removal)
    if not may(state.policy, actor, "member.remove"):
        return Reason.NOT_PERMITTED
    epoch, _ = state.epoch_at(event.clock, exclude=event.op_id)
    return None if body.epoch == epoch + 1 else Reason.WRONG_EPOCH


def _judge_link(state: AuthState, event: AuthEvent, actor: int) -> Reason | None:
    """A current member device links a new device to its own person, which then holds the
    person's level (never more: levels are the person's). The new device must have signed
    its consent for this space and this linker, must not be a device of anyone yet (no
    merging of persons) and must never have been removed or unlinked (final)."""
    new = event.target
    if not event.link_ok or new is None:
        return Reason.BAD_CONTENT
    if actor < Level.MEMBER:
        return Reason.NOT_PERMITTED
    if new in state.person or new in state.owners or new in state.unlinked or new in state.removed:
        return Reason.NOT_PERMITTED
    return None


def _judge_unlink(state: AuthState, event: AuthEvent, actor: int) -> Reason | None:
    """One device of a person removed: by another device of the same person, or (as a
    removal) by someone who may remove members and outranks the person. Never by the device
    itself: it writes the rotation, so it would know the key that is to shut it out."""
    device = event.target
    if device is None or device not in state.person or device == event.author or actor < Level.MEMBER:
        return Reason.NOT_PERMITTED
    person = state.person_of(device)
    if not _was_device(state, device, event.clock):
        return Reason.NOT_PERMITTED
    if state.person_of(event.author) != person:
        if person in state.owners or not may(state.policy, actor, "member.remove"):
            return Reason.NOT_PERMITTED
        if state.person_level_at(person, device, event.clock, event.clock.get(device, 0)) >= actor:
            return Reason.NOT_PERMITTED
    assert isinstance(event.body, Unlink)
    epoch, _ = state.epoch_at(event.clock, exclude=event.op_id)
    return None if event.body.epoch == epoch + 1 else Reason.WRONG_EPOCH


def _was_device(state: AuthState, device: int, clock: Mapping[int, int]) -> bool:
    """Whether `device` was a member device of its person in this causal past."""
    person = state.person_of(device)
    if not (person in state.owners or _was_member(state, person, clock)):
        return False
    if device == person:
        return True
    return any(
        change.level > Level.NONE and clock.get(change.author, 0) >= change.seq
        for change in state.presence.get(device, ())
    )


def _inviter_cut_off(state: AuthState, event: AuthEvent) -> bool:
    """Whether the inviter lost the right to admit this joiner before the join took effect.

    A token names an op of the inviter's, and anyone can mint one naming an old op; so a
    removal (or demotion) of the inviter that the token's op had not seen and that did not
    see the join ends the token, as strong removal ends the inviter's own later ops. Else
    a removed member would mint a token after its removal and come back as a new device.
    """
    assert event.token is not None and event.inviter is not None and event.at_clock is not None
    right = "invite." + role_name(event.token.role)
    inviter = event.inviter
    lowered = [*state.changes.get(state.person_of(inviter), ()), *state.presence.get(inviter, ())]
    for change in lowered:
        if may(state.policy, change.level, right):
            continue
        after_token = event.at_clock.get(change.author, 0) < change.seq
        saw_join = change.seen.get(event.author, 0) >= event.seq
        if after_token and not saw_join:
            return True
    return False


def _was_member(state: AuthState, who: int, clock: Mapping[int, int]) -> bool:
    """Whether `who` held a member's level at some point of this causal past."""
    return any(
        change.level >= Level.MEMBER and clock.get(change.author, 0) >= change.seq
        for change in state.changes.get(who, ())
    )


def _judge_join(state: AuthState, event: AuthEvent, *, strong: bool) -> Reason | None:
    token = event.token
    if token is None or event.inviter is None or event.at_clock is None or event.invite_id is None:
        return Reason.BAD_INVITE
    if event.author in state.owners or event.author in state.removed or event.author in state.unlinked:
        return Reason.BAD_INVITE
    if event.author in state.person:  # already a device of a person (joined, or linked)
        return Reason.BAD_INVITE
    if state.level_at(event.author, event.clock, event.seq) > Level.NONE:
        return Reason.BAD_INVITE
    inviter = state.level_at(event.inviter, event.at_clock, token.at_seq, strong=strong)
    if not may(state.policy, inviter, "invite." + role_name(token.role)):
        return Reason.NOT_PERMITTED
    if token.role > inviter:
        return Reason.NOT_PERMITTED
    if _inviter_cut_off(state, event):
        return Reason.NOT_PERMITTED
    if state.invite_uses.get(event.invite_id, 0) >= token.uses:
        return Reason.BAD_INVITE
    if wall_ms(event.hlc) > token.expires_ms:
        return Reason.BAD_INVITE
    return None


def _apply(state: AuthState, event: AuthEvent) -> None:
    body = event.body
    if isinstance(body, Join):
        assert event.token is not None and event.invite_id is not None
        state.person[event.author] = event.author
        state.changes.setdefault(event.author, []).append(
            Change(event.author, event.seq, event.token.role, event.op_id, event.clock)
        )
        state.names[event.author] = body.member_name
        state.invite_uses[event.invite_id] = state.invite_uses.get(event.invite_id, 0) + 1
    elif isinstance(body, Leave):
        state.changes.setdefault(state.person_of(event.author), []).append(
            Change(event.author, event.seq, Level.NONE, event.op_id, event.clock)
        )
    elif isinstance(body, Link):
        assert event.target is not None
        person = state.person_of(event.author)
        state.person[event.target] = person
        state.presence.setdefault(event.target, []).append(
            Change(event.author, event.seq, PRESENT, event.op_id, event.clock)
        )
        if person in state.names:
            state.names[event.target] = state.names[person]
    elif isinstance(body, Unlink):
        assert event.target is not None
        state.presence.setdefault(event.target, []).append(
            Change(event.author, event.seq, Level.NONE, event.op_id, event.clock)
        )
        state.unlinked.add(event.target)
        _add_rotation(state, event)
    else:
        assert event.target is not None
        level = body.level if isinstance(body, RoleChange) else Level.NONE
        person = state.person_of(event.target)
        state.changes.setdefault(person, []).append(
            Change(event.author, event.seq, level, event.op_id, event.clock)
        )
        if isinstance(body, Removal):
            state.removed.add(person)
            _add_rotation(state, event)


def _actor_ok(state: AuthState, event: AuthEvent) -> bool:
    """Re-check an accepted event's actor against every accepted demotion (strong removal)."""
    body = event.body
    if isinstance(body, Join):
        assert event.token is not None and event.inviter is not None and event.at_clock is not None
        inviter = state.level_at(event.inviter, event.at_clock, event.token.at_seq)
        return may(state.policy, inviter, "invite." + role_name(event.token.role)) and not _inviter_cut_off(
            state, event
        )
    actor = state.level_at(event.author, event.clock, event.seq, ignore=event.op_id)
    if isinstance(body, Leave | Link):
        return actor >= Level.MEMBER
    if isinstance(body, Unlink):
        assert event.target is not None
        if actor < Level.MEMBER:
            return False
        return state.person_of(event.author) == state.person_of(event.target) or may(
            state.policy, actor, "member.remove"
        )
    action = "member.remove" if isinstance(body, Removal) else "role." + role_name(body.level)
    return may(state.policy, actor, action)
