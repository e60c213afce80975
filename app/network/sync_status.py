"""What the status bar shows about sync: the truth, kept by the sync service.

Owns: `SyncStatus` — peers connected, sessions running and done, the last sync time,
ops being received, and which connected peers are behind (their last digest held
fewer ops than we did). Plain data, updated on the sync service's trio thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.network.gossip_inbox import HeardDigest
from p2p.identity import PeerId
from sync.ids import SpaceId


@dataclass(slots=True)
class SyncStatus:
    """What the status bar shows: the truth about sync."""

    connected: set[PeerId] = field(default_factory=set)
    sessions_running: int = 0
    sessions_done: int = 0
    last_sync_ms: int | None = None
    receiving: int = 0
    # (peer, space) -> how many fewer ops the peer's last digest held than we did then;
    # until a session with it for that space ends, a digest level with ours, or it leaves.
    behind: dict[tuple[PeerId, SpaceId], int] = field(default_factory=dict)

    @property
    def peers_behind(self) -> int:
        """Connected peers known to lack ops we hold (in any space)."""
        return len({peer for peer, _ in self.behind if peer in self.connected})

    def heard(self, peer: PeerId, space: SpaceId, digest: HeardDigest) -> None:
        lacking = 0 if digest.same else digest.ours.op_count - digest.theirs.op_count
        if lacking > 0:
            self.behind[(peer, space)] = lacking
        else:
            self.behind.pop((peer, space), None)

    def forget(self, peer: PeerId) -> None:
        for key in [key for key in self.behind if key[0] == peer]:
            del self.behind[key]
