"""Which circles this device is a current member of. A device that left a circle, or was
removed from it, keeps the history it holds (`circle list --all` still shows it), but the
circle is no longer one of its own: the desktop's sidebar lists only current ones. Nor
is a circle whose join no member holds yet (`sync.joining`): the sync service delivers
the join on its next contact with a member, and the circle appears then; meanwhile
`waiting_circles` lists it (the sidebar shows it greyed, "waiting for a member").

`current_spaces` runs on the database worker (`Database.run`).
"""

from __future__ import annotations

from app.services.commands import Commands
from sync import joining, reads
from sync.ids import SpaceId
from sync.replica import Replica


def current_spaces(replica: Replica) -> set[SpaceId]:
    replica.refresh()
    return reads.spaces_with_member(replica.db, replica.key.device_id) - joining.joining_spaces(replica)


async def current_circles(commands: Commands) -> set[SpaceId]:
    return await commands.database.run(current_spaces, commands.replica)


def _waiting(replica: Replica) -> list[tuple[SpaceId, str]]:
    replica.refresh()
    waiting = sorted(joining.joining_spaces(replica))
    return [(space, _waiting_name(replica, space)) for space in waiting]


def _waiting_name(replica: Replica, space: SpaceId) -> str:
    """The circle's own name once its history is here, else the name its invite gave."""
    known = replica.context(space).name if replica.has_space(space) else ""
    if known:
        return known
    pending = joining.pending(replica, space)
    return pending.circle_name if pending is not None else ""


async def waiting_circles(commands: Commands) -> list[tuple[SpaceId, str]]:
    """Circles this device is joining that no member has admitted yet, with their names
    (the invite's label while their history has not arrived; "" for an old code)."""
    return await commands.database.run(_waiting, commands.replica)
