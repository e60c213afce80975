"""Gossip payloads: sealed under the space key, recognised early, decoded strictly."""

from __future__ import annotations

import pytest

from sync import access, writer
from sync.errors import Rejected
from sync.wire.gossip import decode_gossip, encode_digest, looks_sealed
from sync.wire.reconcile import FrontierMessage, OpsMessage, encode
from tests.sync.helpers import Circle, Clock, device, reconcile, seed


def test_a_member_opens_gossip_and_a_removed_member_cannot() -> None:
    circle = Circle.create(Clock())
    sam, sue = circle.add("Sam"), circle.add("Sue")
    payload = encode(OpsMessage(circle.space, ()))
    before = access.seal(circle.owner, circle.space, payload)
    assert before is not None and looks_sealed(before)
    assert access.unseal(sue, circle.space, before) == payload
    writer.remove_member(circle.owner, circle.space, device(sue), new_key=seed("e1"), now_ms=circle.clock())
    reconcile(circle.owner, sam, circle.space)
    after = access.seal(circle.owner, circle.space, payload)
    assert after is not None
    assert access.unseal(sam, circle.space, after) == payload
    assert access.unseal(sue, circle.space, after) is None  # sealed under the new epoch


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
