"""Body encryption: ChaCha20-Poly1305 (IETF) under a space's epoch key.

The 96-bit nonce is derived from the key, the associated data and the plaintext (a
synthetic IV), so no randomness is needed and a nonce is only ever reused for an
identical message. The associated data is every header field that is known before the body is
encrypted, so a body cannot be moved to another op, author, position or epoch.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN

NONCE_LEN = 12
TAG_LEN = 16


@functools.lru_cache(maxsize=64)
def _cipher(key: bytes) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(key)


def _nonce(key: bytes, associated: bytes, plaintext: bytes) -> bytes:
    mac = hashlib.blake2b(digest_size=NONCE_LEN, key=key, person=b"sc-body-nonce")
    mac.update(len(associated).to_bytes(4, "big"))
    mac.update(associated)
    mac.update(plaintext)
    return mac.digest()


def encrypt_body(key: bytes, associated: bytes, plaintext: bytes) -> bytes:
    nonce = _nonce(key, associated, plaintext)
    return nonce + _cipher(key).encrypt(nonce, plaintext, associated)


def decrypt_body(key: bytes, associated: bytes, body: bytes) -> bytes:
    if len(body) < NONCE_LEN + TAG_LEN:
        raise Rejected(Reason.UNDECRYPTABLE, "body too short")
    try:
        return _cipher(key).decrypt(body[:NONCE_LEN], body[NONCE_LEN:], associated)
    except (InvalidTag, ValueError):
        raise Rejected(Reason.UNDECRYPTABLE, "authentication failed") from None


def merge_epoch_keys(keys: Sequence[bytes]) -> bytes:
    """One key from concurrent rotations to the same epoch (keys in op-id order).

    A member removed by any one of the rotations lacks that rotation's key and so
    cannot derive the merged key.
    """
    if len(keys) == 1:
        return keys[0]
    mac = hashlib.blake2b(digest_size=KEY_LEN, person=b"sc-epoch-merge")
    for key in keys:
        mac.update(key)
    return mac.digest()
