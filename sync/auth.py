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
- only accepted removals rotate the key: an op written in the epoch of a removal that
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
from sync.kinds import Join, Leave, Removal, RoleChange
from sync.policy import Level, may, role_name


@dataclass(frozen=True, slots=True)
class AuthEvent:
    op_id: OpId
    author: int
    seq: int
    hlc: int
    clock: Mapping[int, int]
    body: Join | RoleChange | Removal | Leave
    target: int | None = None
    token: InviteToken | None = None
    invite_id: bytes | None = None
    inviter: int | None = None
    at_clock: Mapping[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Change:
    author: int
    seq: int
    level: int
    cut: int
    op_id: OpId
    seen: Mapping[int, int] = field(default_factory=dict)  # the causal past of the op that made it


@dataclass(frozen=True, slots=True)
class Rotation:
    op_id: OpId
    author: int
    seq: int
    epoch: int
    clock: Mapping[int, int] = field(default_factory=dict)  # the removal's causal past


@dataclass(slots=True)
class AuthState:
    owners: frozenset[int]
    policy: Mapping[str, int]
    changes: dict[int, list[Change]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    verdicts: dict[OpId, Reason | None] = field(default_factory=dict)
    rotations: list[Rotation] = field(default_factory=list)
    invite_uses: dict[bytes, int] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)

    def level_at(
        self,
        who: int,
        clock: Mapping[int, int],
        seq: int,
        *,
        strong: bool = True,
        ignore: OpId | None = None,
    ) -> int:
        """`who`'s level for an op of theirs at `seq` whose causal past is `clock`."""
        if who in self.owners:
            return Level.OWNER
        changes = self.changes.get(who)
        if not changes:
            return Level.NONE
        level: int = Level.NONE
        for change in changes:
            if change.op_id != ignore and clock.get(change.author, 0) >= change.seq:
                level = change.level
        if strong:
            for change in changes:
                if (
                    change.op_id != ignore
                    and change.level < level
                    and change.cut < seq
                    and clock.get(change.author, 0) < change.seq
                ):
                    level = change.level
        return level

    def current_level(self, who: int) -> int:
        if who in self.owners:
            return Level.OWNER
        changes = self.changes.get(who)
        return changes[-1].level if changes else Level.NONE

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
    assert isinstance(event.body, Removal)
    state.rotations.append(Rotation(event.op_id, event.author, event.seq, event.body.epoch, event.clock))


def _judge(state: AuthState, event: AuthEvent, *, strong: bool) -> Reason | None:
    body = event.body
    if isinstance(body, Join):
        return _judge_join(state, event, strong=strong)
    actor = state.level_at(event.author, event.clock, event.seq, strong=strong)
    if isinstance(body, Leave):
        ok = event.author not in state.owners and actor >= Level.MEMBER
        return None if ok else Reason.NOT_PERMITTED
    if event.target is None or event.target in state.owners:
        return Reason.NOT_PERMITTED
    target = state.level_at(event.target, event.clock, event.clock.get(event.target, 0))
    if target >= actor:
        return Reason.NOT_PERMITTED
    if target < Level.MEMBER and not (
        # A member who left, or whom a concurrent removal already cut off, can still be
        # removed: that rotates the key they hold (a teacher who removed them without
        # having heard of the owner's removal keeps their rotation and what they wrote
        # after it), and a `leave` slipped into the past of a removal cannot undo it.
        isinstance(body, Removal) and _was_member(state, event.target, event.clock)
    ):
        return Reason.NOT_PERMITTED
    if isinstance(body, RoleChange):
        if event.target in state.removed:  # removal is final: a concurrent role change cannot undo it
            return Reason.NOT_PERMITTED
        if not may(state.policy, actor, "role." + role_name(body.level)) or body.level >= actor:
            return Reason.NOT_PERMITTED
        return None
    assert isinstance(body, Removal)
    if not may(state.policy, actor, "member.remove"):
        return Reason.NOT_PERMITTED
    epoch, _ = state.epoch_at(event.clock, exclude=event.op_id)
    return None if body.epoch == epoch + 1 else Reason.WRONG_EPOCH


def _inviter_cut_off(state: AuthState, event: AuthEvent) -> bool:
    """Whether the inviter lost the right to admit this joiner before the join took effect.

    A token names an op of the inviter's, and anyone can mint one naming an old op; so a
    removal (or demotion) of the inviter that the token's op had not seen and that did not
    see the join ends the token, as strong removal ends the inviter's own later ops. Else
    a removed member would mint a token after its removal and come back as a new device.
    """
    assert event.token is not None and event.inviter is not None and event.at_clock is not None
    right = "invite." + role_name(event.token.role)
    for change in state.changes.get(event.inviter, ()):
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
    if event.author in state.owners or event.author in state.removed:
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
        state.changes.setdefault(event.author, []).append(
            Change(event.author, event.seq, event.token.role, event.seq, event.op_id, event.clock)
        )
        state.names[event.author] = body.member_name
        state.invite_uses[event.invite_id] = state.invite_uses.get(event.invite_id, 0) + 1
    elif isinstance(body, Leave):
        state.changes.setdefault(event.author, []).append(
            Change(event.author, event.seq, Level.NONE, event.seq, event.op_id, event.clock)
        )
    else:
        assert event.target is not None
        level = body.level if isinstance(body, RoleChange) else Level.NONE
        cut = event.clock.get(event.target, 0)
        state.changes.setdefault(event.target, []).append(
            Change(event.author, event.seq, level, cut, event.op_id, event.clock)
        )
        if isinstance(body, Removal):
            state.removed.add(event.target)
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
    if isinstance(body, Leave):
        return actor >= Level.MEMBER
    action = "member.remove" if isinstance(body, Removal) else "role." + role_name(body.level)
    return may(state.policy, actor, action)
