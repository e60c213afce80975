"""Joins in progress: a device is *joining* a space from the moment it takes the space's
keys from an invite until a member of the space is known to hold its `member.join` op.

Until then the device is not a member anyone else knows, whatever its own replica says:
it presents its invite to members (`pending`), serves the space to no one but members
(`sync.access.may_serve`), and the app does not show it as a member. A member holds
the join once a reconciliation session with it shows this device's chain, up to the
join, in the member's frontier (`confirm_if_held`, called by the `Reconciler`). The
record is a row of the `joining` table, written in the transaction that stores the
keys (`record`): a join interrupted at any point leaves it, so the next run can finish.

Runs on the replica's thread, inside or outside the caller's transaction as noted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sync.ids import DeviceId, OpId, SpaceId
from sync.invite import Invite, parse_token
from sync.policy import Level
from sync.replica import Replica


@dataclass(frozen=True, slots=True)
class PendingJoin:
    """A join this device began: the invite token (and its signature) it presents."""

    space: SpaceId
    token: bytes
    token_signature: bytes
    circle_name: str = ""  # as the invite code gave it: a label, not the circle's own record


def record(replica: Replica, invite: Invite) -> None:
    """Note (in the caller's transaction) that this device is joining with `invite`; a
    newer invite for the same space replaces the older, so the one presented is fresh."""
    replica.db.execute(
        "INSERT OR REPLACE INTO joining (space, token, token_sig, name) VALUES (?, ?, ?, ?)",
        (invite.token.space, invite.token_bytes, invite.signature, invite.circle_name),
    )


def pending(replica: Replica, space: SpaceId) -> PendingJoin | None:
    row = replica.db.execute(
        "SELECT token, token_sig, name FROM joining WHERE space = ?", (space,)
    ).fetchone()
    return None if row is None else PendingJoin(space, row[0], row[1], row[2])


def pending_invite(replica: Replica, space: SpaceId) -> Invite | None:
    """The invite an unfinished join recorded, with the keys it brought (to sign the join
    later, when the circle's history arrives: a join that waited for a member)."""
    row = pending(replica, space)
    if row is None:
        return None
    keyring = replica.db.execute("SELECT ref, key FROM keyring WHERE space = ? ORDER BY ref", (space,))
    token = parse_token(row.token, row.token_signature)
    return Invite(
        token, row.token, row.token_signature, tuple((ref, key) for ref, key in keyring), row.circle_name
    )


def joining_spaces(replica: Replica) -> set[SpaceId]:
    return {SpaceId(row[0]) for row in replica.db.execute("SELECT space FROM joining")}


def own_join_seq(replica: Replica, space: SpaceId) -> int | None:
    """The seq of this device's latest `member.join` in `space`, if it has signed one that
    makes it a member (in this replica's view; an old join before a leave does not)."""
    context = replica.context(space)
    index = context.authors.get(replica.key.device_id)
    if index is None or context.auth.current_level(index) <= Level.NONE:
        return None
    row = replica.db.execute(
        "SELECT MAX(seq) FROM ops WHERE space = ? AND author = ? AND kind = 'member.join'", (space, index)
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def confirm_if_held(
    replica: Replica, space: SpaceId, holder: DeviceId, heads: Iterable[tuple[int, OpId]]
) -> bool:
    """`holder`'s frontier lists `heads` for this device: if `holder` is a member (in this
    replica's view) holding this device's join, the join is done — drop the record.
    Returns whether it was dropped."""
    if holder == replica.key.device_id or pending(replica, space) is None:
        return False
    seq = own_join_seq(replica, space)
    if seq is None or max((held for held, _ in heads), default=0) < seq:
        return False
    context = replica.context(space)
    index = context.authors.get(holder)
    if index is None or context.auth.current_level(index) <= Level.NONE:
        return False
    with replica.store.transaction():
        replica.db.execute("DELETE FROM joining WHERE space = ?", (space,))
    return True
