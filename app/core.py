"""The composition root: one device's core — identity, database, network host, sync, files.

`Core.open(...)` builds everything from injected parts (network, clock, settings), and
the commands here are the app's intents: each validates its input, writes through the
replica's one write path on the database worker, nudges the sync service and reports
the `Changes`. Errors are `CommandError`s worded for a person.

Runs on the trio run that opened it (in the desktop client, the core thread's:
`ui.core_thread`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trio

from app.blob_service import BlobService
from app.clock import Clock, SystemClock
from app.commands import CircleState, CommandError, Commands, parse_invite
from app.database import Database
from app.exchange import SessionRefused
from app.identity import Identity, load
from app.paths import database_path
from app.sync_service import SyncService, SyncSettings
from p2p.config import HostConfig
from p2p.errors import P2PError
from p2p.interface import Network, PeerHost
from sync import writer
from sync.access import is_final_refusal
from sync.changes import Changes
from sync.errors import Rejected
from sync.ids import OpId, SpaceId
from sync.invite import Invite


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
            database=self.database, identity=self.identity, clock=self.clock, after_write=self._written
        )

    def _written(self, changes: Changes | None) -> None:
        self.sync.nudge()
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

    async def state(self, space: SpaceId) -> CircleState:
        return await self.commands.state(space)

    async def join(self, code: str, *, timeout: float = 30.0) -> SpaceId:
        """Join with an invite code: fetch the circle's history from the inviter, then sign our join.

        A join that fails (used-up invite, inviter unreachable) leaves nothing behind on
        a device that did not hold the circle before.
        """
        invite = parse_invite(code, now_ms=self.clock.now_ms())
        space = invite.token.space
        replica = self.database.replica
        had_space = await self.database.run(replica.has_space, space)
        joined = False
        try:
            await self.database.run(writer.accept_invite, replica, invite)
            self.sync.expect_invite(invite)
            with trio.move_on_after(timeout):
                while not await self.database.run(_has_op, replica, space, invite.token.at):
                    await self._fetch_from(invite)
                try:
                    await self._write(
                        writer.join,
                        replica,
                        invite,
                        member_name=self.identity.name,
                        now_ms=self.clock.now_ms(),
                    )
                    joined = True
                    for peer in self.host.connected_peers():  # deliver the join, still showing the invite
                        with contextlib.suppress(SessionRefused, P2PError, Rejected):
                            await self.sync.reconcile(peer, space)
                finally:
                    self.sync.forget_invite(space)
                return space
            raise CommandError(
                "Could not reach the inviter to fetch the circle within "
                f"{timeout:g} s; make sure they are online (`studycircle serve`) and try again."
            )
        finally:
            if not joined and not had_space:
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


def _has_op(replica: Any, space: SpaceId, op_id: bytes) -> bool:
    replica.refresh()
    return replica.context(space).info(replica.db, op_id) is not None
