"""Blind RSA tokens (`sync.blind_token`): a member's token verifies, and nothing else does
— not a tampered token, not one for another message or under another key, not a
signature of a value the key cannot sign; a key of the wrong shape is refused before
anyone blinds under it; the signer's key is derived, the same from the same secret."""

from __future__ import annotations

import math

import pytest

from sync import blind_token as bt

SIGNER = bt.derive_signer(b"owner secret")
OTHER = bt.derive_signer(b"another owner")
MESSAGE = b"survey-answer\x00" + bytes(32) + bytes(32) + b"p" * 32


def test_a_blinded_signature_unblinds_into_a_token_that_verifies() -> None:
    blinded = bt.blind(SIGNER.public, MESSAGE, b"member secret")
    signed = SIGNER.sign_blinded(blinded)
    assert bt.signed_ok(SIGNER.public, blinded, signed)
    token = bt.unblind(SIGNER.public, MESSAGE, b"member secret", signed)
    assert token is not None and bt.token_ok(SIGNER.public, MESSAGE, token)
    # The signer saw neither the token nor the hashed message.
    assert token != signed and blinded != bt._hashed(SIGNER.n, MESSAGE).to_bytes(bt.MODULUS_LEN, "big")


def test_blinding_hides_the_message() -> None:
    """The same message blinded with two secrets gives unrelated numbers; two messages
    blinded with the same secret too (r^e is a fresh random factor each time)."""
    first = bt.blind(SIGNER.public, MESSAGE, b"one")
    assert first != bt.blind(SIGNER.public, MESSAGE, b"two")
    assert first != bt.blind(SIGNER.public, MESSAGE + b"!", b"one")
    assert first == bt.blind(SIGNER.public, MESSAGE, b"one")  # re-derivable by its member


def test_forgeries_do_not_verify() -> None:
    token = bt.unblind(
        SIGNER.public, MESSAGE, b"s", SIGNER.sign_blinded(bt.blind(SIGNER.public, MESSAGE, b"s"))
    )
    assert token is not None
    flipped = bytes([token[0] ^ 1]) + token[1:]
    assert not bt.token_ok(SIGNER.public, MESSAGE, flipped)
    assert not bt.token_ok(SIGNER.public, MESSAGE + b"x", token)  # another pseudonym's message
    assert not bt.token_ok(OTHER.public, MESSAGE, token)  # another key
    assert not bt.token_ok(SIGNER.public, MESSAGE, token[:-1])  # one byte short
    assert not bt.token_ok(SIGNER.public, MESSAGE, b"\x00" + token)  # one byte long
    assert not bt.token_ok(SIGNER.public, MESSAGE, SIGNER.public)  # n itself: out of range
    assert not bt.token_ok(SIGNER.public, MESSAGE, (1).to_bytes(bt.MODULUS_LEN, "big"))


def test_a_wrong_signature_gives_no_token() -> None:
    blinded = bt.blind(SIGNER.public, MESSAGE, b"s")
    wrong = OTHER.sign_blinded(bt.blind(OTHER.public, MESSAGE, b"s"))
    assert not bt.signed_ok(SIGNER.public, blinded, wrong)
    assert bt.unblind(SIGNER.public, MESSAGE, b"s", wrong) is None
    assert bt.unblind(SIGNER.public, MESSAGE, b"another member", SIGNER.sign_blinded(blinded)) is None


def test_the_signer_signs_only_numbers_below_its_modulus() -> None:
    for value in (SIGNER.public, (SIGNER.n + 1).to_bytes(bt.MODULUS_LEN, "big"), bytes(bt.MODULUS_LEN)):
        with pytest.raises(ValueError):
            SIGNER.sign_blinded(value)
    with pytest.raises(ValueError):
        SIGNER.sign_blinded(b"\x02" * (bt.MODULUS_LEN - 1))


def test_keys_of_the_wrong_shape_are_refused() -> None:
    n = SIGNER.n
    assert bt.public_ok(SIGNER.public)
    assert not bt.public_ok((n + 1).to_bytes(bt.MODULUS_LEN, "big"))  # even
    assert not bt.public_ok((n >> 1).to_bytes(bt.MODULUS_LEN, "big"))  # 2047 bits
    assert not bt.public_ok(SIGNER.public[1:])  # 255 bytes
    small = 3 * 5 * 7 * (n // 105 | 1)
    small = small if small.bit_length() == bt.MODULUS_BITS else small + 210
    assert small.bit_length() == bt.MODULUS_BITS and not bt.public_ok(small.to_bytes(bt.MODULUS_LEN, "big"))


def test_the_key_is_derived_and_sound() -> None:
    bt.derive_signer.cache_clear()
    again = bt.derive_signer(b"owner secret")
    assert again == SIGNER and again.n.bit_length() == bt.MODULUS_BITS
    assert SIGNER.p * SIGNER.q == SIGNER.n and SIGNER.p != SIGNER.q
    assert math.gcd(bt.E, (SIGNER.p - 1) * (SIGNER.q - 1)) == 1
    assert OTHER.n != SIGNER.n
