"""Invite wire formats: the signed token, and the copy-pasteable invite code around it.

code  = "sc2." + base64url(payload + check)
payload = [token_bytes, token_signature, [[key_ref, key], ...]]            (no name)
        | [token_bytes, token_signature, [[key_ref, key], ...], circle_name]
check = BLAKE2b-32 of payload (personalised "sc-invite-code")
token = canonical map {addrs, at, at_hlc, at_seq, expires_ms, inviter, nonce, role, space, uses}

The token is what a joiner's `member.join` op carries; the key ring travels only in
the code, which is therefore a secret to hand to the invitee alone. The signature
covers the token but not the key ring, so the check is what tells a mistyped key from
a real one: without it a code damaged in its last characters decoded into wrong keys
and the joiner waited for a circle it could never read. Codes of the first format
("sc1.", no check) are still read.

`circle_name` is the name the circle had when the code was made, so that a joiner who
cannot reach a member yet can say which circle it is waiting for. Like the key ring it
is outside the signature (the check still covers it): it is a label chosen by whoever
made the code, shown only until the circle's own history arrives.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from sync.errors import Reason, Rejected
from sync.wire.canonical import pack, unpack_canonical

CODE_PREFIX = "sc2."
LEGACY_PREFIX = "sc1."  # no check bytes
CHECK_LEN = 4
MAX_CODE_CHARS = 16_000
MAX_NAME_CHARS = 200


def code_check(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=CHECK_LEN, person=b"sc-invite-code").digest()


def encode_token(fields: dict[str, Any]) -> bytes:
    return pack(fields)


def decode_token(data: bytes) -> dict[str, Any]:
    try:
        value = unpack_canonical(data, max_bytes=4096, max_items=64)
    except Rejected as error:
        raise Rejected(Reason.BAD_INVITE, f"token: {error.detail}") from None
    if not isinstance(value, dict):
        raise Rejected(Reason.BAD_INVITE, "token is not a map")
    return value


def encode_code(
    token: bytes, signature: bytes, keyring: list[tuple[bytes, bytes]], circle_name: str = ""
) -> str:
    fields: list[Any] = [token, signature, [[ref, key] for ref, key in keyring]]
    if circle_name:
        fields.append(circle_name[:MAX_NAME_CHARS])
    payload = pack(fields)
    framed = payload + code_check(payload)
    return CODE_PREFIX + base64.urlsafe_b64encode(framed).rstrip(b"=").decode("ascii")


def decode_code(code: str) -> tuple[bytes, bytes, list[tuple[bytes, bytes]], str]:
    """(token, signature, key ring, circle name or "") from a code a person pasted."""
    text = "".join(code.split())
    checked = text.startswith(CODE_PREFIX)
    if len(text) > MAX_CODE_CHARS or not (checked or text.startswith(LEGACY_PREFIX)):
        raise Rejected(Reason.BAD_INVITE, "this is not a StudyCircle invite code")
    raw = text[len(CODE_PREFIX) :]
    try:
        payload = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise Rejected(Reason.BAD_INVITE, "the invite code is damaged (bad characters)") from None
    if checked:
        payload, check = payload[:-CHECK_LEN], payload[-CHECK_LEN:]
        if len(check) < CHECK_LEN or code_check(payload) != check:
            raise Rejected(
                Reason.BAD_INVITE,
                "the invite code is damaged or incomplete (its check characters do not match:"
                " copy it again, whole)",
            )
    try:
        value = unpack_canonical(payload, max_bytes=12_000, max_items=256)
    except Rejected:
        raise Rejected(Reason.BAD_INVITE, "the invite code is damaged or incomplete") from None
    if (
        not isinstance(value, list)
        or len(value) not in (3, 4)
        or not isinstance(value[0], bytes)
        or not isinstance(value[1], bytes)
        or not isinstance(value[2], list)
        or (len(value) == 4 and not (isinstance(value[3], str) and 0 < len(value[3]) <= MAX_NAME_CHARS))
    ):
        raise Rejected(Reason.BAD_INVITE, "the invite code is damaged or incomplete")
    keyring: list[tuple[bytes, bytes]] = []
    for entry in value[2]:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not all(isinstance(part, bytes) and len(part) == 32 for part in entry)
        ):
            raise Rejected(Reason.BAD_INVITE, "the invite code's keys are damaged")
        keyring.append((entry[0], entry[1]))
    return value[0], value[1], keyring, value[3] if len(value) == 4 else ""
