"""The personal space ("My notes"): a space only the person's own devices belong to,
holding the person's own knowledge store.

It is an ordinary space (signed, encrypted ops, the same reducers) born with the
setting `personal = true` in the transaction that creates it; the person's other
devices are linked into it like into a circle (`device link`, `sync.device_link`). A
space counts as this device's personal space only if it is marked so, this device is
one of its member devices, and every member device belongs to the person of the device
that created it (its genesis author, the person id): so a teacher who sets `personal`
on a shared circle cannot make that circle vanish from anyone's `circle list` or from
sync — a circle has other people in it. Personal spaces are never listed as circles;
they are synced (sessions, gossip) only while they have more than one member device,
i.e. only between the person's own devices (`synced_spaces`).

Functions here run on the database worker (`Database.run`).
"""

from __future__ import annotations

from sync import reads, state
from sync.ids import SpaceId
from sync.replica import Replica
from sync.wire.canonical import unpack_canonical

PERSONAL = "personal"
NAME = "My notes"


def personal_spaces(replica: Replica) -> list[SpaceId]:
    """This device's person's personal spaces, oldest first (normally exactly one, or none yet)."""
    db = replica.db
    me = replica.key.device_id
    found = []
    for space, value in reads.spaces_with_setting(db, PERSONAL):
        if unpack_canonical(value) is not True:
            continue
        context = replica.context(SpaceId(space))
        if context.genesis_author is None:
            continue
        maker = context.devices.get(context.genesis_author)
        members = state.members(db, space)
        if me in {m.device for m in members} and all(m.person == maker for m in members):
            found.append(SpaceId(space))
    return found


def synced_spaces(replica: Replica) -> list[SpaceId]:
    """The spaces to sync and gossip: every circle, and a personal space once another
    device of the person is linked into it (never one only this device holds)."""
    db = replica.db
    personal = set(personal_spaces(replica))
    return [
        space
        for space in replica.spaces()
        if space not in personal or len(reads.member_devices(db, space)) > 1
    ]


def my_notes(replica: Replica) -> SpaceId | None:
    """The personal space this device writes its notes to, if it has one yet."""
    spaces = personal_spaces(replica)
    return spaces[0] if spaces else None


def shared_spaces(replica: Replica) -> list[SpaceId]:
    """Every space except this device's personal ones: the circles, for listing and sync."""
    personal = set(personal_spaces(replica))
    return [space for space in replica.spaces() if space not in personal]
