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
from sync import writer
from sync.ids import SpaceId
from sync.policy import MODERATOR
from sync.replica import Replica
from sync.state import hidden_items


def _mark(replica: Replica) -> int:
    replica.refresh()
    return int(replica.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM ops").fetchone()[0])


def _counts(replica: Replica, marks: Mapping[SpaceId, int]) -> dict[SpaceId, int]:
    replica.refresh()
    if not marks:
        return {}
    db, me = replica.db, replica.key.device_id
    rows = db.execute(  # the rowid range first: ops_chain would read every op of a space
        "SELECT o.rowid, o.space, i.item_id FROM ops o"
        " JOIN items i ON i.space = o.space AND i.item_id = o.op_id"
        " WHERE o.rowid > ? AND i.author != ? AND i.deleted = 0",
        (min(marks.values()), me),
    ).fetchall()
    new: dict[bytes, list[bytes]] = {}
    for rowid, space, item_id in rows:
        if space in marks and rowid > marks[SpaceId(space)]:
            new.setdefault(space, []).append(item_id)
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
