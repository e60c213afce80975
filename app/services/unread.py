"""Unread activity per circle: the items (threads, replies, chat lines, help requests,
answers, resources…) others created that reached this device after a mark.

A mark is a position in this device's own log (`ops.rowid`, the local arrival order),
not a time: a reply written yesterday by someone who was offline and synced only now
is new to me. Marks are the caller's to keep, locally (the desktop keeps them in its
settings beside the data); they are never ops, so nobody else learns what I have read.

Functions with a leading underscore run on the database worker (`Database.run`).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.services.commands import Commands
from sync import reads, writer
from sync.ids import SpaceId
from sync.policy import MODERATOR
from sync.replica import Replica
from sync.state import hidden_items


def _mark(replica: Replica) -> int:
    replica.refresh()
    return reads.last_op_rowid(replica.db)


def _counts(replica: Replica, marks: Mapping[SpaceId, int]) -> dict[SpaceId, int]:
    replica.refresh()
    if not marks:
        return {}
    db, me = replica.db, replica.key.device_id
    rows = reads.items_added_after(db, min(marks.values()), not_by=me)
    new: dict[SpaceId, list[bytes]] = {}
    for rowid, added_in, item_id in rows:
        if added_in in marks and rowid > marks[added_in]:
            new.setdefault(added_in, []).append(item_id)
    counts = {space: 0 for space in marks}
    for space, found in new.items():
        circle = SpaceId(space)
        hidden = hidden_items(db, circle) if writer.my_level(replica, circle) < MODERATOR else set()
        counts[circle] = sum(1 for item_id in found if item_id not in hidden)
    return counts


async def counts(commands: Commands, marks: Mapping[SpaceId, int]) -> tuple[int, dict[SpaceId, int]]:
    """The mark for "everything so far" and, per circle in `marks`, how many items
    arrived after its mark (both read in one job, so they agree)."""

    def work(replica: Replica) -> tuple[int, dict[SpaceId, int]]:
        return _mark(replica), _counts(replica, marks)

    return await commands.database.run(work, commands.replica)
