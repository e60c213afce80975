"""Ops signed by hand for hostile devices in the simulator: any seq, prev, deps, clock
and body, sealed with the key of the epoch their parents imply (or, lacking it, the
newest key the device holds), and bodies of an exact encoded size.

Runs on the test's thread only.
"""

from __future__ import annotations

from typing import Any

from sync.fields import MAX_TEXT
from sync.hlc import COUNTER_BITS, MAX_HLC
from sync.identity import DeviceKey
from sync.ids import HASH_LEN, OpId, SpaceId
from sync.op import VerifiedOp, seal_and_sign
from sync.replica import Replica
from sync.wire.body import encode_body
from sync.wire.op import MAX_DEPS, Header, decode_header


def signer(replica: Replica, key: DeviceKey, space: SpaceId, now_ms: int) -> Any:
    def sign(
        fields: dict[str, Any],
        *,
        seq: int,
        prev: OpId | None,
        deps: tuple[OpId, ...] | list[OpId],
        kind: str = "item.put",
        hlc: int | None = None,
    ) -> VerifiedOp:
        return craft(
            replica,
            key,
            space,
            fields,
            kind=kind,
            seq=seq,
            prev=prev,
            deps=tuple(deps),
            hlc=hlc,
            now_ms=now_ms,
        )

    return sign


def craft(
    replica: Replica,
    key: DeviceKey,
    space: SpaceId,
    fields: dict[str, Any],
    *,
    kind: str,
    seq: int,
    prev: OpId | None,
    deps: tuple[OpId, ...],
    hlc: int | None,
    now_ms: int,
) -> VerifiedOp:
    """Sign an op with the seq, prev, deps and clock given, sealed with the key of the epoch
    its parents imply (the newest key the device holds if it lacks that one)."""
    context = replica.context(space)
    parents = [info for info in (context.info(replica.db, p) for p in (prev, *deps) if p) if info]
    clock: dict[int, int] = {}
    for parent in parents:
        for author, seen in parent.clock.items():
            clock[author] = max(clock.get(author, 0), seen)
    epoch, refs = context.auth.epoch_at(clock)
    body_key = context.epoch_key(refs) or list(context.keyring.values())[-1]
    floor = max((parent.hlc for parent in parents), default=0)
    draft = Header(
        space=space,
        author=key.device_id,
        seq=seq,
        prev=prev,
        deps=deps,
        kind=kind,
        epoch=epoch,
        body_hash=bytes(HASH_LEN),
        body_len=0,
        hlc=hlc if hlc is not None else min(max(now_ms << COUNTER_BITS, floor + 1), MAX_HLC),
    )
    return seal_and_sign(key, draft, encode_body(fields), body_key)


def fields_of_size(size: int, *, title: str) -> dict[str, Any]:
    """An item.put body whose encoding is exactly `size` bytes (text within MAX_TEXT chars)."""
    fields = {"title": title, "text": ""}
    need = size - len(encode_body(fields)) - 4  # a text this long takes a 5-byte str32 header
    wide = max(0, need - MAX_TEXT + 16)  # "é" is two bytes: keep the character count in bounds
    fields["text"] = "é" * wide + "x" * (need - 2 * wide)
    assert len(encode_body(fields)) == size, (size, len(encode_body(fields)))
    return fields


def own_chain(replica: Replica, space: SpaceId, device: bytes) -> list[tuple[int, OpId]]:
    """(seq, op id) of the device's chain-valid ops as its replica holds them, one per seq."""
    rows = replica.db.execute(
        "SELECT o.seq, MIN(o.op_id) FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
        " WHERE o.space = ? AND a.device = ? AND o.status != 1 GROUP BY o.seq ORDER BY o.seq",
        (space, device),
    ).fetchall()
    chain = []
    for seq, op_id in rows:
        if seq != len(chain) + 1:
            break
        chain.append((seq, OpId(op_id)))
    return chain


def stored_op(replica: Replica, op_id: OpId) -> VerifiedOp:
    header, signature, body = replica.db.execute(
        "SELECT header, signature, body FROM ops WHERE op_id = ?", (op_id,)
    ).fetchone()
    return VerifiedOp(op_id, decode_header(header), header, signature, body)


def heads_of_others(replica: Replica, space: SpaceId, device: bytes) -> list[OpId]:
    context = replica.context(space)
    me = context.authors.get(device)
    heads = []
    for author, seq in sorted(context.heads.items()):
        if author == me:
            continue
        row = replica.db.execute(
            "SELECT MIN(op_id) FROM ops WHERE space = ? AND author = ? AND seq = ? AND status != 1",
            (space, author, seq),
        ).fetchone()
        if row[0] is not None:
            heads.append(OpId(row[0]))
    return sorted(heads)[:MAX_DEPS]


def others_ops(replica: Replica, space: SpaceId, device: bytes) -> list[OpId]:
    return [
        OpId(row[0])
        for row in replica.db.execute(
            "SELECT o.op_id FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
            " WHERE o.space = ? AND a.device != ? AND o.status != 1 ORDER BY o.op_id",
            (space, device),
        )
    ]
