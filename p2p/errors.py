"""Typed errors of the p2p layer, each worded so a person (or the app) can act on it.

Owns: the exception hierarchy callers of `p2p` catch. Plain values: no task or thread.
"""

from __future__ import annotations


def describe_size(size: int) -> str:
    """Render a byte count the way an error message should show it ("4.0 MiB")."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MiB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f} KiB"
    return f"{size} bytes"


class P2PError(Exception):
    """Base of every error raised by the p2p layer."""


class AddressInvalid(P2PError, ValueError):
    """A peer address could not be understood (it must end with /p2p/<peer id>)."""


class DialFailed(P2PError):
    """No connection to the peer could be made."""


class PeerBanned(DialFailed):
    """The peer is banned for misbehaving; no connection or stream is allowed until it expires."""


class StreamOpenFailed(P2PError):
    """A connection exists but the peer would not open a stream for the protocol."""


class StreamClosed(P2PError):
    """The stream ended: closed or reset by either side, or its connection was lost."""


class PeerTimeout(P2PError, TimeoutError):
    """The peer did not send or accept data before the deadline."""


class FrameTooLarge(P2PError):
    """A frame exceeds the stream's frame size limit.

    Raised locally before sending one, and on receipt of a larger declared length,
    which also counts as misbehaviour of the sending peer.
    """

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class MessageTooLarge(P2PError):
    """A gossip message exceeds the gossip size limit; bulk data belongs on a stream."""


class HostClosed(P2PError):
    """The host was used after it was closed."""
