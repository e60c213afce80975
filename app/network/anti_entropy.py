"""Anti-entropy: the sync service's timers, which repair whatever gossip missed.

Owns: `AntiEntropy` — every `digest_interval` it follows membership changes again (a
safety net: they are followed sooner), gossips a digest of each space (what we hold, so
a peer that lacks ops pulls them), every `reconcile_interval` reconciles each space with
one connected member chosen at random (a different one each round), and reconciles with
each connected member not heard from in a space for `gossip_silence`.

Runs as one trio task in the sync service's nursery; replica reads go to the database
worker.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import trio

from app.database import Database
from app.network.gossip_topics import GossipTopics
from app.network.peer_spaces import PeerSpaces
from app.network.sync_settings import SyncSettings
from p2p.identity import PeerId
from p2p.interface import PeerHost
from sync import access
from sync.ids import SpaceId
from sync.replica import Replica
from sync.wire.gossip import encode_digest


class AntiEntropy:
    def __init__(
        self,
        *,
        database: Database,
        host: PeerHost,
        settings: SyncSettings,
        topics: GossipTopics,
        pairs: PeerSpaces,
        schedule: Callable[[PeerId, SpaceId], None],
        member_peers: Callable[[SpaceId], Awaitable[list[PeerId]]],
    ) -> None:
        self.database = database
        self.host = host
        self.settings = settings
        self.topics = topics
        self.pairs = pairs
        self.schedule = schedule
        self.member_peers = member_peers
        self._random = random.Random()

    async def run(self) -> None:
        """Until cancelled: each `digest_interval`, follow key changes, gossip a digest of
        each space, reconcile with a random member each `reconcile_interval`, and with
        silent members."""
        ticks = 0
        while True:
            await trio.sleep(self.settings.digest_interval)
            ticks += 1
            await self.topics.refresh()  # a safety net: membership changes are followed sooner
            for space in list(self.topics.watched):
                if self.settings.gossip:
                    sealed = await self.database.run(_sealed_digest, self.database.replica, space)
                    if sealed is not None:
                        await self.topics.publish(space, sealed)
                if ticks * self.settings.digest_interval >= self.settings.reconcile_interval:
                    # One member peer a round, a different one each time (anti-entropy):
                    # every peer a round made 10 busy peers run 90 sessions per interval.
                    peers = await self.member_peers(space)
                    if peers:
                        self.schedule(self._random.choice(peers), space)
            if ticks * self.settings.digest_interval >= self.settings.reconcile_interval:
                ticks = 0
            await self._reconcile_silent_members()

    async def _reconcile_silent_members(self) -> None:
        """Reconcile with each connected member whose gossip in a space we have not heard
        for `gossip_silence`. Its connection works, but gossipsub can leave one peer out
        of every mesh (in py-libp2p, e.g. a device that reconnects moments after one of
        its processes left); the random timer alone took up to 36 s to reach it."""
        if not self.settings.gossip:
            return  # nothing to hear: the timer and the other triggers do it all
        now = trio.current_time()
        connected = self.host.connected_peers()
        for space in list(self.topics.watched):
            silent = [
                peer
                for peer in connected
                if now - self.pairs.silent_since((peer, space), now) >= self.settings.gossip_silence
            ]
            if not silent:
                continue
            for peer in silent:
                self.pairs.heard((peer, space), now)  # once per silence, member or not
            for peer in set(silent) & set(await self.member_peers(space)):
                self.schedule(peer, space)


def _sealed_digest(replica: Replica, space: SpaceId) -> access.Sealed | None:
    return access.seal(replica, space, encode_digest(access.digest_of(replica, space)))
