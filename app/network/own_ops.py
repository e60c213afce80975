"""This device's own ops, as the sync service gossips them.

Owns: which own ops are not yet published (`unpublished`, one database job for every
shared space: the catch-up for ops another process, such as a CLI command, wrote into
the same data directory — each look refreshes the replica first — and for writes not
handed to the publisher), sealing ops into gossip messages of at most `MAX_GOSSIP_OPS`
ops and `MAX_GOSSIP_BYTES` (what peers accept; `seal_ops`, also for the ops a command
hands over), and the last own seq of a space. Not own ops that arrived from a peer.

Runs on the database worker (called through `Database.run`), except `seal_ops`, which
touches no database.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.personal import synced_spaces
from p2p.config import GossipSettings
from sync import access, reads
from sync.frontier import envelopes
from sync.ids import SpaceId
from sync.replica import Replica
from sync.wire.reconcile import OpsMessage, encode

MAX_GOSSIP_OPS = 64
#: The most a sealed gossip message may weigh: what every peer's gossip layer accepts
#: (a larger one is refused by our own publish, and by peers as invalid gossip).
MAX_GOSSIP_BYTES = GossipSettings().max_message_size
# What sealing and the ops message add around the envelopes, at most: the sealed frame
# (tag, nonce, length, AEAD tag: 37 bytes) and the message's tag, space id and array
# header (41); each envelope adds its own length prefix (at most 5).
_FRAME_BYTES, _PER_OP_BYTES = 37 + 41, 5


def unpublished(
    replica: Replica, published: dict[SpaceId, int], gossip: bool
) -> tuple[list[SpaceId], dict[SpaceId, tuple[int, list[access.Sealed]]]]:
    """The shared spaces, and for each its last own seq and own ops after `published`,
    sealed in gossip messages. Own ops that came back from a peer (a device restored
    from a backup catching up) are not resent: the circle has them."""
    spaces = synced_spaces(replica)
    after = {space: max(published.get(space, 0), replica.received_own.get(space, 0)) for space in spaces}
    return spaces, {space: seal_own_after(replica, space, after[space], gossip) for space in spaces}


def seal_own_after(
    replica: Replica, space: SpaceId, seq: int, gossip: bool
) -> tuple[int, list[access.Sealed]]:
    """This device's ops after `seq`, sealed in gossip messages; and the last seq seen."""
    rows = own_after(replica, space, seq)
    if not rows:
        return seq, []
    last = max(row_seq for row_seq, _ in rows)
    key = access.gossip_key(replica, space) if gossip else None
    return last, ([] if key is None else seal_ops(key, [envelope for _, envelope in rows]))


def seal_ops(key: access.GossipKey, envelopes: list[bytes]) -> list[access.Sealed]:
    """`envelopes` (ops of `key`'s space) sealed under `key` in gossip messages; in memory,
    so the ops a command just wrote are gossiped without reading them back."""
    return [key.seal(encode(OpsMessage(key.space, tuple(batch)))) for batch in _batches(envelopes)]


def _batches(ops: list[bytes]) -> Iterator[list[bytes]]:
    """Runs of at most MAX_GOSSIP_OPS ops whose sealed message fits MAX_GOSSIP_BYTES. An
    op too large to fit alone is not gossiped: reconciliation carries it (peers hear of
    it in our digest)."""
    batch: list[bytes] = []
    size = _FRAME_BYTES
    for envelope in ops:
        weight = len(envelope) + _PER_OP_BYTES
        if _FRAME_BYTES + weight > MAX_GOSSIP_BYTES:
            continue
        if batch and (len(batch) == MAX_GOSSIP_OPS or size + weight > MAX_GOSSIP_BYTES):
            yield batch
            batch, size = [], _FRAME_BYTES
        batch.append(envelope)
        size += weight
    if batch:
        yield batch


def own_seq(replica: Replica, space: SpaceId) -> int:
    """The seq of this device's newest op in `space` (0: none yet)."""
    replica.refresh()
    context = replica.context(space)
    me = context.authors.get(replica.key.device_id)
    return 0 if me is None else context.heads.get(me, 0)


def own_after(replica: Replica, space: SpaceId, seq: int) -> list[tuple[int, bytes]]:
    """This device's ops in `space` after `seq` (also those another process wrote)."""
    replica.refresh()
    context = replica.context(space)
    me = context.authors.get(replica.key.device_id)
    if me is None:
        return []
    rows = reads.ops_after(replica.db, space, me, seq)
    return list(zip([row[1] for row in rows], envelopes(replica, [row[0] for row in rows]), strict=True))
