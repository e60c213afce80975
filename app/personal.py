"""The personal space ("My notes"): a space only this device belongs to, holding the
person's own knowledge store.

It is an ordinary space (signed, encrypted ops, the same reducers) born with the
setting `personal = true` in the transaction that creates it. A space counts as this
device's personal space only if it is marked so, this device created it and is still
its only member: so a teacher who sets `personal` on a shared circle cannot make that
circle vanish from anyone's `circle list` or from sync. Personal spaces are left out
of `circle list` and of the sync service's gossip (nobody else holds them).

Functions here run on the database worker (`Database.run`).
"""

from __future__ import annotations

from sync import reads
from sync.ids import SpaceId
from sync.replica import Replica
from sync.wire.canonical import unpack_canonical

PERSONAL = "personal"
NAME = "My notes"


def personal_spaces(replica: Replica) -> list[SpaceId]:
    """This device's personal spaces, oldest first (normally exactly one, or none yet)."""
    db = replica.db
    me = replica.key.device_id
    found = []
    for space, value in reads.spaces_with_setting(db, PERSONAL):
        if unpack_canonical(value) is not True:
            continue
        members = reads.member_devices(db, space)
        if members != [me]:
            continue
        context = replica.context(SpaceId(space))
        if context.genesis_author is not None and context.devices.get(context.genesis_author) == me:
            found.append(SpaceId(space))
    return found


def my_notes(replica: Replica) -> SpaceId | None:
    """The personal space this device writes its notes to, if it has one yet."""
    spaces = personal_spaces(replica)
    return spaces[0] if spaces else None


def shared_spaces(replica: Replica) -> list[SpaceId]:
    """Every space except this device's personal ones: the circles, for listing and sync."""
    personal = set(personal_spaces(replica))
    return [space for space in replica.spaces() if space not in personal]
