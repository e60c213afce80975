"""Sealed boxes (`sync.identity.seal`): the one-time key depends on the whole plaintext.

It used to be derived from the first 64 bytes only, so whoever guessed a plaintext's
start (a public prefix, a structure) could rebuild the one-time key and open the rest,
and two plaintexts sharing a start were encrypted under the same key and nonce. Boxes
made the old way, and short ones (an epoch key) made either way, still open.
"""

from __future__ import annotations

import hashlib

import pytest
from nacl import bindings
from nacl.exceptions import CryptoError

from sync.errors import Rejected
from sync.identity import DeviceKey, box_public_of, seal

TEACHER = DeviceKey(hashlib.sha256(b"teacher").digest())
STRANGER = DeviceKey(hashlib.sha256(b"stranger").digest())
PUBLIC_START = b"studycircle grade v1; student 0123456789abcdef; submission 42 ::"  # 64 known bytes


def old_seal(recipient: bytes, plaintext: bytes) -> bytes:
    """The derivation before this fix, for boxes already in people's op logs."""
    public = box_public_of(recipient)
    seed = hashlib.blake2b(public, key=plaintext[:64], digest_size=32, person=b"sc-seal-eph").digest()
    ephemeral_public, ephemeral_secret = bindings.crypto_box_seed_keypair(seed)
    nonce = hashlib.blake2b(ephemeral_public + public, digest_size=24).digest()
    return ephemeral_public + bindings.crypto_box(plaintext, nonce, public, ephemeral_secret)


def open_with_guessed_start(recipient: bytes, box: bytes, start: bytes) -> bytes:
    """The attack: rebuild the one-time key from the first 64 bytes and open the box."""
    public = box_public_of(recipient)
    seed = hashlib.blake2b(public, key=start[:64], digest_size=32, person=b"sc-seal-eph").digest()
    _, ephemeral_secret = bindings.crypto_box_seed_keypair(seed)
    nonce = hashlib.blake2b(box[:32] + public, digest_size=24).digest()
    return bindings.crypto_box_open(box[32:], nonce, public, ephemeral_secret)


def test_a_guessed_start_no_longer_opens_the_rest() -> None:
    secret = PUBLIC_START + b"grade 82, comment: see me after class"
    assert len(PUBLIC_START) == 64
    old_box = old_seal(TEACHER.device_id, secret)
    assert open_with_guessed_start(TEACHER.device_id, old_box, PUBLIC_START) == secret  # the old flaw
    box = seal(TEACHER.device_id, secret)
    with pytest.raises(CryptoError):
        open_with_guessed_start(TEACHER.device_id, box, PUBLIC_START)
    assert TEACHER.unseal(box) == secret
    with pytest.raises(Rejected):
        STRANGER.unseal(box)


def test_plaintexts_sharing_a_start_get_different_one_time_keys() -> None:
    first = seal(TEACHER.device_id, PUBLIC_START + b"grade 82")
    second = seal(TEACHER.device_id, PUBLIC_START + b"grade 41")
    assert first[:32] != second[:32]  # the one-time public keys: no key and nonce reused
    old_first = old_seal(TEACHER.device_id, PUBLIC_START + b"grade 82")
    assert old_first[:32] == old_seal(TEACHER.device_id, PUBLIC_START + b"grade 41")[:32]  # the old flaw


def test_old_boxes_open_and_short_plaintexts_seal_as_before() -> None:
    long = PUBLIC_START + b"x" * 200
    assert TEACHER.unseal(old_seal(TEACHER.device_id, long)) == long
    epoch_key = hashlib.sha256(b"epoch 2").digest()
    for short in (b"", epoch_key, epoch_key * 2):  # up to 64 bytes: the same bytes as before
        assert seal(TEACHER.device_id, short) == old_seal(TEACHER.device_id, short)
    assert seal(TEACHER.device_id, long) == seal(TEACHER.device_id, long)  # still deterministic
