"""Where this device last saw other devices: addresses for invites to carry.

An invite carries the inviter's addresses and, so that a joiner can get in while the
inviter is away, the last-known addresses of other members of the circle. The running
core records the addresses mDNS announces for each peer (`app.network.address_watch`);
`circle invite` (any process) reads them. Local, never replicated: a JSON file in the data
directory, replaced atomically, bounded to `MAX_DEVICES` devices (the most recently
seen) with at most `MAX_ADDRESSES_EACH` addresses each.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

BOOK_FILE = "addresses.json"
MAX_DEVICES = 256
MAX_ADDRESSES_EACH = 4


def known(home: Path) -> dict[str, list[str]]:
    """device id (hex) -> its last-known addresses, the most recently seen device first."""
    try:
        entries = json.loads((home / BOOK_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(entries, list):
        return {}
    book: dict[str, list[str]] = {}
    for entry in entries:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("device"), str)
            and isinstance(entry.get("addresses"), list)
        ):
            book[entry["device"]] = [a for a in entry["addresses"] if isinstance(a, str)][:MAX_ADDRESSES_EACH]
    return book


def record(home: Path, device: str, addresses: list[str]) -> None:
    """Note `addresses` for `device` (hex) as its most recent."""
    if not addresses:
        return
    book = known(home)
    book.pop(device, None)
    entries = [{"device": device, "addresses": addresses[:MAX_ADDRESSES_EACH]}]
    entries += [{"device": d, "addresses": a} for d, a in book.items()][: MAX_DEVICES - 1]
    path = home / BOOK_FILE
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(entries, file)
    os.replace(temporary, path)


def addresses_for(home: Path, devices: list[str], *, own: list[str], limit: int = 8) -> list[str]:
    """The addresses an invite carries: ours first, then members' (most recent first)."""
    chosen = list(dict.fromkeys(own))
    wanted = set(devices)
    for device, addresses in known(home).items():
        if device in wanted:
            chosen += [address for address in addresses if address not in chosen]
    return chosen[:limit]
