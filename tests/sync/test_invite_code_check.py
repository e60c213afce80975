"""Every one-character typo in an invite code is refused by the code itself.

The inviter's signature covers the token, not the circle keys that follow it in the
code; the check bytes cover both. A typo either changes nothing the code means (the
unused low bits of the last base64 character) or is refused.
"""

from __future__ import annotations

import base64
import string

import pytest

from sync.errors import Rejected
from sync.identity import DeviceKey
from sync.ids import OpId, SpaceId
from sync.invite import InviteToken, make_invite, parse_code
from sync.policy import Level
from sync.wire.canonical import pack
from sync.wire.invite import CODE_PREFIX, MAX_NAME_CHARS, code_check, decode_code, encode_code

ALPHABET = string.ascii_letters + string.digits + "-_"


def _invite_code() -> str:
    inviter = DeviceKey(bytes(range(32)))
    token = InviteToken(
        space=SpaceId(bytes(32)),
        inviter=inviter.device_id,
        at=OpId(bytes([1]) * 32),
        at_seq=3,
        at_hlc=1,
        role=Level.MEMBER,
        uses=5,
        expires_ms=2_000_000_000_000,
        nonce=bytes(16),
        addresses=("/ip4/192.0.2.7/tcp/4001",),
    )
    keyring = [(bytes([2]) * 32, bytes([3]) * 32), (bytes([4]) * 32, bytes([5]) * 32)]
    return make_invite(inviter, token, keyring).code()


def test_every_single_character_typo_is_refused_or_means_the_same() -> None:
    code = _invite_code()
    original = parse_code(code)
    refused = same = 0
    for at in range(len("sc2."), len(code)):
        shifted = ALPHABET[(ALPHABET.index(code[at]) + 7) % 64]
        for new in (code[at].swapcase() if code[at].isalpha() else "A", shifted):
            if new == code[at]:
                continue
            typo = code[:at] + new + code[at + 1 :]
            try:
                parsed = parse_code(typo)
            except Rejected:
                refused += 1
                continue
            assert at == len(code) - 1 and parsed == original, f"a typo at {at} was taken as another invite"
            same += 1
    assert refused > 2 * (len(code) - 10)
    assert same <= 2


@pytest.mark.parametrize("cut", [1, 2, 5, 40])
def test_a_code_cut_short_is_refused(cut: int) -> None:
    code = _invite_code()
    with pytest.raises(Rejected, match="damaged or incomplete"):
        parse_code(code[:-cut])


@pytest.mark.parametrize(
    "name", ["x" * 201, "", 7, b"Calculus I"], ids=["one-char-too-long", "empty", "number", "bytes"]
)
def test_a_code_whose_circle_name_is_not_a_short_text_is_refused(name: object) -> None:
    """The name rides outside the signature: a code made by hand with a bad one is refused
    whole, by a one-line reason, rather than shown."""
    token_bytes, signature, keyring, _ = decode_code(_invite_code())
    payload = pack([token_bytes, signature, [[ref, key] for ref, key in keyring], name])
    code = CODE_PREFIX + base64.urlsafe_b64encode(payload + code_check(payload)).rstrip(b"=").decode()
    with pytest.raises(Rejected, match="damaged or incomplete"):
        parse_code(code)


def test_a_name_of_exactly_the_cap_is_read() -> None:
    token_bytes, signature, keyring, _ = decode_code(_invite_code())
    name = "é" * MAX_NAME_CHARS
    assert parse_code(encode_code(token_bytes, signature, keyring, name)).circle_name == name
