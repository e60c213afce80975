"""Linking a person's new device: the statement the new device signs.

A device N that is to become another device of a person present in a space signs
`"studycircle/link/v1\\0" ‖ space ‖ linker ‖ N`: "I am a device of the person whose
device `linker` is, in space `space`". The linker's `member.link` op carries that
signature, so a device can only link a key whose holder agreed, for that space and
through that linker: a statement is useless in another space (the space id is bound)
and to anyone else's device (the linker is bound). Nothing here is secret.

Pure functions; any thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Reason, Rejected
from sync.identity import DeviceKey, signature_ok
from sync.ids import KEY_LEN, SIG_LEN, DeviceId, SpaceId

LINK_DOMAIN = b"studycircle/link/v1\x00"


@dataclass(frozen=True, slots=True)
class DeviceStatement:
    """A new device's consent to be linked by `linker` in `space`."""

    space: SpaceId
    linker: DeviceId
    device: DeviceId
    signature: bytes


def statement_bytes(space: bytes, linker: bytes, device: bytes) -> bytes:
    return LINK_DOMAIN + space + linker + device


def sign_statement(new_device: DeviceKey, *, space: SpaceId, linker: DeviceId) -> DeviceStatement:
    """What the new device hands its person's existing device (by short code, QR, …)."""
    if len(space) != KEY_LEN or len(linker) != KEY_LEN:
        raise Rejected(Reason.BAD_CONTENT, "a link names a space and a device")
    signature = new_device.sign(statement_bytes(space, linker, new_device.device_id))
    return DeviceStatement(space, linker, new_device.device_id, signature)


def statement_ok(*, space: bytes, linker: bytes, device: bytes, signature: bytes) -> bool:
    """Whether `device` signed its consent to be linked by `linker` in `space`."""
    if len(signature) != SIG_LEN or len(device) != KEY_LEN or device == linker:
        return False
    return signature_ok(device, statement_bytes(space, linker, device), signature)
