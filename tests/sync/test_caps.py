"""One limit, checked alike: every cap a peer checks on an op, its writer checks first.

An op that its own writer admits must never be refused by a peer as oversize or
malformed (a peer fault, which disconnects and bans the sender). The body cap is the
case that broke: the writer let through plaintext up to 256 KiB, peers measured the
ciphertext, 28 bytes longer.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync import writer
from sync.errors import Reason, Rejected
from sync.frontier import frontier
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId, digest
from sync.op import sign
from sync.reconcile import Reconciler
from sync.wire.body import encode_body
from sync.wire.op import MAX_BODY_BYTES, MAX_KIND_LEN, MAX_PLAINTEXT_BYTES, Header
from sync.wire.reconcile import OpsMessage, decode, encode
from tests.sync.helpers import Circle, Clock, hash_of, reconcile, seed


def post_of(size: int) -> dict[str, Any]:
    """An item.put body whose encoding is exactly `size` bytes (2-byte characters: the
    text stays under its 200,000-character limit)."""
    wide = 70_000 if size > 200_000 else 0
    fields = {"title": "Lecture notes", "text": "é" * wide}
    while (short := size - len(encode_body(fields))) != 0:  # the length prefix may grow
        fields["text"] = fields["text"] + "a" * short if short > 0 else fields["text"][:short]
    assert len(encode_body(fields)) == size
    return fields


def ops_of(replica: Any, space: SpaceId) -> int:
    return replica.db.execute("SELECT COUNT(*) FROM ops WHERE space = ?", (space,)).fetchone()[0]


def test_the_caps_are_stated_on_the_quantity_peers_measure() -> None:
    assert MAX_PLAINTEXT_BYTES == 262_116 and MAX_BODY_BYTES == 262_144


@pytest.mark.parametrize("size", [MAX_PLAINTEXT_BYTES - 1, MAX_PLAINTEXT_BYTES])
def test_a_body_up_to_the_cap_is_written_and_taken_by_a_peer_without_a_fault(size: int) -> None:
    clock = Clock()
    circle = Circle.create(clock)
    member = circle.add("ana")
    op, _ = writer.write(member, circle.space, "item.put", post_of(size), now_ms=clock())
    assert op.header.body_len <= MAX_BODY_BYTES
    envelope = op.to_wire()
    # It fits a reconciliation message as a peer decodes it...
    assert decode(encode(OpsMessage(circle.space, (envelope,)))).envelopes == (envelope,)
    # ...and a peer takes it: accepted, no rejection, no fault.
    result = circle.owner.ingest(circle.space, [envelope])
    assert (result.accepted, result.faults, result.rejected) == (1, 0, [])
    assert reconcile(circle.owner, member, circle.space) >= 0


# Every size of the old gap's edges (262,117 to 262,144 was written, then refused by
# every peer) and beyond it.
@pytest.mark.parametrize(
    "size", [MAX_PLAINTEXT_BYTES + 1, 262_130, MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1]
)
def test_one_byte_over_the_cap_is_refused_by_the_writer_with_a_sentence_and_nothing_written(
    size: int,
) -> None:
    clock = Clock()
    circle = Circle.create(clock)
    member = circle.add("ana")
    before = ops_of(member, circle.space), member.context(circle.space).heads
    with pytest.raises(Rejected) as refused:
        writer.write(member, circle.space, "item.put", post_of(size), now_ms=clock())
    assert refused.value.reason is Reason.OVERSIZE
    assert refused.value.detail.startswith(
        f"This post is {size:,} bytes once encoded; the most a single item can hold is 262,116 bytes."
    )
    assert (ops_of(member, circle.space), member.context(circle.space).heads) == before
    # The device can go on writing, and its next op is taken by peers.
    op, _ = writer.write(member, circle.space, "item.put", post_of(1_000), now_ms=clock())
    result = circle.owner.ingest(circle.space, [op.to_wire()])
    assert (result.accepted, result.faults) == (1, 0)


def test_a_header_cap_is_checked_by_the_writer_as_a_peer_checks_it() -> None:
    """A kind longer than peers decode is refused before it is written, not at peers."""
    clock = Clock()
    circle = Circle.create(clock)
    before = ops_of(circle.owner, circle.space)
    with pytest.raises(Rejected) as refused:
        writer.write(circle.owner, circle.space, "k" * (MAX_KIND_LEN + 1), {}, now_ms=clock())
    assert refused.value.reason is Reason.MALFORMED
    assert ops_of(circle.owner, circle.space) == before


def test_a_frontier_with_more_authors_than_a_peer_decodes_is_cut_to_fit_not_a_fault(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ops of throwaway keys, admitted as invalid, still make their keys authors. ~29,000
    of them made every honest device's frontier larger than the 2 MiB its peers decode:
    every session a peer fault, every member banned by every other. Here the cap is
    lowered (for reader and writer alike) so a few hundred authors show it."""
    monkeypatch.setattr("sync.wire.reconcile.MAX_MESSAGE_BYTES", 32 * 1024)
    clock = Clock()
    circle = Circle.create(clock)
    ana = circle.add("ana")
    strays = []
    for k in range(600):
        key = DeviceKey(seed(f"throwaway-{k}"))
        body = b"not a body"
        header = Header(
            space=circle.space,
            author=key.device_id,
            seq=1,
            prev=None,
            deps=(OpId(circle.space),),
            kind="item.put",
            epoch=0,
            body_hash=digest(body),
            body_len=len(body),
            hlc=(clock() + 1_000) << 16,
        )
        strays.append(sign(key, header, body).to_wire())
    result = circle.owner.ingest(circle.space, strays)
    assert result.accepted == 600 and result.faults == 0  # stored (as invalid): authors now
    assert len(frontier(circle.owner, circle.space)) > 400  # more than 32 KiB of heads
    post, _ = writer.write(circle.owner, circle.space, "item.put", post_of(1_000), now_ms=clock())
    left, right = Reconciler(circle.owner, circle.space), Reconciler(ana, circle.space)
    reconcile(circle.owner, ana, circle.space)  # raised Rejected(OVERSIZE) at ana before
    assert ana.context(circle.space).info(ana.db, post.op_id) is not None
    assert hash_of(ana, circle.space) == hash_of(circle.owner, circle.space)
    for session in (left, right):
        message = session.generate_message()
        assert message is not None and len(message) <= 32 * 1024


def test_an_invite_its_joiner_could_not_read_is_refused_when_it_is_made() -> None:
    """A code carries every epoch key; past ~160 of them (member removals) the joiner's
    decoder refused the code as damaged. Now the inviter hears why, at once."""
    from sync.invite import InviteToken, make_invite, parse_code
    from sync.policy import Level

    inviter = DeviceKey(seed("owner"))
    token = InviteToken(
        space=SpaceId(seed("space")),
        inviter=inviter.device_id,
        at=OpId(seed("at")),
        at_seq=1,
        at_hlc=1,
        role=Level.MEMBER,
        uses=1,
        expires_ms=1,
        nonce=seed("nonce")[:16],
        addresses=("/ip4/192.0.2.1/tcp/4001",),
    )
    ring = [(seed(f"ref-{n}"), seed(f"key-{n}")) for n in range(200)]
    assert parse_code(make_invite(inviter, token, ring[:100]).code()).keyring == tuple(ring[:100])
    with pytest.raises(Rejected) as refused:
        make_invite(inviter, token, ring)
    assert refused.value.reason is Reason.BAD_INVITE
    assert "carries 200 circle keys" in refused.value.detail


def test_an_export_no_device_could_read_is_refused_when_it_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The export file's caps (1 GiB, 4,000,000 ops) are checked by the writer as by readers;
    here the byte cap is lowered for both."""
    from sync.offline import export_space
    from sync.wire.export import decode_export, encode_export

    clock = Clock()
    circle = Circle.create(clock)
    writer.write(circle.owner, circle.space, "item.put", post_of(20_000), now_ms=clock())
    export = export_space(circle.owner, circle.space)
    assert decode_export(encode_export(export)).envelopes == export.envelopes
    monkeypatch.setattr("sync.wire.export.MAX_EXPORT_BYTES", 10_000)
    with pytest.raises(Rejected) as refused:
        encode_export(export)
    assert refused.value.reason is Reason.OVERSIZE
    assert "an export file holds at most 10,000 (what any device reads)" in refused.value.detail
