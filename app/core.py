"""The composition root: one device's core — identity, database, network host, sync, files.

`Core.open(...)` builds everything from injected parts (network, clock, settings), and
the commands here are the app's intents: each validates its input, writes through the
replica's one write path on the database worker, hands the ops it signed to the sync
service's publisher and reports the `Changes`. Errors are `CommandError`s worded for a person.

Runs on the trio run that opened it (in the desktop client, the core thread's:
`ui.core_thread`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trio

from app.clock import Clock, SystemClock
from app.database import Database
from app.identity import Identity, load
from app.network.blob_service import BlobService
from app.network.exchange import SessionRefused
from app.network.sync_service import SyncService, SyncSettings
from app.paths import database_path
from app.pause_points import pause_at
from app.personal import shared_spaces
from app.services.commands import CircleState, CommandError, Commands, parse_invite
from p2p.config import HostConfig
from p2p.errors import P2PError
from p2p.interface import Network, PeerHost
from sync import blobs, joining, writer
from sync.access import is_final_refusal
from sync.changes import Changes
from sync.errors import Rejected
from sync.ids import OpId, SpaceId
from sync.invite import Invite
from sync.policy import Level


class Core:
    def __init__(
        self,
        *,
        identity: Identity,
        database: Database,
        host: PeerHost,
        sync: SyncService,
        clock: Clock,
        blobs: BlobService,
        on_changes: Callable[[Changes], None] | None = None,
    ) -> None:
        self.identity = identity
        self.database = database
        self.host = host
        self.sync = sync
        self.blobs = blobs
        self.clock = clock
        self._on_changes = on_changes or (lambda changes: None)

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        *,
        home: Path,
        network: Network,
        clock: Clock | None = None,
        host_config: HostConfig | None = None,
        sync_settings: SyncSettings | None = None,
        on_changes: Callable[[Changes], None] | None = None,
        verify_workers: int = 2,
        database: Database | None = None,
    ) -> AsyncIterator[Core]:
        """`database`: one already open on `home` (the caller keeps and closes it; the
        desktop opens it first to show the window before the network is up)."""
        identity = load(home)
        clock = clock or SystemClock()
        owned = database is None
        if database is None:
            database = Database(database_path(home), identity.key, verify_workers=verify_workers, clock=clock)
        try:
            async with network.open_host(identity.key.seed, host_config) as host:
                sync = SyncService(
                    database=database, host=host, clock=clock, settings=sync_settings, on_changes=on_changes
                )
                blobs = BlobService(database=database, host=host, sync=sync, clock=clock)
                async with trio.open_nursery() as nursery:
                    await nursery.start(sync.run)
                    await nursery.start(blobs.run)
                    try:
                        yield cls(
                            identity=identity,
                            database=database,
                            host=host,
                            sync=sync,
                            clock=clock,
                            on_changes=on_changes,
                            blobs=blobs,
                        )
                    finally:
                        nursery.cancel_scope.cancel()
        finally:
            if owned:
                database.close()

    # -- commands --------------------------------------------------------------------
    @property
    def commands(self) -> Commands:
        return Commands(
            database=self.database,
            identity=self.identity,
            clock=self.clock,
            after_write=self._written,
            hand_off=self.sync.hand_off,
        )

    def _written(self, changes: Changes | None) -> None:
        if changes is not None:
            self._on_changes(changes)

    async def _write(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.commands.write(function, *args, **kwargs)

    async def create_circle(self, name: str) -> SpaceId:
        return await self.commands.create_circle(name)

    async def invite(
        self,
        space: SpaceId,
        *,
        role: str = "member",
        uses: int = 1,
        expires_hours: float = 72,
        addresses: list[str] | None = None,
    ) -> str:
        if addresses is None:
            addresses = [a for a in self.host.listen_addrs() if "/ip4/0.0.0.0/" not in a]
        return await self.commands.invite(
            space, role=role, uses=uses, expires_hours=expires_hours, addresses=addresses
        )

    async def post(self, space: SpaceId, title: str, text: str = "") -> OpId:
        return await self.commands.post(space, title, text)

    async def unsigned_joins(self) -> set[SpaceId]:
        """Circles an interrupted `circle join` fetched without signing the join: only that
        command, with the invite code, can finish them."""
        return await self.database.run(_unsigned_joins, self.database.replica)

    async def shared_spaces(self) -> list[SpaceId]:
        """The spaces this device shares with others (every circle; not My notes)."""
        return list(await self.database.run(shared_spaces, self.database.replica))

    async def held_files(self) -> int:
        """How many files (blobs) this device holds."""
        return int(await self.database.run(blobs.held_count, self.database.replica.db))

    async def state(self, space: SpaceId) -> CircleState:
        return await self.commands.state(space)

    async def join(self, code: str, *, timeout: float = 30.0) -> SpaceId:
        """Join with an invite code: fetch the circle's history from the inviter, sign our
        join, and deliver it until a member holds it (`sync.joining`).

        Interrupted at any step, the next run with the same code (or a newer one for the
        same circle) finishes the job: it fetches what is missing, signs the join only if
        it is not signed yet, and delivers it. A join that fails before it is signed
        (used-up invite, inviter unreachable) leaves nothing behind on a device that did
        not hold the circle before.
        """
        invite = parse_invite(code, now_ms=self.clock.now_ms())
        space = invite.token.space
        replica = self.database.replica
        held, signed, was_joining = await self.database.run(_join_standing, replica, space)
        if signed and not was_joining:
            return space  # a member already (a rerun after the join was confirmed): nothing to do
        had_space = held and not was_joining  # a circle an interrupted join fetched is not the device's
        try:
            await self.database.run(writer.accept_invite, replica, invite)
            self.sync.expect_invite(invite)
            pause_at("join.accepted")
            with trio.move_on_after(timeout):
                if not signed:
                    while not await self.database.run(_has_op, replica, space, invite.token.at):
                        await self._fetch_from(invite)
                    pause_at("join.fetched")
                    await self._write(
                        writer.join,
                        replica,
                        invite,
                        member_name=self.identity.name,
                        now_ms=self.clock.now_ms(),
                    )
                    signed = True
                    pause_at("join.signed")
                while await self.database.run(joining.pending, replica, space) is not None:
                    await self._fetch_from(invite)  # a member that takes the join confirms it
                pause_at("join.confirmed")
                if await self.database.run(writer.my_level, replica, space) == Level.NONE:
                    raise CommandError(
                        "A member received your join but did not accept it: the invite was used up"
                        " or had expired by then; ask for a new one."
                    )
                return space
            if signed:
                raise CommandError(
                    f"Your join is signed, but no member of the circle received it within {timeout:g} s;"
                    " run this command again (or `studycircle sync`) when the inviter is online."
                )
            raise CommandError(
                "Could not reach the inviter to fetch the circle within "
                f"{timeout:g} s; make sure they are online (`studycircle serve`) and try again."
            )
        finally:
            self.sync.forget_invite(space)
            if not signed and not had_space:
                with trio.CancelScope(shield=True):
                    await self.database.run(writer.abandon_invite, replica, space)

    async def _fetch_from(self, invite: Invite) -> None:
        peers = set(self.host.connected_peers())
        for address in invite.token.addresses:
            try:
                peers.add(await self.host.connect(address))
            except P2PError:
                continue
        refusals: list[str] = []
        for peer in peers:
            try:
                await self.sync.reconcile(peer, invite.token.space)
            except SessionRefused as refused:
                refusals.append(str(refused))
            except (P2PError, Rejected):
                continue
        # A member that judged the invite itself (used up, expired, inviter demoted) will
        # not change its mind by waiting; peers outside the circle say nothing of it.
        about_invite = [reason for reason in refusals if is_final_refusal(reason)]
        if about_invite:
            raise CommandError(
                f"A member's device refused this invite: {about_invite[0]}; ask for a new one."
            )
        if not peers:  # nobody reachable yet: give discovery a moment
            with trio.move_on_after(1.0):
                await self.sync.session_finished.wait()


def _unsigned_joins(replica: Any) -> set[SpaceId]:
    replica.refresh()
    spaces = joining.joining_spaces(replica)
    return {space for space in spaces if joining.own_join_seq(replica, space) is None}


def _join_standing(replica: Any, space: SpaceId) -> tuple[bool, bool, bool]:
    """(holds the space, has a valid join of its own there, is still joining it)."""
    replica.refresh()
    held = replica.has_space(space)
    signed = held and writer.my_level(replica, space) > Level.NONE
    return held, signed, joining.pending(replica, space) is not None


def _has_op(replica: Any, space: SpaceId, op_id: bytes) -> bool:
    replica.refresh()
    return replica.context(space).info(replica.db, op_id) is not None
