"""The gossip topics a device follows: one per shared space, named after its current key.

Owns: `GossipTopics` — the spaces watched (every shared space this device holds; "My
notes" is nobody else's), each space's current `access.GossipGate` (its topic, sealing
key and members), subscribing and leaving topics as keys rotate (with the rotation
notice left on the old topic), the relay validator of each topic, and publishing a
sealed message on its topic (following a key we have not followed yet first).

Runs on the sync service's trio tasks; replica reads go to the database worker.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

import trio

from app.database import Database
from app.network.gossip_inbox import GossipInbox, device_of
from app.personal import synced_spaces
from p2p.errors import P2PError
from p2p.identity import PeerId
from p2p.interface import GossipVerdict, PeerHost
from sync import access
from sync.ids import SpaceId
from sync.replica import Replica

logger = logging.getLogger(__name__)


class GossipTopics:
    def __init__(self, *, database: Database, host: PeerHost, inbox: GossipInbox, gossip: bool) -> None:
        self.database = database
        self.host = host
        self._inbox = inbox
        self._gossip = gossip  # off only in tests that prove reconciliation alone suffices
        self.watched: set[SpaceId] = set()
        self.gates: dict[SpaceId, access.GossipGate] = {}  # each watched space's current topic
        self._lock = trio.Lock()  # one refresh at a time: a later one reads later state

    @property
    def replica(self) -> Replica:
        return self.database.replica

    async def watch_new_spaces(self, spaces: list[SpaceId] | None = None) -> None:
        """Follow `spaces` (every shared space if None) that are not followed yet."""
        if spaces is None:
            spaces = await self.database.run(synced_spaces, self.replica)  # My notes once linked
        for space in spaces:
            if space in self.watched:
                continue
            self.watched.add(space)
            await self.refresh([space])

    async def refresh(self, spaces: list[SpaceId] | None = None) -> None:
        """Read each space's current gossip key and members (all watched spaces if None)
        and follow them: a new key means a new topic (subscribe it, leave the old one),
        no key means no topic (we were removed). Before leaving a topic for a rotation we
        publish the rotation on it (`access.rotation_notice`); a member that still misses
        it hears nothing more from us, and the silence makes us reconcile with it
        (the sync service's `gossip_silence`), which brings it the rotation."""
        if not self._gossip:
            return
        async with self._lock:
            wanted = [space for space in (spaces or list(self.watched)) if space in self.watched]
            gates = await self.database.run(_gates_of, self.replica, wanted)
            for space, gate in gates.items():
                old = self.gates.pop(space, None)
                if gate is not None:
                    self.gates[space] = gate
                if old is not None and (gate is None or gate.gossip.topic != old.gossip.topic):
                    if gate is not None:  # a rotation: tell whoever is still on the old topic
                        notice = await self.database.run(
                            access.rotation_notice, self.replica, space, old.gossip
                        )
                        if notice is not None:
                            await self.publish_on(notice)
                    with contextlib.suppress(P2PError):
                        await self.host.unsubscribe(old.gossip.topic)
                if gate is not None and (old is None or gate.gossip.topic != old.gossip.topic):
                    topic = gate.gossip.topic
                    handler = self._inbox.handler(space)
                    try:
                        await self.host.subscribe(topic, handler, validator=self._validator(space, topic))
                    except P2PError as error:  # the host is closing; the next refresh tries again
                        logger.info("Could not follow a circle's gossip topic: %s", error)
                        self.gates.pop(space, None)

    def _validator(self, space: SpaceId, topic: str) -> Callable[[PeerId, bytes], GossipVerdict]:
        """The relay gate of `space`'s topic `topic`, judged against its current gate."""

        def validate(publisher: PeerId, data: bytes) -> GossipVerdict:
            if publisher == self.host.peer_id:
                return GossipVerdict.ACCEPT  # our own, sealed with the key its topic names
            gate = self.gates.get(space)
            if gate is None or gate.gossip.topic != topic:
                return GossipVerdict.IGNORE  # a straggler on a topic we are leaving
            return GossipVerdict(gate.judge(device_of(publisher), data).value)

        return validate

    async def publish(self, space: SpaceId, message: access.Sealed) -> None:
        """Publish `message` on its topic, following the key it was sealed under first."""
        gate = self.gates.get(space)
        if gate is None or gate.gossip.topic != message.topic:
            await self.refresh([space])  # sealed under a key we have not followed yet
        await self.publish_on(message)

    async def publish_on(self, message: access.Sealed) -> None:
        try:
            await self.host.publish(message.topic, message.data)
        except P2PError as error:
            logger.info("Gossip publish for a circle failed (sync will repair it): %s", error)


def _gates_of(replica: Replica, spaces: list[SpaceId]) -> dict[SpaceId, access.GossipGate | None]:
    return {space: access.gossip_gate(replica, space) for space in spaces}
