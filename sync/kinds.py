"""Op kinds and their body schemas: each kind's body parsed into a typed value.

A body that does not fit its kind's schema makes the op invalid (BAD_CONTENT); it is
kept for causality and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, KEY_LEN, DeviceId, OpId
from sync.policy import DEFAULT_POLICY, GRANTABLE, Level
from sync.wire.body import decode_body

MAX_NAME = 200
MAX_TITLE = 500
MAX_TEXT = 200_000


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
class Setting:
    key: str
    value: str | int | bool | None


@dataclass(frozen=True, slots=True)
class ItemPut:
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemEdit:
    item: OpId
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemRef:
    item: OpId


AUTH_KINDS = frozenset({"member.join", "member.role", "member.remove", "member.leave"})


def _text(fields: dict[str, Any], key: str, limit: int, *, empty_ok: bool = True) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or len(value) > limit or (not empty_ok and not value.strip()):
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be text of at most {limit} characters")
    return value


def _bytes(fields: dict[str, Any], key: str, length: int | None = None) -> bytes:
    value = fields.get(key)
    if not isinstance(value, bytes) or (length is not None and len(value) != length):
        raise Rejected(Reason.BAD_CONTENT, f"{key} must be bytes")
    return value


def _genesis(fields: dict[str, Any]) -> Genesis:
    policy = fields.get("policy")
    if not isinstance(policy, dict) or not all(
        key in DEFAULT_POLICY and type(value) is int and Level.MEMBER <= value <= Level.OWNER
        for key, value in policy.items()
    ):
        raise Rejected(Reason.BAD_CONTENT, "policy table")
    return Genesis(
        name=_text(fields, "name", MAX_NAME, empty_ok=False),
        policy={**DEFAULT_POLICY, **policy},
        member_name=_text(fields, "member_name", MAX_NAME),
    )


def _join(fields: dict[str, Any]) -> Join:
    return Join(
        token=_bytes(fields, "token"),
        token_signature=_bytes(fields, "token_sig", 64),
        member_name=_text(fields, "member_name", MAX_NAME),
    )


def _role(fields: dict[str, Any]) -> RoleChange:
    level = fields.get("level")
    if type(level) is not int or level not in GRANTABLE:
        raise Rejected(Reason.BAD_CONTENT, "role level")
    return RoleChange(DeviceId(_bytes(fields, "member", KEY_LEN)), Level(level))


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
    return Removal(DeviceId(_bytes(fields, "member", KEY_LEN)), epoch, tuple(sealed))


def _setting(fields: dict[str, Any]) -> Setting:
    value = fields.get("value")
    if value is not None and not isinstance(value, str | int | bool):
        raise Rejected(Reason.BAD_CONTENT, "setting value")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise Rejected(Reason.BAD_CONTENT, "setting value too long")
    return Setting(_text(fields, "key", MAX_NAME, empty_ok=False), value)


def _item_put(fields: dict[str, Any]) -> ItemPut:
    return ItemPut(_text(fields, "title", MAX_TITLE, empty_ok=False), _text(fields, "text", MAX_TEXT))


def _item_edit(fields: dict[str, Any]) -> ItemEdit:
    return ItemEdit(
        OpId(_bytes(fields, "item", HASH_LEN)),
        _text(fields, "title", MAX_TITLE, empty_ok=False),
        _text(fields, "text", MAX_TEXT),
    )


def _item_ref(fields: dict[str, Any]) -> ItemRef:
    return ItemRef(OpId(_bytes(fields, "item", HASH_LEN)))


PARSERS = {
    "space.genesis": _genesis,
    "member.join": _join,
    "member.role": _role,
    "member.remove": _removal,
    "member.leave": lambda fields: Leave(),
    "space.settings": _setting,
    "item.put": _item_put,
    "item.edit": _item_edit,
    "item.delete": _item_ref,
    "mod.hide": _item_ref,
    "mod.unhide": _item_ref,
}


def parse_body(kind: str, plaintext: bytes) -> Any:
    return parse_fields(kind, decode_body(plaintext))


def parse_fields(kind: str, fields: dict[str, Any]) -> Any:
    """A decoded body map into its kind's typed value (BAD_CONTENT if it does not fit)."""
    parser = PARSERS.get(kind)
    if parser is None:
        raise Rejected(Reason.BAD_CONTENT, f"unknown kind {kind!r}")
    return parser(fields)
