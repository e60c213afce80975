"""Device identity: one Ed25519 key per device, plus its X25519 twin for sealed boxes.

Key *generation* happens outside `sync/`: callers pass a 32-byte seed they drew from
the operating system. The X25519 key is derived from the Ed25519 key (libsodium's
birational map), so a device has one secret to keep.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from nacl import bindings
from nacl.exceptions import BadSignatureError, CryptoError

from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN, SIG_LEN, DeviceId


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """A device's signing key. `seed` is secret; everything else is derived from it."""

    seed: bytes = field(repr=False)
    device_id: DeviceId = field(init=False)
    _secret: bytes = field(init=False, repr=False)
    box_public: bytes = field(init=False)
    _box_secret: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.seed) != KEY_LEN:
            raise ValueError("a device seed is 32 bytes")
        public, secret = bindings.crypto_sign_seed_keypair(self.seed)
        object.__setattr__(self, "device_id", DeviceId(public))
        object.__setattr__(self, "_secret", secret)
        object.__setattr__(self, "box_public", bindings.crypto_sign_ed25519_pk_to_curve25519(public))
        object.__setattr__(self, "_box_secret", bindings.crypto_sign_ed25519_sk_to_curve25519(secret))

    def sign(self, message: bytes) -> bytes:
        return bindings.crypto_sign(message, self._secret)[:SIG_LEN]

    def unseal(self, sealed: bytes) -> bytes:
        """Open a sealed box addressed to this device; raises Rejected if it is not ours."""
        try:
            return bindings.crypto_box_seal_open(sealed, self.box_public, self._box_secret)
        except CryptoError:
            raise Rejected(Reason.UNDECRYPTABLE, "sealed box is not for this device") from None


def signature_ok(device_id: bytes, message: bytes, signature: bytes) -> bool:
    """True iff `signature` is `device_id`'s Ed25519 signature of `message`.

    Releases the GIL inside libsodium, so callers may run it on worker threads.
    """
    if len(signature) != SIG_LEN or len(device_id) != KEY_LEN:
        return False
    try:
        bindings.crypto_sign_open(signature + message, device_id)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True


def box_public_of(device_id: bytes) -> bytes:
    """The X25519 public key that belongs to an Ed25519 device id."""
    try:
        return bindings.crypto_sign_ed25519_pk_to_curve25519(device_id)
    except (CryptoError, ValueError):
        raise Rejected(Reason.MALFORMED, "not a valid device key") from None


_SEAL_KEY_BYTES = 64


def seal(recipient: bytes, plaintext: bytes) -> bytes:
    """Seal `plaintext` to a device id: a libsodium sealed box, opened by `unseal`.

    libsodium's crypto_box_seal draws its ephemeral key from the OS; here it is derived
    from the whole plaintext and the recipient, so the same inputs give the same bytes
    and `sync` stays a function of its inputs. Whoever can derive the ephemeral key
    already knows the whole plaintext. (It was derived from the first 64 bytes only:
    a plaintext with a guessable start could then be opened by anyone who guessed the
    start, and two sharing it reused a key and nonce. A plaintext of at most 64 bytes,
    such as an epoch key, is sealed to the same bytes as before; longer ones differ, and
    every box, old or new, opens the same way.) Being deterministic, a box still lets
    someone who guesses the *whole* plaintext confirm the guess: a low-entropy message
    (a bare grade) must carry a secret salt, as `sync.pseudonym` and `sync.offers` do.
    """
    recipient_public = box_public_of(recipient)
    whole = plaintext
    if len(plaintext) > _SEAL_KEY_BYTES:  # BLAKE2b takes a key of at most 64 bytes
        whole = hashlib.blake2b(plaintext, digest_size=_SEAL_KEY_BYTES, person=b"sc-seal-whole").digest()
    ephemeral_seed = hashlib.blake2b(
        recipient_public, key=whole, digest_size=32, person=b"sc-seal-eph"
    ).digest()
    ephemeral_public, ephemeral_secret = bindings.crypto_box_seed_keypair(ephemeral_seed)
    nonce = hashlib.blake2b(ephemeral_public + recipient_public, digest_size=24).digest()
    return ephemeral_public + bindings.crypto_box(plaintext, nonce, recipient_public, ephemeral_secret)
