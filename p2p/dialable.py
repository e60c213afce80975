"""Which peer addresses can be dialed at all. A peer listening on every interface may
report its listen address as `/ip4/0.0.0.0/…` or `/ip6/::/…` (identify, an invite made
before the interfaces were named, an old record): nobody can reach it there, and dialing
it only fails ("Failed to open TCP stream … 0.0.0.0:…"), again at every redial.

Owns `unspecified` and `dialable`. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

UNSPECIFIED = ("/ip4/0.0.0.0/", "/ip6/::/", "/ip6/0:0:0:0:0:0:0:0/")


def unspecified(address: str) -> bool:
    """True for an address on the unspecified host (0.0.0.0 or ::), which cannot be dialed."""
    return address.lower().startswith(UNSPECIFIED)


def dialable(addresses: Iterable[str]) -> list[str]:
    """`addresses` without the unspecified ones, in their order."""
    return [address for address in addresses if not unspecified(address)]
