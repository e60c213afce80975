"""Who a peer is, for people: the name its device has in my circles ("Mia"), found from
the peer id (a peer id is the device's Ed25519 key, `p2p.identity.public_key_of`). What
the desktop's Peers panel shows instead of "12D3Ko…eF3L".

Owns `peer_names`. Runs on the core thread, once the network (and p2p) is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.services.commands import Commands


async def peer_names(commands: Commands, peers: Iterable[str]) -> dict[str, str]:
    """{peer id: the name my circles give its device}, for the peers some circle names."""
    from p2p.errors import P2PError
    from p2p.identity import PeerId, public_key_of  # the network is up: already loaded

    by_device: dict[bytes, str] = {}
    for space, _ in await commands.circles():
        for member in await commands.members(space):
            if member.name:
                by_device.setdefault(bytes(member.device), member.name)
    names: dict[str, str] = {}
    for peer in peers:
        try:
            device = public_key_of(PeerId(peer))
        except P2PError:
            continue  # not an Ed25519 peer id: no device of ours
        if device in by_device:
            names[peer] = by_device[device]
    return names
