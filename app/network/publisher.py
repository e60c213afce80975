"""Publishing this device's own ops on gossip.

Owns: `Publisher` — the outbox of what to publish, in the order written: this device's
own ops a command handed over (`hand_off`: sealed in memory and gossiped without reading
them back; never an op signed by a pseudonym, which reconciliation carries), or a look in
the database (`nudge`: a write that returned no ops, such as a new circle's
genesis); the last own seq published in each space, so nothing is sent twice and a gap
(own ops another process wrote, or that came back from a peer) is looked up rather than
skipped; and noticing another process's writes (`app.wake_up`, with a slow `stat` of
the database files for a lost wake-up).

Runs as two trio tasks in the sync service's nursery (`run`); database looks go to the
database worker.
"""

from __future__ import annotations

from collections.abc import Sequence

import trio

from app import wake_up
from app.database import Database, files_stamp
from app.network.gossip_topics import GossipTopics
from app.network.own_ops import own_seq, seal_ops, unpublished
from sync import access
from sync.ids import SpaceId
from sync.op import VerifiedOp

_Handed = tuple[tuple[VerifiedOp, ...], access.GossipKey | None]


class Publisher:
    def __init__(
        self, *, database: Database, topics: GossipTopics, gossip: bool, poll_interval: float
    ) -> None:
        self.database = database
        self._topics = topics
        self._gossip = gossip
        self._poll_interval = poll_interval
        self._published: dict[SpaceId, int] = {}
        self._lock = trio.Lock()  # one look or hand-over at a time: two would both send what is new
        # When the outbox is full, `_look_needed` stands in for whatever did not fit.
        self._outbox_send, self._outbox_receive = trio.open_memory_channel[_Handed | None](64)
        self._look_needed = False

    async def mark_published(self) -> None:
        """Own ops already in the database when the service starts count as published
        (reconciliation carries them): read each watched space's last own seq."""
        for space in self._topics.watched:
            self._published[space] = await self.database.run(own_seq, self.database.replica, space)

    async def run(self) -> None:
        """Publish until cancelled (after `mark_published`)."""
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._drain_outbox)
            nursery.start_soon(self._other_processes)

    def nudge(self) -> None:
        """Local writes happened that were not handed over: look for them in the database
        now rather than at the next poll."""
        self._to_outbox(None)

    def hand_off(self, ops: Sequence[VerifiedOp], gossip: access.GossipKey | None) -> None:
        """A command wrote `ops` (all in one space; `gossip`: its key as the write left it):
        publish them as they are. With no ops (a new circle's genesis, which the command
        does not return), look in the database."""
        self._to_outbox((tuple(ops), gossip) if ops else None)

    def _to_outbox(self, item: _Handed | None) -> None:
        try:
            self._outbox_send.send_nowait(item)
        except trio.WouldBlock:  # a look in the database covers whatever did not fit
            self._look_needed = True

    async def _drain_outbox(self) -> None:
        """Publish what the outbox holds, in order: a look in the database, or ops a
        command handed over (looked up instead if they do not follow what was published
        last: another process wrote in between)."""
        async for item in self._outbox_receive:
            look = item is None or self._look_needed
            self._look_needed = False
            if look:
                await self.publish_new()
            if item is not None and not await self._publish_handed(*item):
                await self.publish_new()

    async def _publish_handed(self, ops: tuple[VerifiedOp, ...], gossip: access.GossipKey | None) -> bool:
        """Seal and gossip ops a command handed over; False if the database must be
        looked in instead (a space not yet watched, or own ops before these that were
        not published: written by another process, or come back from a peer)."""
        space = ops[0].space_id()
        # Only this device's own ops: an op signed by a pseudonym (an anonymous survey
        # answer, a review) is left to reconciliation, since gossipsub signs each message
        # with its publisher's peer id, which every subscriber sees (docs/security.md).
        me = self.database.replica.key.device_id
        ops = tuple(op for op in ops if op.header.author == me)
        if not ops:
            return True
        async with self._lock:
            after = self._published.get(space)
            if after is None:
                return False
            fresh = sorted((op for op in ops if op.header.seq > after), key=lambda op: op.header.seq)
            if not fresh:
                return True  # a look already published them
            if fresh[0].header.seq != after + 1:
                return False
            self._published[space] = fresh[-1].header.seq
            if not self._gossip or gossip is None:
                return True
            for message in seal_ops(gossip, [op.to_wire() for op in fresh]):
                await self._topics.publish(space, message)  # follows a key our own write rotated
            return True

    async def publish_new(self) -> None:
        """Gossip own ops not yet published, in every shared space (new ones: all of
        their own ops). One database trip: on a busy peer each trip waits for the worker."""
        async with self._lock:
            published = dict(self._published)
            spaces, new_ops = await self.database.run(
                unpublished, self.database.replica, published, self._gossip
            )
            await self._topics.watch_new_spaces(spaces)
            for space, (last, sealed) in new_ops.items():
                self._published[space] = last
                for message in sealed:  # sealed under a new key after our own removal of someone:
                    await self._topics.publish(space, message)  # followed to its topic

    async def _other_processes(self) -> None:
        """Look in the database for ops another process wrote (a command run beside us):
        when it wakes us, and every `poll_interval` if the database files changed since
        the last look (a lost wake-up; our own commits count too, which only costs a look)."""
        async with wake_up.listening(wake_up.directory_of(self.database.files[0])) as wakeups:
            seen = files_stamp(self.database.files)
            while True:
                woken = False
                with trio.move_on_after(self._poll_interval):
                    await wakeups.wait()
                    woken = True
                stamp = files_stamp(self.database.files)  # before the look: a write in it is seen next time
                if woken or stamp != seen:
                    seen = stamp
                    self.nudge()
