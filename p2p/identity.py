"""Peer identities: a device's Ed25519 key is its libp2p peer id.

Owns: the `PeerId` type the rest of the app sees (the base58 text of a libp2p peer id)
and the conversions between it, a 32-byte device key seed and a 32-byte public key.
Pure functions; any thread.
"""

from __future__ import annotations

from typing import NewType

from libp2p.crypto.ed25519 import Ed25519PublicKey, create_new_key_pair
from libp2p.crypto.keys import KeyPair
from libp2p.peer.id import ID

from p2p.errors import AddressInvalid

PeerId = NewType("PeerId", str)
"""The text form of a libp2p peer id, e.g. ``12D3KooW…``; identifies one device."""

SEED_SIZE = 32


def key_pair_from_seed(seed: bytes) -> KeyPair:
    """The libp2p key pair of a device, from its 32-byte Ed25519 seed."""
    if len(seed) != SEED_SIZE:
        raise ValueError(f"A device key seed is {SEED_SIZE} bytes, not {len(seed)}.")
    return create_new_key_pair(seed)


def peer_id_from_seed(seed: bytes) -> PeerId:
    """The peer id of the device whose Ed25519 seed this is."""
    return PeerId(ID.from_pubkey(key_pair_from_seed(seed).public_key).to_base58())


def peer_id_from_public_key(public_key: bytes) -> PeerId:
    """The peer id of the device with this raw 32-byte Ed25519 public key."""
    return PeerId(ID.from_pubkey(Ed25519PublicKey.from_bytes(public_key)).to_base58())


def public_key_of(peer_id: PeerId) -> bytes:
    """The raw Ed25519 public key embedded in an Ed25519 peer id.

    Lets the app check that a transport peer is a member's device key without
    any extra round trip.
    """
    return _ed25519_key_of(peer_id).to_bytes()


def parse_peer_id(text: str) -> PeerId:
    """Check that `text` is a well-formed peer id and return it as a `PeerId`."""
    _ed25519_key_of(text)
    return PeerId(text)


def to_libp2p_id(peer_id: PeerId) -> ID:
    """The libp2p `ID` object for a `PeerId` (used only inside `p2p`)."""
    return ID.from_base58(peer_id)


def _ed25519_key_of(text: str) -> Ed25519PublicKey:
    # StudyCircle devices only use Ed25519 keys, whose peer ids embed the key itself.
    try:
        key = ID.from_base58(text).extract_public_key()
    except Exception:
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise AddressInvalid(f"{text!r} is not the peer id of a StudyCircle device (Ed25519).")
    return key


def short(peer_id: PeerId) -> str:
    """A short rendering for messages and logs: the last 8 characters."""
    return f"…{peer_id[-8:]}"
