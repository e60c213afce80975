"""Peer events (connected, disconnected, discovered, misbehaved, banned) and their fan-out.

Owns: the `PeerEvent` value and `PeerEventFanout`, which hands every event to each open
receive channel. Runs on the host's trio task (emit is synchronous and never blocks).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

import trio

from p2p.identity import PeerId

logger = logging.getLogger(__name__)


class PeerEventKind(enum.Enum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    DISCOVERED = "discovered"
    MISBEHAVED = "misbehaved"
    BANNED = "banned"


@dataclass(frozen=True, slots=True)
class PeerEvent:
    kind: PeerEventKind
    peer_id: PeerId
    # Addresses learned with the event (discovery), each ending /p2p/<peer id>; empty otherwise.
    addrs: tuple[str, ...] = ()
    # What the peer did, for MISBEHAVED and BANNED.
    reason: str = ""


class PeerEventFanout:
    """Delivers each event to every subscriber channel, dropping for a full one.

    A consumer that stops reading loses events rather than stalling the network;
    `connected_peers()` on the host is always the authoritative state.
    """

    def __init__(self, buffer_size: int = 1024) -> None:
        self._buffer_size = buffer_size
        self._channels: list[trio.MemorySendChannel[PeerEvent]] = []
        self._closed = False
        self.dropped = 0

    def open_channel(self) -> trio.MemoryReceiveChannel[PeerEvent]:
        send, receive = trio.open_memory_channel[PeerEvent](self._buffer_size)
        if self._closed:
            send.close()
        else:
            self._channels.append(send)
        return receive

    def emit(self, event: PeerEvent) -> None:
        for channel in list(self._channels):
            try:
                channel.send_nowait(event)
            except trio.WouldBlock:
                self.dropped += 1
                logger.warning("Peer event %s dropped: a consumer is not reading", event.kind)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                self._channels.remove(channel)

    def close(self) -> None:
        """End every subscriber's stream of events (the host is closing)."""
        self._closed = True
        for channel in self._channels:
            channel.close()
        self._channels.clear()
