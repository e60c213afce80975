"""What a replica holds of a space, for reconciliation: per-author heads and op ranges.

A frontier maps each author to its chain heads: one (seq, op id) normally, several
once the author has equivocated. Ops are served in rowid order, which is a causal
order (an op is only stored after its whole causal past), so a receiver never has to
park what it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sync.ids import DeviceId, OpId, SpaceId
from sync.replica import Replica
from sync.wire.op import encode_envelope

Heads = tuple[tuple[int, OpId], ...]
Frontier = dict[DeviceId, Heads]


def frontier(replica: Replica, space: SpaceId) -> Frontier:
    db = replica.db
    context = replica.context(space)
    result: Frontier = {}
    for author, device in context.devices.items():
        fork = context.forks.get(author)
        # Ops with a broken chain (status 1) are no chain's head, but are kept for
        # causality: listing them is what brings them to every peer.
        if fork is None:
            # Two indexed lookups (ops_chain, and the partial ops_broken): as one `OR`,
            # SQLite read every op of the author, for every digest sent or heard.
            rows = db.execute(
                "SELECT seq, op_id FROM ops WHERE space = ? AND author = ? AND seq = ?"
                " UNION SELECT seq, op_id FROM ops WHERE space = ? AND author = ? AND status = 1",
                (space, author, context.heads.get(author, 0), space, author),
            ).fetchall()
        else:
            rows = db.execute(
                "SELECT seq, op_id FROM ops o WHERE space = ? AND author = ? AND (status = 1 OR (seq >= ?"
                " AND NOT EXISTS (SELECT 1 FROM ops c WHERE c.space = o.space AND c.author = o.author"
                " AND c.seq = o.seq + 1 AND c.prev = o.op_id)))",
                (space, author, fork - 1),
            ).fetchall()
        if rows:
            result[device] = tuple(sorted((seq, OpId(op_id)) for seq, op_id in rows))
    return result


def op_at(replica: Replica, space: SpaceId, author: DeviceId, seq: int) -> list[OpId]:
    index = replica.context(space).authors.get(author)
    if index is None:
        return []
    return [
        OpId(row[0])
        for row in replica.db.execute(
            "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ?", (space, index, seq)
        )
    ]


def rowids_after(
    replica: Replica, space: SpaceId, author: DeviceId, after_seq: int, upto: int | None = None
) -> list[int]:
    index = replica.context(space).authors.get(author)
    if index is None:
        return []
    limit = upto if upto is not None else 1 << 62
    return [
        row[0]
        for row in replica.db.execute(
            "SELECT rowid FROM ops WHERE space = ? AND author = ? AND seq > ? AND seq <= ?",
            (space, index, after_seq, limit),
        )
    ]


def locate(replica: Replica, space: SpaceId, op_id: bytes) -> tuple[DeviceId, int] | None:
    row = replica.db.execute(
        "SELECT a.device, o.seq FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
        " WHERE o.op_id = ? AND o.space = ?",
        (op_id, space),
    ).fetchone()
    return None if row is None else (DeviceId(row[0]), row[1])


def envelopes(replica: Replica, rowids: Iterable[int]) -> Iterator[bytes]:
    ids = list(rowids)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = replica.db.execute(
            f"SELECT rowid, header, signature, body FROM ops WHERE rowid IN ({marks})", part
        ).fetchall()
        for _, header, signature, body in sorted(rows):
            yield encode_envelope(header, signature, body)


def all_envelopes(replica: Replica, space: SpaceId) -> list[bytes]:
    """Every stored op of a space in causal order (for export and tests)."""
    return [
        encode_envelope(header, signature, body)
        for header, signature, body in replica.db.execute(
            "SELECT header, signature, body FROM ops WHERE space = ? ORDER BY rowid", (space,)
        )
    ]


def waiting_for(replica: Replica, space: SpaceId, limit: int = 256) -> list[OpId]:
    return [
        OpId(row[0])
        for row in replica.db.execute(
            "SELECT DISTINCT waiting_for FROM pending WHERE space = ? LIMIT ?", (space, limit)
        )
    ]
