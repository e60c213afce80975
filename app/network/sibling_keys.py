"""Keys again between one person's devices: a device holding ops it cannot open for want
of an epoch key asks its sibling devices for the space's keys.

A rotation (a removal, an unlink) concurrent with a device's link was sealed to every
member device its writer knew, so not to the new one; the person's other devices,
which hold that key, hand it over again (docs/protocol.md, 4a, "Key hand-over").
Protocol `/studycircle/sibling-keys/1.0.0`, one request per stream
(`sync.wire.device_link`): `wanted` [spaces] -> `keys`. No code is needed: the libp2p
connection authenticates both device keys, and a device answers only for spaces where,
in its own replica, the asker is a current member device of its own person
(`writer.space_keys` decides, and never passes on a key it holds without the rotation op).

Runs on the core's trio run. After anything is admitted (a session, gossip) and when a
peer connects, spaces with locked ops are looked at; each sibling is asked again for a
space only when the number of ops locked there has changed since it was last asked.
"""

from __future__ import annotations

import logging

import trio

from app.database import Database
from app.network.gossip_inbox import device_of
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.interface import PeerHost
from sync import writer
from sync.changes import Changes
from sync.device_link import sibling_devices, spaces_missing_keys
from sync.errors import Reason, Rejected
from sync.ids import DeviceId, SpaceId
from sync.replica import Replica
from sync.wire import device_link as wire

logger = logging.getLogger(__name__)

SIBLING_KEYS_PROTOCOL = "/studycircle/sibling-keys/1.0.0"
STEP_TIMEOUT = 10.0
RECHECK_SECONDS = 5.0  # and at once after anything is admitted
MISBEHAVING_POINTS = 5.0


class SiblingKeys:
    def __init__(self, *, database: Database, host: PeerHost) -> None:
        self.database = database
        self.host = host
        self._asked: dict[tuple[PeerId, SpaceId], int] = {}  # locked count when last asked
        self._wake = trio.Event()
        self.handed_over = 0  # keys rings received (for tests and status)

    @property
    def replica(self) -> Replica:
        return self.database.replica

    def changed(self, changes: Changes) -> None:
        """A sync listener: something was admitted, perhaps ops we cannot open."""
        self._wake.set()

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        self.host.set_stream_handler(SIBLING_KEYS_PROTOCOL, self._serve)
        task_status.started()
        while True:
            with trio.move_on_after(RECHECK_SECONDS):
                await self._wake.wait()
            self._wake = trio.Event()
            try:
                await self.ask_siblings()
            except Exception:  # never let a bug here stop the core
                logger.exception("Asking sibling devices for keys failed unexpectedly")

    async def ask_siblings(self) -> int:
        """Ask connected sibling devices for the keys of spaces with locked ops; how many
        spaces got keys."""
        missing = await self.database.run(spaces_missing_keys, self.replica)
        if not missing:
            return 0
        by_device = {device_of(peer): peer for peer in self.host.connected_peers()}
        taken = 0
        for space, locked in sorted(missing.items()):
            siblings = await self.database.run(sibling_devices, self.replica, space)
            for device in sorted(siblings):
                peer = by_device.get(device)
                if peer is None or self._asked.get((peer, space)) == locked:
                    continue
                self._asked[(peer, space)] = locked
                if await self.ask(peer, space):
                    taken += 1
                    break
        return taken

    async def ask(self, peer: PeerId, space: SpaceId) -> bool:
        """Ask `peer` for `space`'s keys and take what it hands over; whether it did."""
        try:
            with trio.fail_after(STEP_TIMEOUT * 2):
                async with await self.host.open_stream(peer, SIBLING_KEYS_PROTOCOL) as stream:
                    await stream.send(wire.encode(wire.KeysWanted((space,))))
                    reply = wire.decode(await stream.receive(timeout=STEP_TIMEOUT))
        except (P2PError, trio.TooSlowError, Rejected) as error:
            logger.info("Sibling %s did not hand over keys: %s", short(peer), error)
            return False
        if not isinstance(reply, wire.Keys):
            return False
        rings = [(s, ring) for s, ring in reply.keys if s == space]
        for s, ring in rings:
            await self.database.run(writer.take_space_keys, self.replica, s, ring)
            self.handed_over += 1
        return bool(rings)

    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        try:
            async with stream:
                wanted = wire.decode(await stream.receive(timeout=STEP_TIMEOUT))
                if not isinstance(wanted, wire.KeysWanted):
                    raise Rejected(Reason.MALFORMED, "a sibling-keys request names the spaces wanted")
                device = device_of(peer)
                if device is None:
                    return
                keys = await self.database.run(_keys_for, self.replica, wanted.spaces, device)
                await stream.send(wire.encode(keys))
        except Rejected as error:
            self.host.penalise(peer, f"sibling keys: {error}", points=MISBEHAVING_POINTS)
        except (P2PError, trio.TooSlowError):
            pass


def _keys_for(replica: Replica, spaces: tuple[SpaceId, ...], device: DeviceId) -> wire.Keys:
    replica.refresh()
    keys, refused = [], []
    for space in spaces:
        if not replica.has_space(space):
            refused.append((space, "not a space of this device"))
            continue
        try:
            keys.append((space, tuple(writer.space_keys(replica, space, for_device=device))))
        except Rejected as error:
            refused.append((space, (error.detail or error.reason.value)[: wire.MAX_WHY]))
    return wire.Keys(tuple(keys), tuple(refused))
