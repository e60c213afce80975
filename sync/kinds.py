"""Op kinds and their body schemas: each kind's body parsed into a typed value.

The membership and settings kinds are here; the content kinds are in `sync.content`.

A body that does not fit its kind's schema makes the op invalid (BAD_CONTENT); it is
kept for causality and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import assessment, coaching, content
from sync import fields as f
from sync.errors import Reason, Rejected
from sync.ids import KEY_LEN, DeviceId
from sync.policy import DEFAULT_POLICY, GRANTABLE, Level
from sync.wire.body import decode_body


@dataclass(frozen=True, slots=True)
class Genesis:
    name: str
    policy: dict[str, int]
    member_name: str


@dataclass(frozen=True, slots=True)
class Join:
    token: bytes
    token_signature: bytes
    member_name: str


@dataclass(frozen=True, slots=True)
class RoleChange:
    member: DeviceId
    level: Level


@dataclass(frozen=True, slots=True)
class Removal:
    member: DeviceId
    epoch: int
    sealed_keys: tuple[tuple[DeviceId, bytes], ...]


@dataclass(frozen=True, slots=True)
class Leave:
    pass


@dataclass(frozen=True, slots=True)
class Link:
    """A member device admits `device` as another device of its own person
    (`device_sig`: the new device's consent, `sync.link`)."""

    device: DeviceId
    device_sig: bytes


@dataclass(frozen=True, slots=True)
class Unlink:
    """One device of a person is removed (by a sibling device, or by a teacher); the key
    rotates as for a removal."""

    member: DeviceId
    epoch: int
    sealed_keys: tuple[tuple[DeviceId, bytes], ...]


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    value: str | int | bool | None


AUTH_KINDS = frozenset(
    {"member.join", "member.role", "member.remove", "member.leave", "member.link", "member.unlink"}
)


def _genesis(fields: dict[str, Any]) -> Genesis:
    policy = fields.get("policy")
    if not isinstance(policy, dict) or not all(
        key in DEFAULT_POLICY and type(value) is int and Level.MEMBER <= value <= Level.OWNER
        for key, value in policy.items()
    ):
        raise Rejected(Reason.BAD_CONTENT, "policy table")
    return Genesis(
        name=f.text(fields, "name", f.MAX_NAME, empty_ok=False),
        policy={**DEFAULT_POLICY, **policy},
        member_name=f.text(fields, "member_name", f.MAX_NAME),
    )


def _join(fields: dict[str, Any]) -> Join:
    return Join(
        token=f.raw(fields, "token"),
        token_signature=f.raw(fields, "token_sig", 64),
        member_name=f.text(fields, "member_name", f.MAX_NAME),
    )


def _role(fields: dict[str, Any]) -> RoleChange:
    level = fields.get("level")
    if type(level) is not int or level not in GRANTABLE:
        raise Rejected(Reason.BAD_CONTENT, "role level")
    return RoleChange(DeviceId(f.raw(fields, "member", KEY_LEN)), Level(level))


def _removal(fields: dict[str, Any]) -> Removal:
    epoch = fields.get("epoch")
    pairs = fields.get("keys")
    if type(epoch) is not int or epoch < 1 or not isinstance(pairs, list):
        raise Rejected(Reason.BAD_CONTENT, "rotation")
    sealed: list[tuple[DeviceId, bytes]] = []
    for pair in pairs:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not isinstance(pair[0], bytes)
            or len(pair[0]) != KEY_LEN
            or not isinstance(pair[1], bytes)
        ):
            raise Rejected(Reason.BAD_CONTENT, "sealed key entry")
        sealed.append((DeviceId(pair[0]), pair[1]))
    return Removal(DeviceId(f.raw(fields, "member", KEY_LEN)), epoch, tuple(sealed))


def _link(fields: dict[str, Any]) -> Link:
    return Link(DeviceId(f.raw(fields, "device", KEY_LEN)), f.raw(fields, "device_sig", 64))


def _unlink(fields: dict[str, Any]) -> Unlink:
    removal = _removal(fields)
    return Unlink(removal.member, removal.epoch, removal.sealed_keys)


def _setting(fields: dict[str, Any]) -> Setting:
    value = fields.get("value")
    if value is not None and not isinstance(value, str | int | bool):
        raise Rejected(Reason.BAD_CONTENT, "setting value")
    if isinstance(value, str) and len(value) > f.MAX_TEXT:
        raise Rejected(Reason.BAD_CONTENT, "setting value too long")
    return Setting(f.text(fields, "key", f.MAX_NAME, empty_ok=False), value)


PARSERS = {
    "space.genesis": _genesis,
    "member.join": _join,
    "member.role": _role,
    "member.remove": _removal,
    "member.leave": lambda fields: Leave(),
    "member.link": _link,
    "member.unlink": _unlink,
    "space.settings": _setting,
    **content.PARSERS,
    **assessment.PARSERS,
    **coaching.PARSERS,  # peer coaching and surveys (issue 18)
}


def parse_body(kind: str, plaintext: bytes) -> Any:
    return parse_fields(kind, decode_body(plaintext))


def parse_fields(kind: str, fields: dict[str, Any]) -> Any:
    """A decoded body map into its kind's typed value (BAD_CONTENT if it does not fit)."""
    parser = PARSERS.get(kind)
    if parser is None:
        raise Rejected(Reason.BAD_CONTENT, f"unknown kind {kind!r}")
    return parser(fields)
