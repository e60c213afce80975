"""The composition root: one device's core — identity, database, network host, sync, files.

`Core.open(...)` builds everything from injected parts (network, clock, settings), and
the commands here are the app's intents: each validates its input, writes through the
replica's one write path on the database worker, hands the ops it signed to the sync
service's publisher and reports the `Changes`. Errors are `CommandError`s worded for a person.

Runs on the trio run that opened it (in the desktop client, the core thread's:
`ui.core_thread`).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trio

from app.address_book import addresses_for
from app.clock import Clock, SystemClock
from app.database import Database
from app.identity import Identity, load
from app.network.address_watch import watch_addresses
from app.network.blob_service import BlobService, FileTransfer
from app.network.device_links import DeviceLinkService, Linked
from app.network.exchange import SessionRefused as SessionRefused  # for the CLI
from app.network.joins import InviteRefused, Round, WaitingJoins, fetch_round, has_op
from app.network.room_codes import RoomCodeService
from app.network.sync_service import SyncService, SyncSettings
from app.paths import database_path
from app.pause_points import pause_at
from app.personal import shared_spaces, synced_spaces
from app.services import devices as device_service
from app.services.commands import CircleState, CommandError, Commands, parse_invite
from app.services.room_codes import make_room_code
from app.services.rows import Device, FileProgress
from app.services.surveys import KeyUpkeep
from p2p.config import HostConfig
from p2p.errors import P2PError
from p2p.identity import PeerId
from p2p.interface import Network, PeerHost
from sync import blobs, joining, writer
from sync.changes import Changes
from sync.device_link import DEFAULT_LINK_MINUTES, MAX_LINK_MINUTES, PendingLink, new_link_code
from sync.errors import Rejected
from sync.ids import DeviceId, OpId, SpaceId
from sync.invite import Invite
from sync.policy import Level
from sync.room_code import DEFAULT_USES, RoomCode, RoomOffer, looks_like_room_code, parse_room_code
from sync.wire import device_link as link_wire

# With `may_wait`, how long a join looks for a member before it waits in the background:
# dialing the invite's addresses, and mDNS on a LAN (which answers within a second or two).
REACH_SECONDS = 6.0


class Core:
    def __init__(
        self,
        *,
        home: Path,
        identity: Identity,
        database: Database,
        host: PeerHost,
        sync: SyncService,
        clock: Clock,
        blobs: BlobService,
        room_codes: RoomCodeService,
        on_changes: Callable[[Changes], None] | None = None,
    ) -> None:
        self.home = home
        self.identity = identity
        self.database = database
        self.host = host
        self.sync = sync
        self.blobs = blobs
        self.room_codes = room_codes
        self.waiting_joins = WaitingJoins(database=database, host=host, sync=sync, sign=self._sign_join)
        self.device_links = DeviceLinkService(
            host=host,
            clock=clock,
            link_statements=lambda offer, statements: device_service.link_statements(
                self.commands, offer, statements
            ),
        )
        self.clock = clock
        self._on_changes = on_changes or (lambda changes: None)
        # A removal arriving from another device: renew this device's anonymous survey keys.
        self.survey_keys = KeyUpkeep(lambda: self.commands)
        sync.add_listener(self.survey_keys.changed)

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
        on_file_progress: Callable[[FileProgress], None] | None = None,
        verify_workers: int = 2,
        database: Database | None = None,
    ) -> AsyncIterator[Core]:
        """`database`: one already open on `home` (the caller keeps and closes it; the
        desktop opens it first to show the window before the network is up).
        `on_file_progress`: told how far each file arriving from a member has come."""
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
                blobs = BlobService(
                    database=database,
                    host=host,
                    sync=sync,
                    clock=clock,
                    on_progress=_file_progress_to(on_file_progress),
                )
                room_codes = RoomCodeService(home=home, host=host, clock=clock)
                async with trio.open_nursery() as nursery:
                    await nursery.start(sync.run)
                    await nursery.start(blobs.run)
                    await nursery.start(room_codes.run)
                    await nursery.start(watch_addresses, home, host)
                    try:
                        core = cls(
                            home=home,
                            identity=identity,
                            database=database,
                            host=host,
                            sync=sync,
                            clock=clock,
                            on_changes=on_changes,
                            blobs=blobs,
                            room_codes=room_codes,
                        )
                        await nursery.start(core.waiting_joins.run)
                        await nursery.start(core.device_links.run)
                        await nursery.start(core.survey_keys.run)
                        yield core
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
            own = [a for a in self.host.listen_addrs() if "/ip4/0.0.0.0/" not in a]
            members = [d.hex() for member in await self.commands.members(space) for d in member.all_devices]
            addresses = await trio.to_thread.run_sync(lambda: addresses_for(self.home, members, own=own))
        return await self.commands.invite(
            space, role=role, uses=uses, expires_hours=expires_hours, addresses=addresses
        )

    async def room_code(
        self, space: SpaceId, *, role: str = "member", uses: int = DEFAULT_USES, minutes: float = 10
    ) -> tuple[RoomOffer, str]:
        """A room code this device answers while it runs, and the long code behind it."""
        own = [a for a in self.host.listen_addrs() if "/ip4/0.0.0.0/" not in a]
        return await make_room_code(
            self.commands, self.home, space, role=role, uses=uses, minutes=minutes, addresses=own
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

    async def synced_spaces(self) -> list[SpaceId]:
        """The spaces this device syncs: every circle, and My notes once another of the
        person's devices is linked into it."""
        return list(await self.database.run(synced_spaces, self.database.replica))

    async def held_files(self) -> int:
        """How many files (blobs) this device holds."""
        return int(await self.database.run(blobs.held_count, self.database.replica.db))

    async def state(self, space: SpaceId) -> CircleState:
        return await self.commands.state(space)

    # -- one person, several devices (app.services.devices, app.network.device_links) --------
    async def link_device(self, *, minutes: float = DEFAULT_LINK_MINUTES) -> PendingLink:
        """Open a link code (one use, `minutes`) for a new device of this person; then
        `wait_link` until the new device is linked."""
        if not 0 < minutes <= MAX_LINK_MINUTES:
            raise CommandError(f"A link code lasts from 1 to {MAX_LINK_MINUTES} minutes, not {minutes:g}.")
        offer = await device_service.link_offer(self.commands)
        code = new_link_code(randbelow=secrets.randbelow)
        expires_ms = self.clock.now_ms() + int(minutes * 60_000)
        pending = PendingLink(code, link_wire.encode(offer), expires_ms=expires_ms)
        self.device_links.open(pending, offer)
        return pending

    async def wait_link(self) -> Linked:
        """Until the open link code's new device is linked and holds the history."""
        linked = await self.device_links.wait()
        await self.sync.topics.watch_new_spaces()  # My notes is now synced with the new device
        await trio.to_thread.run_sync(device_service.remember_name, self.home, linked.device, linked.name)
        return linked

    async def join_device(
        self,
        code: str | None,
        *,
        timeout: float = 60.0,
        resuming: Callable[[device_service.LinkedTo], None] | None = None,
    ) -> Linked:
        """On a new device (nothing held yet): be linked by the person's device that shows
        `code`, take every space's keys and fetch its history before returning.

        On a device already linked (an earlier `device join` stopped once the keys had
        arrived) nothing is linked again and `code` is not used: `resuming(linked_to)` is
        told, then every space is synced with the peers reachable until caught up. A
        device holding circles or notes as its own person is refused."""
        room = None
        if code is not None:
            try:
                room = parse_room_code(code)
            except Rejected as error:
                raise CommandError(
                    f"This link code is not valid: {error.detail.replace('room', 'link')}."
                ) from None
        linked_to = await device_service.joining_state(self.commands, self.home)
        if linked_to is not None:
            if room is not None:
                await self._refuse_anothers_code(room, linked_to)
            if resuming is not None:
                resuming(linked_to)
            spaces = await self._finish_link(linked_to, timeout=timeout)
            return Linked(linked_to.device, linked_to.name, spaces, (), resumed=True)
        if room is None:
            raise CommandError(
                "This device is not linked yet: give the link code your other device shows"
                " (`device link` there, then `device join CODE` here)."
            )
        linked = await self.device_links.join(
            room,
            name=self.identity.name,
            key=self.identity.key,
            take_keys=self._take_link_keys,
            timeout=timeout,
        )
        await trio.to_thread.run_sync(device_service.remember_name, self.home, linked.device, linked.name)
        return linked

    async def _refuse_anothers_code(self, room: RoomCode, linked_to: device_service.LinkedTo) -> None:
        """On a device already linked: refuse, clearly, a code a connected device of
        another person has open (nothing is linked either way: no consent is signed)."""
        mine = await device_service.person_devices(self.commands)
        offer = await self.device_links.who_offers(room, skip=mine | {linked_to.device})
        if offer is not None:
            raise CommandError(
                f"This device is already linked to {linked_to.name}, and a device belongs to one"
                f" person for good: link code {room.text()} is open on {offer.linker_name}'s device"
                f" {offer.linker.hex()[:12]}, not one of {linked_to.name}'s here. Nothing was linked."
            )

    async def _take_link_keys(self, peer: PeerId, offer: link_wire.LinkOffer, keys: link_wire.Keys) -> None:
        await trio.to_thread.run_sync(
            device_service.remember_linker, self.home, offer.linker, offer.linker_name
        )
        await device_service.take_keys(self.commands, keys)
        for space, _ in keys.keys:
            await self.sync.reconcile(peer, space)
            await self.blobs.fetch_wanted(space, peers=[peer])
        await self.sync.topics.watch_new_spaces()

    async def _finish_link(self, linked_to: device_service.LinkedTo, *, timeout: float) -> int:
        """Sync every space this device holds with each reachable peer that serves it,
        until each space has had one full session (or `timeout`); how many spaces."""
        spaces = await self.database.run(self.database.replica.spaces)
        await self.sync.topics.watch_new_spaces()
        done: set[SpaceId] = set()
        tried: set[tuple[PeerId, SpaceId]] = set()
        with trio.move_on_after(timeout):
            while len(done) < len(spaces):
                for peer in sorted(self.host.connected_peers()):
                    for space in [s for s in spaces if s not in done and (peer, s) not in tried]:
                        tried.add((peer, space))
                        try:
                            await self.sync.reconcile(peer, space)
                            await self.blobs.fetch_wanted(space, peers=[peer])
                        except (SessionRefused, Rejected, P2PError, trio.BrokenResourceError):
                            continue  # not a member there, or gone: another peer may serve it
                        done.add(space)
                if len(done) < len(spaces):
                    await trio.sleep(0.2)  # wait for mDNS (or a redial) to bring the next peer
        await self.sync.topics.watch_new_spaces()
        if len(done) < len(spaces):
            raise CommandError(
                f"This device is already linked to {linked_to.name}, but no device of yours answered"
                f" for {len(spaces) - len(done)} of its {len(spaces)} spaces within {timeout:g} s;"
                " run `device join` again with your other device running on this network"
                " (or `--connect` its address)."
            )
        return len(done)

    async def devices(self) -> list[Device]:
        """This person's current devices, this one first."""
        return await device_service.devices(self.commands, self.home)

    async def unlink_device(self, typed: str) -> tuple[DeviceId, int]:
        """Unlink another device of this person everywhere it is linked (rotating keys)."""
        return await device_service.unlink(self.commands, typed)

    async def join(
        self, code: str, *, timeout: float = 30.0, may_wait: bool = False, reach: float = REACH_SECONDS
    ) -> SpaceId:
        """Join with an invite code or a room code: fetch the circle's history from any
        member reachable, sign our join, and deliver it until a member holds it
        (`sync.joining`, `app.network.joins`).

        `may_wait`: when no member is reachable within `reach` seconds (or none takes
        the join within `timeout`), keep the join and return: it is finished in the
        background (`WaitingJoins`) at the next contact with a member; `join_status`
        says which. Without it, that is an error and a join not yet signed leaves
        nothing behind on a device that did not hold the circle before.

        Interrupted at any step, the next run with the same code (or a newer one for the
        same circle) finishes the job: it fetches what is missing, signs the join only if
        it is not signed yet, and delivers it.
        """
        if looks_like_room_code(code):  # a room code: the long one, from the device that made it
            try:
                room = parse_room_code(code)
            except Rejected as error:
                raise CommandError(f"This room code is not valid: {error.detail}.") from None
            code = await self.room_codes.fetch_invite(room, timeout=timeout)
        invite = parse_invite(code, now_ms=self.clock.now_ms())
        async with self.waiting_joins.lock(invite.token.space):
            return await self._join(invite, timeout=timeout, may_wait=may_wait, reach=reach)

    async def _join(self, invite: Invite, *, timeout: float, may_wait: bool, reach: float) -> SpaceId:
        space = invite.token.space
        replica = self.database.replica
        held, signed, was_joining = await self.database.run(_join_standing, replica, space)
        if signed and not was_joining:
            return space  # a member already (a rerun after the join was confirmed): nothing to do
        had_space = held and not was_joining  # a circle an interrupted join fetched is not the device's
        keep = False  # the join waits for a member: keep what it recorded
        try:
            await self.database.run(writer.accept_invite, replica, invite)
            self.sync.expect_invite(invite)
            pause_at("join.accepted")
            reach_by = trio.current_time() + (min(timeout, reach) if may_wait else timeout)
            with trio.move_on_after(timeout):
                if not signed:
                    served = False
                    while not await self.database.run(has_op, replica, space, invite.token.at):
                        if not served and trio.current_time() >= reach_by:
                            keep = True
                            return space  # nobody serves the circle yet: wait for a member
                        served = (await self._fetch_round(invite)).served or served
                    pause_at("join.fetched")
                    await self._sign_join(invite)
                    signed = True
                    pause_at("join.signed")
                while await self.database.run(joining.pending, replica, space) is not None:
                    await self._fetch_round(invite)  # a member that takes the join confirms it
                pause_at("join.confirmed")
                if await self.database.run(writer.my_level, replica, space) == Level.NONE:
                    raise CommandError(
                        "A member received your join but did not accept it: the invite was used up"
                        " or had expired by then; ask for a new one."
                    )
                return space
            if may_wait:
                keep = True
                return space
            if signed:
                raise CommandError(
                    f"Your join is signed, but no member of the circle received it within {timeout:g} s;"
                    " run this command again (or `studycircle sync`) when the inviter is online."
                )
            raise CommandError(
                "Could not reach a member of the circle to fetch it within "
                f"{timeout:g} s; make sure one is online (`studycircle serve`) and try again."
            )
        finally:
            self.sync.forget_invite(space)
            if not signed and not had_space and not keep:
                with trio.CancelScope(shield=True):
                    await self.database.run(writer.abandon_invite, replica, space)

    async def join_status(self, space: SpaceId) -> str:
        """ "joined" once a member holds our join, else "waiting"."""
        pending = await self.database.run(joining.pending, self.database.replica, space)
        return "waiting" if pending is not None else "joined"

    async def _sign_join(self, invite: Invite) -> None:
        now_ms = self.clock.now_ms()
        replica = self.database.replica
        await self._write(writer.join, replica, invite, member_name=self.identity.name, now_ms=now_ms)

    async def _fetch_round(self, invite: Invite) -> Round:
        try:
            return await fetch_round(self.host, self.sync, invite)
        except InviteRefused as refused:
            raise CommandError(
                f"A member's device refused this invite: {refused}; ask for a new one."
            ) from None


def _file_progress_to(
    report: Callable[[FileProgress], None] | None,
) -> Callable[[FileTransfer], None] | None:
    if report is None:
        return None
    return lambda t: report(FileProgress(t.space.hex(), t.blob.hex(), t.received, t.total, t.state))


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
