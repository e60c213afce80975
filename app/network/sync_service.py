"""The sync service: moves a device's spaces between peers over a `PeerHost`.

The composition of the parts, each in its own module:

- `GossipTopics` (`gossip_topics`): one gossip topic per shared space, named after its
  current epoch key (a key rotation moves it to a new topic); relayed only if it opens
  under that key and its publisher is a current member (`access.GossipGate`).
- `GossipInbox` (`gossip_inbox`): gossip taken onto the database worker in batches.
- `Publisher` (`publisher`): own ops gossiped as commands hand them over, and ops another
  process wrote into the same data directory, found when it wakes us (`app.wake_up`).
- `PeerLinks` and `PeerSessions` (`peer_links`, `peer_sessions`): each peer's session
  state machine (`p2p.session`) and the dials, redials and bans it asks for.
- `PeerSpaces` (`peer_spaces`): what we know of each (peer, space).
- `AntiEntropy` (`anti_entropy`): the timers — digests, a random member reconciled with
  each `reconcile_interval`, and members silent for `gossip_silence`.
- `SyncSettings` (`sync_settings`): the timings, re-exported here.

What stays here is reconciliation, the truth behind gossip's hints: when to reconcile
(a new connection, a gap or a digest showing a peer ahead if gossip has not filled it
within `gossip_grace`, and when the timers say), opening and serving sessions
(`exchange`), and what follows them. Peers that send garbage or
forgeries are penalised (enough penalties ban them). A peer is served a space only if
its device is a current member or it presents a valid invite for it (a removed device's
never counts), and this device opens a session only with a current member
(`access.may_send_to`).

Runs as trio tasks in the service's nursery; replica calls go to the database worker.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

import trio

from app.clock import Clock
from app.database import Database
from app.network import exchange
from app.network.anti_entropy import AntiEntropy
from app.network.gossip_inbox import GossipInbox, HeardDigest, Outcome, device_of
from app.network.gossip_topics import GossipTopics
from app.network.peer_links import PeerLinks
from app.network.peer_sessions import PeerSessions
from app.network.peer_spaces import PeerSpaces
from app.network.publisher import Publisher
from app.network.sync_settings import SyncSettings
from app.network.sync_status import SyncStatus
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.interface import PeerHost
from p2p.session import PeerSession, SessionState
from sync import access, joining, reads
from sync.changes import Changes
from sync.errors import Rejected
from sync.ids import DeviceId, OpId, SpaceId
from sync.invite import Invite
from sync.op import VerifiedOp
from sync.replica import Replica
from sync.wire.gossip import Hello, decode_hello

logger = logging.getLogger(__name__)

RECONCILE_PROTOCOL = "/studycircle/reconcile/1.0.0"
CROSSED = "crossed: a session for this circle is already open between us"
_CROSSED_RETRIES = 5


class SyncService:
    def __init__(
        self,
        *,
        database: Database,
        host: PeerHost,
        clock: Clock,
        settings: SyncSettings | None = None,
        on_changes: Callable[[Changes], None] | None = None,
    ) -> None:
        self.database = database
        self.host = host
        self.clock = clock
        self.settings = settings or SyncSettings()
        self._listeners: list[Callable[[Changes], None]] = [on_changes] if on_changes else []
        self.status = SyncStatus()
        self._nursery: trio.Nursery | None = None
        self.pairs = PeerSpaces()  # what we know of each (peer, space)
        self._inbox = GossipInbox(database, self._gossip_outcome)
        gossip = self.settings.gossip
        self.topics = GossipTopics(database=database, host=host, inbox=self._inbox, gossip=gossip)
        self.publisher = Publisher(
            database=database, topics=self.topics, gossip=gossip, poll_interval=self.settings.poll_interval
        )
        self._invites: dict[SpaceId, Invite] = {}
        self.anti_entropy = AntiEntropy(
            database=database,
            host=host,
            settings=self.settings,
            topics=self.topics,
            pairs=self.pairs,
            schedule=self.schedule,
            member_peers=self.member_peers,
        )
        self.session_finished = trio.Event()
        self.sessions = PeerSessions()
        self.links = PeerLinks(
            host=host,
            sessions=self.sessions,
            handshake_timeout=self.settings.handshake_timeout,
            on_handshake=self.sync_with,
            spawn=self._spawn,
        )

    @property
    def replica(self) -> Replica:
        return self.database.replica

    # -- lifecycle -------------------------------------------------------------------
    async def run(self, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        events = self.host.peer_events()
        try:
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                self.host.set_stream_handler(RECONCILE_PROTOCOL, self._serve)
                await self.topics.watch_new_spaces()
                await self.publisher.mark_published()
                nursery.start_soon(self._peer_events, events)
                nursery.start_soon(self._inbox.run)
                nursery.start_soon(self.publisher.run)
                nursery.start_soon(self.anti_entropy.run)
                task_status.started()
        finally:
            self._nursery = None  # gossip may still arrive while the host closes: start nothing
            self.sessions.close_all()
            self.links.moved()

    def nudge(self) -> None:
        """Local writes happened that were not handed over: look for them in the database."""
        self.publisher.nudge()

    def hand_off(self, ops: Sequence[VerifiedOp], gossip: access.GossipKey | None) -> None:
        """A command wrote `ops` (`gossip`: its space's key as the write left it): gossip
        them as they are (`Publisher.hand_off`)."""
        self.publisher.hand_off(ops, gossip)

    def add_listener(self, listener: Callable[[Changes], None]) -> None:
        """Also tell `listener` of every op admitted from a peer (called on the trio thread)."""
        self._listeners.append(listener)

    def _report(self, changes: Changes) -> None:
        if changes.members or changes.rebuilt:
            self._spawn(self.topics.refresh, [changes.space])
        for listener in self._listeners:
            listener(changes)

    def expect_invite(self, invite: Invite) -> None:
        """We are joining with this invite: present it when asking for the space."""
        self._invites[invite.token.space] = invite

    def forget_invite(self, space: SpaceId) -> None:
        self._invites.pop(space, None)

    def _gossip_outcome(self, origin: PeerId, space: SpaceId, outcome: Outcome) -> None:
        if isinstance(outcome, str):
            self.host.penalise(origin, outcome)
            return
        self.pairs.heard((origin, space), trio.current_time())
        if isinstance(outcome, HeardDigest):
            self.status.heard(origin, space, outcome)
            if should_pull(self.host.peer_id, origin, outcome):
                self._after_grace(origin, space, outcome.theirs.op_count)
        elif outcome is not None:
            if outcome.faults:
                self.host.penalise(
                    origin, f"{outcome.faults} forged or malformed ops", points=float(outcome.faults)
                )
            if outcome.accepted:
                self._report(outcome.changes)
            if outcome.pending:
                self._after_grace(origin, space, None)

    def _after_grace(self, peer: PeerId, space: SpaceId, their_count: int | None) -> None:
        """Reconcile with `peer` unless gossip in flight fills the gap first.

        A digest or an op's missing parent seen while ops are still travelling is
        usually answered by gossip within moments; reconciling at once made every busy
        peer open a session with every other on each digest (at 10 peers × 20 ops/s,
        60 sessions a minute each, nearly all finding nothing)."""
        if self._nursery is None or not self.pairs.start_grace((peer, space)):
            return
        try:
            self._nursery.start_soon(self._reconcile_if_still_behind, peer, space, their_count)
        except RuntimeError:  # the service is stopping
            self.pairs.grace_ended((peer, space))

    async def _reconcile_if_still_behind(self, peer: PeerId, space: SpaceId, their_count: int | None) -> None:
        try:
            await trio.sleep(self.settings.gossip_grace)
            behind = await self.database.run(_still_behind, self.replica, space, their_count)
        finally:
            self.pairs.grace_ended((peer, space))
        if behind:
            self.schedule(peer, space)

    # -- peers -----------------------------------------------------------------------
    async def _peer_events(self, events: trio.MemoryReceiveChannel) -> None:
        async for event in events:
            peer = event.peer_id
            if event.kind is PeerEventKind.CONNECTED:
                self.status.connected.add(peer)
                await self.links.perform(peer, self.sessions.connected(peer))
            elif event.kind is PeerEventKind.DISCONNECTED:
                self.status.connected.discard(peer)
                self.status.forget(peer)
                self.pairs.forget_heard(peer)
                await self.links.perform(peer, self.sessions.disconnected(peer))
            elif event.kind is PeerEventKind.BANNED:
                self.status.connected.discard(peer)
                self.status.forget(peer)
                self.pairs.forget_heard(peer)
                await self.links.perform(peer, self.sessions.misbehaved(peer))
            elif event.kind is PeerEventKind.DISCOVERED:
                self.sessions.discovered(peer, event.addrs)
                self.links.moved()

    # -- peer sessions (app.network.peer_links) ---------------------------------------
    @property
    def sessions_changed(self) -> trio.Event:
        """Set (and replaced) at every session transition."""
        return self.links.changed

    def peer_states(self) -> dict[PeerId, SessionState]:
        """Every peer this device has met and its session's state, for a status bar."""
        return self.links.states()

    def session_of(self, peer: PeerId) -> PeerSession | None:
        return self.links.session_of(peer)

    async def connect(self, address: str) -> PeerId:
        """Dial `address` (`/…/p2p/<peer id>`) through the peer's session: it is redialed
        with backoff if the dial fails or the connection later drops. Raises P2PError."""
        return await self.links.connect(address)

    def _spawn(self, function: Callable[..., Any], *args: Any) -> None:
        if self._nursery is not None:
            with contextlib.suppress(RuntimeError):  # the service is stopping
                self._nursery.start_soon(function, *args)

    # -- reconciliation ----------------------------------------------------------------
    async def member_peers(self, space: SpaceId) -> list[PeerId]:
        """Connected peers whose device is a current member of `space`, in a stable order."""
        devices = {peer: device_of(peer) for peer in sorted(self.host.connected_peers())}
        known = {peer: device for peer, device in devices.items() if device is not None}
        members = await self.database.run(_members_among, self.replica, space, list(known.values()))
        return [peer for peer, device in known.items() if device in members]

    async def sync_with(self, peer: PeerId) -> None:
        """Reconcile every space we share with `peer` (or are joining through it).

        Both peers get here on connecting, and a session carries ops both ways, so two
        would bring every missing op twice. The peer with the smaller id opens its
        sessions at once; the other opens one only if none arrived within
        `connect_grace` (the first may not know yet that we are a member)."""
        since = trio.current_time() - self.settings.connect_grace  # its hello may beat our event
        await self.topics.watch_new_spaces()
        for space in list(self.topics.watched):
            if space in self._invites:
                self.schedule(peer, space)
                continue
            device = device_of(peer)
            if device is None or not await self.database.run(access.is_member, self.replica, space, device):
                continue
            if self.host.peer_id < peer:
                self.schedule(peer, space)
            else:
                self._spawn(self._schedule_unless_served, peer, space, since)

    async def _schedule_unless_served(self, peer: PeerId, space: SpaceId, since: float) -> None:
        await trio.sleep(self.settings.connect_grace)
        served_at = self.pairs[(peer, space)].served_at
        if (served_at is None or served_at < since) and peer in self.host.connected_peers():
            self.schedule(peer, space)

    def schedule(self, peer: PeerId, space: SpaceId) -> None:
        """Reconcile `space` with `peer` unless a session between us for it is running
        already, either way: a session carries ops in both directions."""
        if self._nursery is None or not self.pairs.claim_session((peer, space)):
            return
        try:
            self._nursery.start_soon(self._reconcile_quietly, peer, space)
        except RuntimeError:  # the service is stopping; the host may still deliver gossip
            self.pairs.session_ended((peer, space))

    async def _reconcile_quietly(self, peer: PeerId, space: SpaceId) -> None:
        try:
            await self._reconcile_once(peer, space)  # crossed: the peer's own session syncs us
        except exchange.SessionRefused as error:
            logger.info("Peer %s would not sync a circle: %s", short(peer), error)
        except Rejected:
            pass  # `reconcile` penalised and banned the peer
        except (P2PError, trio.BrokenResourceError) as error:
            logger.info("Sync with %s stopped: %s", short(peer), error)
        except Exception:  # one failed session must never stop the service
            logger.exception("Sync with %s failed unexpectedly", short(peer))
        finally:
            self.pairs.session_ended((peer, space))

    async def reconcile(self, peer: PeerId, space: SpaceId) -> exchange.SessionReport:
        """One session with `peer` for `space`, as the initiator (`sync connect`, a newly
        linked device). Raises SessionRefused, before anything is sent, if `peer` is not a
        current member of a circle we hold. Refused as crossed (the peer, the smaller id,
        had opened one with us first), it is tried again once a session ends: by then the
        peer's has carried its ops, and ours finds what is left."""
        for _ in range(_CROSSED_RETRIES):
            try:
                return await self._reconcile_once(peer, space)
            except exchange.SessionRefused as error:
                if str(error) != CROSSED:
                    raise
            with trio.move_on_after(self.settings.connect_grace):
                await self.session_finished.wait()
        return await self._reconcile_once(peer, space)

    async def _reconcile_once(self, peer: PeerId, space: SpaceId) -> exchange.SessionReport:
        allowed, reason = await self.database.run(access.may_send_to, self.replica, space, device_of(peer))
        if not allowed:
            raise exchange.SessionRefused(reason)
        hello = await self._hello(space)
        self.status.sessions_running += 1
        link, actions = self.sessions.reconcile_started(peer)
        await self.links.perform(peer, actions)
        failed = False
        try:
            stream = await self.host.open_stream(peer, RECONCILE_PROTOCOL)
            async with stream:
                report = await exchange.initiate(
                    self.database,
                    stream,
                    hello,
                    on_accepted=lambda: self.links.accepted(link),
                    peer=device_of(peer),
                )
        except Rejected as error:
            await self._misbehaved(peer, error)
            raise
        except (P2PError, trio.BrokenResourceError):
            failed = True
            raise
        finally:
            self.status.sessions_running -= 1
            await self.links.perform(peer, self.sessions.reconcile_ended(peer, link, failed=failed))
        await self._after_session(peer, space, report)
        return report

    async def _hello(self, space: SpaceId) -> Hello:
        """Ask for `space`, presenting our invite while no member holds our join: the one
        being joined with now, else the one an earlier, interrupted join recorded."""
        invite = self._invites.get(space)
        if invite is not None:
            return Hello(space, invite.token_bytes, invite.signature)
        pending = await self.database.run(joining.pending, self.replica, space)
        return Hello(space, pending.token, pending.token_signature) if pending else Hello(space)

    async def _misbehaved(self, peer: PeerId, error: Rejected) -> None:
        self.host.penalise(peer, f"sent malformed sync data: {error}", points=5.0)
        await self.links.misbehaved(peer)

    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        link, actions = self.sessions.reconcile_started(peer)
        await self.links.perform(peer, actions)
        failed = False
        try:
            hello = decode_hello(await stream.receive())
            device = device_of(peer)
            pair = (peer, hello.space)
            if self._crossed(peer, hello.space):
                await exchange.respond(self.database, stream, hello, (False, CROSSED))
                return
            self.pairs.hello_arrived(pair)  # a timer of ours must not cross it meanwhile
            try:
                verdict = (False, "not a StudyCircle device key")
                if device is not None:
                    verdict = await self.database.run(
                        lambda: access.may_serve(self.replica, hello, device, now_ms=self.clock.now_ms())
                    )
                if not verdict[0]:
                    await exchange.respond(self.database, stream, hello, verdict)
                    return
                self.links.accepted(link)
                self.pairs.serving_started(pair, trio.current_time())
                report = await exchange.respond(self.database, stream, hello, verdict, peer=device)
            finally:
                self.pairs.serving_ended(pair)
            await self._after_session(peer, hello.space, report)
        except Rejected as error:
            await self._misbehaved(peer, error)
        except P2PError as error:
            failed = True
            logger.info("Serving %s stopped: %s", short(peer), error)
        finally:
            await self.links.perform(peer, self.sessions.reconcile_ended(peer, link, failed=failed))

    def _crossed(self, peer: PeerId, space: SpaceId) -> bool:
        """`peer` opened a session for `space` while ours with it is being opened or runs:
        the two crossed (a timer on each side, or both on connecting), and each would
        carry every missing op. The session the smaller peer id opened goes on; the other
        is refused (`SessionRefused`, logged) by the smaller id, which sees the crossing
        here too."""
        return self.pairs[(peer, space)].running and self.host.peer_id < peer

    async def _after_session(self, peer: PeerId, space: SpaceId, report: exchange.SessionReport) -> None:
        if report.faults:  # a member that relays forgeries is broken or hostile
            self.host.penalise(peer, f"{report.faults} forged or malformed ops", points=float(report.faults))
            await self.links.misbehaved(peer)
        self.status.sessions_done += 1
        self.status.last_sync_ms = self.clock.now_ms()
        self.pairs.heard((peer, space), trio.current_time())  # level with it now, gossip or not
        self.status.behind.pop((peer, space), None)  # a finished session leaves both sides level
        # A confirmed join makes us a member to show; missed keys open ops held locked.
        if report.ops_accepted or report.join_confirmed or report.keys_taken:
            added = tuple(OpId(op_id) for op_id in report.added)
            self._report(
                Changes(
                    space,
                    added=added,
                    kinds=frozenset(report.kinds),
                    members=report.join_confirmed or report.members or report.keys_taken > 0,
                    rebuilt=report.rebuilt,
                    synced=True,
                )
            )
            self._spawn(self.topics.refresh, [space])  # it may have brought a removal or a join
        self.session_finished.set()
        self.session_finished = trio.Event()


def _members_among(replica: Replica, space: SpaceId, devices: list[DeviceId]) -> set[DeviceId]:
    return {device for device in devices if access.is_member(replica, space, device)}


def should_pull(me: PeerId, peer: PeerId, digest: HeardDigest) -> bool:
    """Does `peer`'s digest show it holding ops we lack? With equal counts and different
    frontiers both lack some: the smaller peer id starts the session (one session serves
    both sides)."""
    if digest.same:
        return False
    theirs, ours = digest.theirs.op_count, digest.ours.op_count
    return theirs > ours or (theirs == ours and str(me) < str(peer))


def _still_behind(replica: Replica, space: SpaceId, their_count: int | None) -> bool:
    """Ops still wait for a missing parent (`their_count` None), or a peer's digest
    counted more ops than we hold now."""
    if their_count is None:
        return reads.has_pending(replica.db, space)
    return access.digest_of(replica, space).op_count < their_count
