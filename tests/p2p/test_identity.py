"""Device keys and peer ids: the same key gives the same id on both networks."""

from __future__ import annotations

import pytest
from nacl.signing import SigningKey

from p2p.errors import AddressInvalid
from p2p.identity import parse_peer_id, peer_id_from_public_key, peer_id_from_seed, public_key_of
from tests.p2p.conftest import device_seed


def test_the_peer_id_embeds_the_device_public_key():
    seed = device_seed("laptop")
    public_key = bytes(SigningKey(seed).verify_key)
    peer_id = peer_id_from_seed(seed)
    assert peer_id.startswith("12D3KooW")
    assert public_key_of(peer_id) == public_key
    assert peer_id_from_public_key(public_key) == peer_id
    assert parse_peer_id(str(peer_id)) == peer_id


@pytest.mark.parametrize("text", ["", "hello", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"])
def test_anything_but_an_ed25519_peer_id_is_rejected(text: str):
    with pytest.raises(AddressInvalid):
        parse_peer_id(text)


def test_a_seed_must_be_32_bytes():
    with pytest.raises(ValueError, match="32 bytes"):
        peer_id_from_seed(b"short")
