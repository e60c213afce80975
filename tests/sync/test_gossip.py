"""Gossip payloads: sealed under the current epoch key on a topic only its holders can
name, recognised early, decoded strictly."""

from __future__ import annotations

import pytest

from sync import access, writer
from sync.errors import Rejected
from sync.ids import digest
from sync.wire.gossip import decode_gossip, encode_digest, looks_sealed
from sync.wire.reconcile import FrontierMessage, OpsMessage, encode
from tests.sync.helpers import Circle, Clock, device, reconcile, seed


def test_a_member_opens_gossip_and_a_removed_member_cannot() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    payload = encode(OpsMessage(circle.space, ()))
    before = access.seal(circle.owner, circle.space, payload)
    assert before is not None and looks_sealed(before.data)
    assert access.unseal(sue, circle.space, before.data) == payload
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    reconcile(circle.owner, sam, circle.space)
    after = access.seal(circle.owner, circle.space, payload)
    assert after is not None
    assert access.unseal(sam, circle.space, after.data) == payload
    assert access.unseal(sue, circle.space, after.data) is None  # sealed under the new epoch
    # What the removed device can still seal (the old key) is no longer taken.
    assert access.unseal(sam, circle.space, before.data) is None
    assert access.unseal(circle.owner, circle.space, before.data) is None


def test_the_topic_needs_the_current_key_and_moves_with_a_rotation() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    before = access.gossip_key(circle.owner, circle.space)
    assert before is not None
    assert before == access.gossip_key(sam, circle.space) == access.gossip_key(sue, circle.space)
    public = "studycircle/" + digest(circle.space, person=b"sc-topic")[:16].hex()  # what it was
    assert before.topic != public and circle.space.hex() not in before.topic
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    reconcile(circle.owner, sam, circle.space)
    reconcile(circle.owner, sue, circle.space)
    after = access.gossip_key(circle.owner, circle.space)
    assert after is not None and after == access.gossip_key(sam, circle.space)
    assert after.topic != before.topic
    assert access.gossip_key(sue, circle.space) is None  # she holds no key for it
    for key in sue.context(circle.space).keyring.values():  # nor can she name it
        assert access.topic_for(circle.space, key) != after.topic


def test_the_gate_takes_current_members_drops_unknown_ones_and_refuses_other_keys() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    payload = encode(OpsMessage(circle.space, ()))
    old = access.seal(sue, circle.space, payload)
    assert old is not None
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    gate = access.gossip_gate(circle.owner, circle.space)
    assert gate is not None
    current = gate.gossip.seal(payload)
    assert gate.judge(device(sam), current.data) is access.GossipVerdict.ACCEPT
    assert gate.judge(bytes(32), current.data) is access.GossipVerdict.IGNORE  # a joiner not yet heard of
    assert gate.judge(None, current.data) is access.GossipVerdict.IGNORE
    assert gate.judge(device(sue), old.data) is access.GossipVerdict.REJECT  # the removed device's key
    assert gate.judge(device(sam), b"\x93\x08 junk") is access.GossipVerdict.REJECT
    assert device(sue) not in gate.members


def test_gossip_decodes_ops_and_digests_and_refuses_the_rest() -> None:
    circle = Circle.create(Clock())
    digest = access.digest_of(circle.owner, circle.space)
    assert decode_gossip(encode_digest(digest)) == digest
    assert isinstance(decode_gossip(encode(OpsMessage(circle.space, ()))), OpsMessage)
    with pytest.raises(Rejected):
        decode_gossip(encode(FrontierMessage(circle.space, (), ())))
    with pytest.raises(Rejected):
        decode_gossip(b"\x94\x03 not a digest")
    assert not looks_sealed(encode_digest(digest))
