"""The device's identity files: its secret seed (mode 0600) and its display name.

The seed is drawn here, from the operating system, because `sync/` never draws
randomness itself.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.paths import key_path, profile_path
from sync.identity import DeviceKey


class IdentityError(Exception):
    """The identity is missing or damaged; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Identity:
    key: DeviceKey
    name: str


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)


def create(home: Path, name: str) -> Identity:
    if not name.strip():
        raise IdentityError("A display name cannot be empty.")
    if key_path(home).exists():
        raise IdentityError(f"{home} already holds an identity; use another --home to make a new one.")
    seed = secrets.token_bytes(32)
    _write_private(key_path(home), seed)
    _write_private(profile_path(home), json.dumps({"name": name.strip()}).encode())
    return Identity(DeviceKey(seed), name.strip())


def load(home: Path) -> Identity:
    try:
        seed = key_path(home).read_bytes()
        name = json.loads(profile_path(home).read_text(encoding="utf-8"))["name"]
    except FileNotFoundError:
        raise IdentityError(
            f"No identity in {home}: run `studycircle --home {home} init --name NAME` first."
        ) from None
    except (ValueError, KeyError, TypeError):
        raise IdentityError(f"The identity files in {home} are damaged.") from None
    if len(seed) != 32:
        raise IdentityError(f"{key_path(home)} is damaged (it must hold 32 bytes).")
    return Identity(DeviceKey(seed), str(name))
