"""Joins that wait for a member: fetching a circle through whoever is reachable, signing
the join once its history is here, and finishing waiting joins in the background.

A join needs, in order: the inviter's op named in the invite (and its causal past), so
that our `member.join` can name it; then a member who takes that join (`sync.joining`).
Any member can serve a joiner presenting a valid invite (`sync.access.may_serve`), so a
round asks every connected peer (mDNS connects the LAN's) and the addresses the invite
carries. When no member is reachable, `circle join` returns "waiting" and keeps the
record; `WaitingJoins` then tries again whenever a peer connects and every
`retry_interval`, in whichever process runs the device (`serve`, the desktop client),
and `sync` tries once; once the join is signed, the sync service's usual sessions
deliver it (they present the invite while no member holds the join). A member's final
refusal (used up, expired, inviter demoted) ends a waiting join: what it fetched is
dropped (never anything this device wrote).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import trio

from app.database import Database
from app.network.exchange import SessionRefused
from app.network.sync_service import SyncService
from app.task_status import TaskStatus
from p2p.dialable import dialable
from p2p.errors import P2PError
from p2p.events import PeerEventKind
from p2p.interface import PeerHost
from sync import joining, writer
from sync.access import is_final_refusal
from sync.errors import Rejected
from sync.ids import OpId, SpaceId, short
from sync.invite import Invite
from sync.policy import Level
from sync.replica import Replica

logger = logging.getLogger(__name__)


class InviteRefused(Exception):
    """A member judged the invite and will not change its mind (str: why, for a person)."""


@dataclass(frozen=True, slots=True)
class Round:
    served: bool  # some peer served us the circle (a member)


async def fetch_round(host: PeerHost, sync: SyncService, invite: Invite) -> Round:
    """One round: reconcile the circle with every connected peer and every address the
    invite carries, presenting the invite. Raises InviteRefused on a final refusal."""
    peers = set(host.connected_peers())
    for address in dialable(invite.token.addresses):
        try:
            peers.add(await host.connect(address))
        except P2PError:
            continue
    refusals: list[str] = []
    served = False
    for peer in sorted(peers):
        try:
            await sync.reconcile(peer, invite.token.space)
            served = True
        except SessionRefused as refused:
            refusals.append(str(refused))
        except (P2PError, Rejected):
            continue
    # A member that judged the invite itself (used up, expired, inviter demoted) will
    # not change its mind by waiting; peers outside the circle say nothing of it.
    about_invite = [reason for reason in refusals if is_final_refusal(reason)]
    if about_invite:
        raise InviteRefused(about_invite[0])
    if not peers:  # nobody reachable yet: give discovery a moment
        with trio.move_on_after(1.0):
            await sync.session_finished.wait()
    return Round(served)


def has_op(replica: Replica, space: SpaceId, op_id: OpId) -> bool:
    replica.refresh()
    return replica.context(space).info(replica.db, op_id) is not None


def waiting_joins(replica: Replica) -> dict[SpaceId, Invite]:
    """Every join of this device no member holds yet, with its invite."""
    replica.refresh()
    found = {}
    for space in joining.joining_spaces(replica):
        invite = joining.pending_invite(replica, space)
        if invite is not None:
            found[space] = invite
    return found


def is_signed(replica: Replica, space: SpaceId) -> bool:
    replica.refresh()
    return joining.own_join_seq(replica, space) is not None


class WaitingJoins:
    """Finishes the joins `circle join` left waiting, as members become reachable."""

    def __init__(
        self,
        *,
        database: Database,
        host: PeerHost,
        sync: SyncService,
        sign: Callable[[Invite], Awaitable[object]],
        retry_interval: float = 15.0,
    ) -> None:
        self.database = database
        self.host = host
        self.sync = sync
        self._sign = sign
        self.retry_interval = retry_interval
        self._wake_send, self._wake_receive = trio.open_memory_channel[None](1)
        self._busy = trio.Lock()
        self._locks: dict[SpaceId, trio.Lock] = {}

    def lock(self, space: SpaceId) -> trio.Lock:
        """Held by whoever advances the join to `space`: `circle join` in the foreground
        and this service never sign (or drop) the same join twice."""
        return self._locks.setdefault(space, trio.Lock())

    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        events = self.host.peer_events()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._watch_peers, events)
            task_status.started()
            while True:
                try:
                    await self.advance_all()
                except Exception:  # one failed round must never stop the service
                    logger.exception("Finishing waiting joins failed unexpectedly")
                with trio.move_on_after(self.retry_interval):
                    await self._wake_receive.receive()

    async def _watch_peers(self, events: trio.MemoryReceiveChannel) -> None:
        async for event in events:
            if event.kind is PeerEventKind.CONNECTED:
                with contextlib.suppress(trio.WouldBlock):
                    self._wake_send.send_nowait(None)

    async def advance_all(self) -> None:
        """One round for every waiting join."""
        async with self._busy:
            waiting = await self.database.run(waiting_joins, self.database.replica)
            for space, invite in waiting.items():
                lock = self.lock(space)
                if lock.locked():
                    continue  # `circle join` is at it in the foreground
                async with lock:
                    await self._advance(space, invite)

    async def _advance(self, space: SpaceId, invite: Invite) -> None:
        """Fetch and sign a join that waits for the inviter's op. A signed join needs no
        round of ours: the sync service's own sessions present its invite and deliver it
        (a second session alongside one of theirs would bring every op twice)."""
        replica = self.database.replica
        if not await self.database.run(is_signed, replica, space):
            try:
                await fetch_round(self.host, self.sync, invite)
                if not await self.database.run(has_op, replica, space, invite.token.at):
                    return  # nobody has served us the circle yet
                await self._sign(invite)
            except (InviteRefused, Rejected) as refused:  # final: said once, not every round
                what = short(space, 12)
                logger.warning("The waiting join to circle %s cannot go on: %s", what, refused)
                await self.database.run(writer.abandon_invite, replica, space)
                return
            logger.info("Signed the join to circle %s that was waiting", short(space, 12))
            for peer in self.host.connected_peers():  # deliver it now, through the usual sessions
                self.sync.schedule(peer, space)
        if await self.database.run(joining.pending, replica, space) is None:
            level = await self.database.run(writer.my_level, replica, space)
            outcome = "admitted" if level > Level.NONE else "not accepted (invite used up or expired)"
            logger.info("The waiting join to circle %s is done: %s", short(space, 12), outcome)
