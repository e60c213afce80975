"""Body encryption: ChaCha20-Poly1305 (IETF) under a key derived from a space's epoch key.

Deterministic authenticated encryption in the SIV style: the 96-bit nonce is a PRF
(keyed BLAKE2b) of the associated data and the plaintext (a synthetic IV), so no
randomness is needed — `sync/` has none, and a writer's op (its body hash, hence its
signature and id) is a function of its inputs alone — and a nonce is only ever reused
for an identical message. The associated data is every header field that is known
before the body is encrypted, so a body cannot be moved to another op, author,
position or epoch.

The nonce PRF and the AEAD never share a key: each epoch key is expanded into two
subkeys (keyed BLAKE2b of nothing, one personalisation each), as the SIV composition
assumes independent keys for its two halves. Neither subkey is the epoch key, and
neither can be computed from the other.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN

NONCE_LEN = 12
TAG_LEN = 16


NONCE_KEY_PERSON = b"sc-siv-nonce-key"
AEAD_KEY_PERSON = b"sc-siv-aead-key"


@dataclass(frozen=True, slots=True)
class BodyKeys:
    """The two independent subkeys of one epoch key."""

    nonce_key: bytes  # keys the PRF that makes the synthetic nonce
    aead_key: bytes  # keys ChaCha20-Poly1305


def subkeys(key: bytes) -> BodyKeys:
    return BodyKeys(_derive(key, NONCE_KEY_PERSON), _derive(key, AEAD_KEY_PERSON))


def _derive(key: bytes, person: bytes) -> bytes:
    return hashlib.blake2b(digest_size=KEY_LEN, key=key, person=person).digest()


@functools.lru_cache(maxsize=64)
def _keyed(key: bytes) -> tuple[bytes, ChaCha20Poly1305]:
    keys = subkeys(key)
    return keys.nonce_key, ChaCha20Poly1305(keys.aead_key)


def _nonce(nonce_key: bytes, associated: bytes, plaintext: bytes) -> bytes:
    mac = hashlib.blake2b(digest_size=NONCE_LEN, key=nonce_key, person=b"sc-body-nonce")
    mac.update(len(associated).to_bytes(4, "big"))
    mac.update(associated)
    mac.update(plaintext)
    return mac.digest()


def encrypt_body(key: bytes, associated: bytes, plaintext: bytes) -> bytes:
    nonce_key, cipher = _keyed(key)
    nonce = _nonce(nonce_key, associated, plaintext)
    return nonce + cipher.encrypt(nonce, plaintext, associated)


def decrypt_body(key: bytes, associated: bytes, body: bytes) -> bytes:
    if len(body) < NONCE_LEN + TAG_LEN:
        raise Rejected(Reason.UNDECRYPTABLE, "body too short")
    try:
        return _keyed(key)[1].decrypt(body[:NONCE_LEN], body[NONCE_LEN:], associated)
    except (InvalidTag, ValueError):
        raise Rejected(Reason.UNDECRYPTABLE, "authentication failed") from None


def merge_epoch_keys(keys: Sequence[bytes]) -> bytes:
    """One key from concurrent rotations (the latest ones in an op's past; keys in op-id order).

    A member removed by any one of the rotations lacks that rotation's key and so
    cannot derive the merged key.
    """
    if len(keys) == 1:
        return keys[0]
    mac = hashlib.blake2b(digest_size=KEY_LEN, person=b"sc-epoch-merge")
    for key in keys:
        mac.update(key)
    return mac.digest()
