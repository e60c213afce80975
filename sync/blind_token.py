"""Blind RSA signatures (RSA full-domain hash, as in Chaum's blind signatures and
RFC 9474's RSABSSA idea without its PSS padding): how a survey's owner admits a member's
anonymous key without ever seeing it, so that no device but the member's own can link
an answer to the person who wrote it (docs/protocol.md, 8b, "Anonymous surveys").

- The signer's key is **derived**, never stored: two 1024-bit primes drawn from a
  SHAKE-256 stream of a secret (the owner device's seed, the space and a fresh nonce
  carried in the public op). `derive_signer` is deterministic and cached.
- A member **blinds** the message (its pseudonym's public key, the survey and the key's
  op) with a factor r it re-derives from its own seed: `blinded = H(m) * r^e mod n` is a
  uniformly random number to the signer, whatever m is.
- The signer returns `blinded^d mod n`; anyone can check it against the blinded value
  (`signed_ok`), so a wrong admission is refused by every peer.
- The member divides out r: `token = H(m)^d mod n`, which anyone verifies with the
  public key (`token_ok`) and which the signer cannot match to any blinded value it
  signed (for every pair there is an r that joins them).

A member answers only with a token that verifies, and peers accept only admissions whose
signature checks against the join: if a dishonest owner chose n so that e divides
phi(n), a blinded value has an e-th root with probability 1/e, so such a key admits
almost nobody (and no answer) instead of yielding a link.
Pure integer arithmetic on Python ints; nothing here touches the database.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass

E = 65537
MODULUS_BITS = 2048
MODULUS_LEN = MODULUS_BITS // 8  # bytes of n, of a blinded value, a signature, a token
DOMAIN = b"studycircle/blind-token/v1\x00"
_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % q for q in range(3, int(p**0.5) + 1, 2))]
_SMALL_PRODUCT = math.prod(_SMALL_PRIMES)


class _Stream:
    """A deterministic stream of integers from SHAKE-256 (key derivation, blinding)."""

    def __init__(self, secret: bytes, label: bytes) -> None:
        self._secret, self._label, self._counter = secret, label, 0

    def integer(self, bits: int) -> int:
        self._counter += 1
        chunk = hashlib.shake_256(
            DOMAIN + self._label + self._counter.to_bytes(8, "big") + self._secret
        ).digest((bits + 7) // 8)
        return int.from_bytes(chunk, "big") >> (len(chunk) * 8 - bits)


def _probably_prime(candidate: int, stream: _Stream, rounds: int = 40) -> bool:
    """Miller–Rabin with bases from the stream (after trial division by small primes)."""
    if math.gcd(candidate, _SMALL_PRODUCT) != 1:
        return False
    d, s = candidate - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(2 + stream.integer(candidate.bit_length() - 1) % (candidate - 3), d, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, candidate)
            if x == candidate - 1:
                break
        else:
            return False
    return True


def _prime(stream: _Stream, bits: int) -> int:
    while True:
        # The top two bits set (so p*q has exactly 2*bits bits), odd, and p-1 prime to e.
        candidate = stream.integer(bits) | (3 << (bits - 2)) | 1
        one_round = candidate % E != 1 and _probably_prime(candidate, stream, rounds=1)
        if one_round and _probably_prime(candidate, stream):
            return candidate


@dataclass(frozen=True, slots=True)
class Signer:
    """The survey owner's blind-signing key (derived on demand, never stored)."""

    n: int
    d: int
    p: int
    q: int

    @property
    def public(self) -> bytes:
        return self.n.to_bytes(MODULUS_LEN, "big")

    def sign_blinded(self, blinded: bytes) -> bytes:
        """`blinded^d mod n` (by the Chinese remainder theorem); ValueError on a value
        that is not a number in [2, n)."""
        value = _number(blinded, self.n)
        if value is None:
            raise ValueError("not a blinded value for this key")
        mp = pow(value, self.d % (self.p - 1), self.p)
        mq = pow(value, self.d % (self.q - 1), self.q)
        h = (pow(self.q, -1, self.p) * (mp - mq)) % self.p
        return (mq + h * self.q).to_bytes(MODULUS_LEN, "big")


@functools.lru_cache(maxsize=64)
def derive_signer(secret: bytes) -> Signer:
    """The blind-signing key of `secret` (deterministic: the same secret, the same key)."""
    stream = _Stream(secret, b"key")
    half = MODULUS_BITS // 2
    while True:
        p, q = _prime(stream, half), _prime(stream, half)
        if p != q:
            break
    n = p * q
    d = pow(E, -1, (p - 1) * (q - 1) // math.gcd(p - 1, q - 1))
    return Signer(n, d, p, q)


def public_ok(public: bytes) -> bool:
    """Whether `public` can be a blind-signing key here: 2048 bits exactly, odd, with no
    small factor (a member checks this before blinding; peers check it in the op)."""
    if len(public) != MODULUS_LEN:
        return False
    n = int.from_bytes(public, "big")
    return n.bit_length() == MODULUS_BITS and n % 2 == 1 and math.gcd(n, _SMALL_PRODUCT) == 1


def _number(value: bytes, n: int) -> int | None:
    if len(value) != MODULUS_LEN:
        return None
    number = int.from_bytes(value, "big")
    return number if 1 < number < n else None


def _hashed(n: int, message: bytes) -> int:
    """The full-domain hash of `message` under the key n: 2048 + 128 bits of SHAKE-256,
    reduced mod n (statistically uniform)."""
    wide = hashlib.shake_256(DOMAIN + b"fdh" + n.to_bytes(MODULUS_LEN, "big") + message).digest(
        MODULUS_LEN + 16
    )
    return int.from_bytes(wide, "big") % n


def _factor(n: int, secret: bytes) -> int:
    stream = _Stream(secret, b"blind" + n.to_bytes(MODULUS_LEN, "big"))
    while True:
        r = stream.integer(MODULUS_BITS + 64) % n
        if r > 1 and math.gcd(r, n) == 1:
            return r


def blind(public: bytes, message: bytes, secret: bytes) -> bytes:
    """The blinded value a member sends for signing (`secret` is only the member's: the
    blinding factor is re-derived from it to unblind later)."""
    n = int.from_bytes(public, "big")
    r = _factor(n, secret)
    return (_hashed(n, message) * pow(r, E, n) % n).to_bytes(MODULUS_LEN, "big")


def signed_ok(public: bytes, blinded: bytes, signed: bytes) -> bool:
    """Whether `signed` is the owner's signature of `blinded` (anyone can check)."""
    n = int.from_bytes(public, "big")
    b, s = _number(blinded, n), _number(signed, n)
    return b is not None and s is not None and pow(s, E, n) == b


def unblind(public: bytes, message: bytes, secret: bytes, signed: bytes) -> bytes | None:
    """The token for `message` from the owner's signature of this member's blinded value;
    None unless it verifies (a faulty or dishonest key gives no token to answer with)."""
    n = int.from_bytes(public, "big")
    s = _number(signed, n)
    if s is None:
        return None
    token = (s * pow(_factor(n, secret), -1, n) % n).to_bytes(MODULUS_LEN, "big")
    return token if token_ok(public, message, token) else None


def token_ok(public: bytes, message: bytes, token: bytes) -> bool:
    """Whether `token` is the owner's (unblinded) signature of `message`."""
    n = int.from_bytes(public, "big")
    t = _number(token, n)
    return t is not None and pow(t, E, n) == _hashed(n, message)
