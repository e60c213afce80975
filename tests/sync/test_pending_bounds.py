"""Bounded by bytes: parked ops (authentic, waiting for their causal past) cost a circle's
device at most MAX_PENDING_BYTES, and any one author at most MAX_PENDING_AUTHOR_BYTES.

The attack: anyone can sign ops with a throwaway key and a made-up prev; they park
until a prev that will never come arrives. Counted in ops only (200,000 per circle),
that was ~51 GB of 256 KiB ops. Evicting is safe: parking is admission policy, and
reconciliation brings an evicted op again once its past is here.
"""

from __future__ import annotations

from pathlib import Path

from sync import writer
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId, digest
from sync.op import sign
from sync.replica import MAX_PENDING_AUTHOR_BYTES, MAX_PENDING_BYTES, Replica
from sync.store import Store
from sync.wire.op import MAX_BODY_BYTES, Header
from tests.sync.helpers import Circle, Clock, hash_of, reconcile, seed


def stray(space: SpaceId, key_label: str, seq: int, size: int) -> bytes:
    """An authentic op from a throwaway key whose prev is a random hash: it parks forever."""
    key = DeviceKey(seed(f"throwaway-{key_label}"))
    body = (digest(f"{key_label}/{seq}".encode()) * (size // 32 + 1))[:size]
    header = Header(
        space=space,
        author=key.device_id,
        seq=seq,
        prev=OpId(seed(f"made-up-prev-{key_label}-{seq}")),
        deps=(),
        kind="item.put",
        epoch=0,
        body_hash=digest(body),
        body_len=len(body),
        hlc=1_700_000_000_000 << 16,
    )
    return sign(key, header, body).to_wire()


def parked_bytes(replica: Replica, space: SpaceId) -> dict[bytes, int]:
    """Bytes of parked envelopes per author, read from the envelopes themselves."""
    from sync.op import UnverifiedOp

    sizes: dict[bytes, int] = {}
    for (envelope,) in replica.db.execute("SELECT envelope FROM pending WHERE space = ?", (space,)):
        author = UnverifiedOp.from_wire(envelope).header.author
        sizes[author] = sizes.get(author, 0) + len(envelope)
    return sizes


def ops_of(replica: Replica, space: SpaceId, author: Replica) -> int:
    index = replica.context(space).authors.get(author.key.device_id)
    query = "SELECT COUNT(*) FROM ops WHERE space = ? AND author = ? AND status = 0"
    return replica.db.execute(query, (space, index)).fetchone()[0]


def test_a_flood_of_parked_ops_from_throwaway_keys_stays_within_the_byte_bounds(tmp_path: Path) -> None:
    clock = Clock()
    owner = Replica(Store(tmp_path / "owner.db"), DeviceKey(seed("owner")))
    circle = Circle.create(clock, owner=owner)
    ana = circle.add("ana")
    first, *later = [
        writer.write(ana, circle.space, "item.put", {"title": f"t{n}", "text": "x" * 900}, now_ms=clock())[0]
        for n in range(3)
    ]
    owner.ingest(circle.space, [op.to_wire() for op in later])  # gossip ahead of its past: parked
    # 10 throwaway keys, 20 ops of 256 KiB each: 50 MiB, 5 MiB a key.
    size = MAX_BODY_BYTES
    flood = [stray(circle.space, str(k), seq, size) for k in range(10) for seq in range(2, 22)]
    for start in range(0, len(flood), 8):  # as gossip brings them: a few per message
        result = owner.ingest(circle.space, flood[start : start + 8])
        assert result.faults == 0  # authentic ops: parked or evicted, never a peer fault
    sizes = parked_bytes(owner, circle.space)
    assert sum(sizes.values()) <= MAX_PENDING_BYTES  # 32 MiB, not the 50 MiB sent
    assert max(sizes.values()) <= MAX_PENDING_AUTHOR_BYTES
    assert sum(sizes.values()) > MAX_PENDING_BYTES - 2 * size  # the bound, not an accident
    # The honest author's parked ops were not starved by the flood: they are admitted
    # as soon as their past arrives.
    result = owner.ingest(circle.space, [first.to_wire()])
    assert result.accepted == 3 and ops_of(owner, circle.space, ana) == 4  # with its join


def test_a_member_s_parked_ops_outlast_a_flood_of_throwaway_keys() -> None:
    """Over the count cap too, the ops of current members are the last to go."""
    clock = Clock()
    owner = Replica(Store(":memory:"), DeviceKey(seed("owner")), max_pending=40)
    circle = Circle.create(clock, owner=owner)
    ana = circle.add("ana")
    first, *later = [
        writer.write(ana, circle.space, "item.put", {"title": f"t{n}", "text": ""}, now_ms=clock())[0]
        for n in range(3)
    ]
    owner.ingest(circle.space, [op.to_wire() for op in later])
    for start in range(0, 120, 8):
        owner.ingest(circle.space, [stray(circle.space, str(k), 2, 100) for k in range(start, start + 8)])
    assert owner.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 40
    result = owner.ingest(circle.space, [first.to_wire()])
    assert result.accepted == 3 and ops_of(owner, circle.space, ana) == 4


def test_ops_evicted_from_an_author_arrive_by_reconciliation_once_their_past_does() -> None:
    clock = Clock()
    one_op = 1_200  # about one parked post below
    owner = Replica(Store(":memory:"), DeviceKey(seed("owner")), max_pending_author_bytes=3 * one_op)
    circle = Circle.create(clock, owner=owner)
    ana = circle.add("ana")
    ops = [
        writer.write(ana, circle.space, "item.put", {"title": f"t{n}", "text": "x" * 900}, now_ms=clock())[0]
        for n in range(8)
    ]
    owner.ingest(circle.space, [op.to_wire() for op in ops[1:]])
    kept = owner.db.execute("SELECT seq FROM pending ORDER BY seq").fetchall()
    ana_seq = ops[1].header.seq
    assert [seq for (seq,) in kept] == [ana_seq, ana_seq + 1, ana_seq + 2]  # the nearest to release
    reconcile(owner, ana, circle.space)
    assert ops_of(owner, circle.space, ana) == 9 and hash_of(owner, circle.space) == hash_of(
        ana, circle.space
    )
    assert owner.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0


def test_this_devices_own_ops_are_never_evicted() -> None:
    """A device restored from a backup gets its own ops back ahead of their past: they stay."""
    clock = Clock()
    circle = Circle.create(clock)
    ana = circle.add("ana")
    ops = [
        writer.write(ana, circle.space, "item.put", {"title": f"t{n}", "text": ""}, now_ms=clock())[0]
        for n in range(4)
    ]
    restored = Replica(
        Store(":memory:"),
        DeviceKey(seed("ana")),
        max_pending=2,
        max_pending_bytes=1,
        max_pending_author_bytes=1,
    )
    writer.accept_invite(restored, circle.invite(circle.owner))
    restored.ingest(circle.space, [op.to_wire() for op in ops[1:]])
    restored.ingest(circle.space, [stray(circle.space, str(k), 2, 100) for k in range(3)])
    sizes = parked_bytes(restored, circle.space)
    assert list(sizes) == [ana.key.device_id]  # all three own ops, none of the strays
    assert restored.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 3
