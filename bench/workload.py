"""Synthetic but fully valid circle histories for benchmarks.

A circle is set up through the real authoring path (genesis, invites, joins); the bulk
of its ops are then minted directly — signed, encrypted, chained and with deps on the
other authors' heads, exactly as their own devices would have written them — because
going through a replica's write transaction for each one would only slow the setup.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync import joining, writer
from sync.frontier import all_envelopes
from sync.hlc import next_hlc
from sync.identity import DeviceKey
from sync.ids import HASH_LEN, OpId, SpaceId
from sync.op import VerifiedOp, seal_and_sign
from sync.policy import Level
from sync.reconcile import Reconciler
from sync.replica import Replica
from sync.store import Store
from sync.wire.body import encode_body
from sync.wire.op import Header

START_MS = 1_750_000_000_000


def seed(label: str) -> bytes:
    return hashlib.blake2b(label.encode(), digest_size=32, person=b"bench").digest()


def pump(a: Replica, b: Replica, space: SpaceId) -> tuple[int, int]:
    """Reconcile two replicas in memory; returns (messages, bytes)."""
    left, right = Reconciler(a, space), Reconciler(b, space)
    messages = size = 0
    while True:
        moved = False
        for sender, receiver in ((left, right), (right, left)):
            message = sender.generate_message()
            if message is not None:
                receiver.receive_message(message)
                messages += 1
                size += len(message)
                moved = True
        if not moved:
            return messages, size


@dataclass
class Author:
    key: DeviceKey
    seq: int
    head: OpId
    hlc: int


@dataclass
class Circle:
    space: SpaceId
    space_key: bytes
    authors: list[Author]
    setup: list[bytes]  # envelopes of genesis, invites' anchors and joins


def make_circle(directory: Path, *, authors: int) -> Circle:
    """Owner + (authors - 1) members, joined through real invites."""
    owner = Replica(Store(directory / "owner.db"), DeviceKey(seed("owner")))
    space_key = seed("space-key")
    space = writer.create_space(
        owner, name="Bench circle", member_name="Owner", space_key=space_key, now_ms=START_MS
    )
    clock = START_MS
    members = []
    for index in range(1, authors):
        clock += 10
        member = Replica(Store(directory / f"m{index}.db"), DeviceKey(seed(f"member-{index}")))
        invite = writer.invite(
            owner, space, role=Level.MEMBER, uses=1, expires_ms=START_MS + 10**9, nonce=seed(f"n{index}")[:16]
        )
        writer.accept_invite(member, invite)
        pump(owner, member, space)
        writer.join(member, invite, member_name=f"Student {index}", now_ms=clock)
        pump(owner, member, space)
        # The owner holds the join now: as after a session with it, the member is no longer
        # "joining" (a pending join hid the circle from the desktop's sidebar, which hung
        # bench/responsiveness.py, and made catch-up deliver the join again).
        mine = member.context(space).authors[member.key.device_id]
        seq = member.context(space).heads[mine]
        join_op = member.db.execute(
            "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ?", (space, mine, seq)
        ).fetchone()[0]
        assert joining.confirm_if_held(member, space, owner.key.device_id, [(seq, OpId(join_op))])
        members.append(member)
    heads = []
    for replica in [owner, *members]:
        context = replica.context(space)
        me = context.authors[replica.key.device_id]
        seq = context.heads[me]
        row = replica.db.execute(
            "SELECT op_id, hlc FROM ops WHERE space = ? AND author = ? AND seq = ?", (space, me, seq)
        ).fetchone()
        heads.append(Author(replica.key, seq, OpId(row[0]), row[1]))
    setup = all_envelopes(owner, space)
    for replica in [owner, *members]:
        replica.store.close()
    return Circle(space, space_key, heads, setup)


class Clock:
    """Wall-clock milliseconds that move 3 ms at each reading: every op its own time."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self.now = start_ms

    def __call__(self) -> int:
        self.now += 3
        return self.now


def enrol_class(
    room: Replica, space: SpaceId, teacher: DeviceKey, keys: list[DeviceKey], clock: Clock, *, label: str
) -> None:
    """Each of `keys` joins `space` with an invite of its own from `teacher`, all written
    through one store (`room.key` switched per writer), named "Student {label}{n}"."""
    for number, key in enumerate(keys):
        room.key = teacher
        invite = writer.invite(
            room,
            space,
            role=Level.MEMBER,
            uses=1,
            expires_ms=clock.now + 10**9,
            nonce=seed(f"n{label}{number}")[:16],
        )
        room.key = key
        writer.join(room, invite, member_name=f"Student {label}{number}", now_ms=clock())
    room.key = teacher


def mint(
    circle: Circle, count: int, *, text_bytes: int = 120, authors: list[Author] | None = None
) -> list[bytes]:
    """`count` item.put ops, round-robin over authors, each depending on the previous author's head."""
    envelopes: list[bytes] = []
    authors = authors or circle.authors
    last: Author | None = None
    clock = max(author.hlc for author in circle.authors)
    filler = os.urandom(text_bytes // 2).hex()
    for number in range(count):
        author = authors[number % len(authors)]
        deps = (last.head,) if last is not None and last is not author else ()
        clock = next_hlc(now_ms=START_MS + 1_000_000 + number, floor=max(clock, author.hlc))
        draft = Header(
            space=circle.space,
            author=author.key.device_id,
            seq=author.seq + 1,
            prev=author.head,
            deps=deps,
            kind="item.put",
            epoch=0,
            body_hash=bytes(HASH_LEN),
            body_len=0,
            hlc=clock,
        )
        plaintext = encode_body({"title": f"Question {number}", "text": filler})
        op: VerifiedOp = seal_and_sign(author.key, draft, plaintext, circle.space_key)
        author.seq += 1
        author.head = op.op_id
        author.hlc = clock
        last = author
        envelopes.append(op.to_wire())
    return envelopes


def receiver(path: Path, circle: Circle, label: str, **options: object) -> Replica:
    """A fresh member replica of the circle holding its key, with the setup ops ingested."""
    store = Store(path)
    with store.transaction():
        store.connection.execute("INSERT INTO spaces (space) VALUES (?)", (circle.space,))
        store.connection.execute(
            "INSERT INTO keyring (space, ref, key) VALUES (?, ?, ?)",
            (circle.space, circle.space, circle.space_key),
        )
    replica = Replica(store, DeviceKey(seed(label)), **options)  # type: ignore[arg-type]
    replica.ingest(circle.space, circle.setup)
    return replica
