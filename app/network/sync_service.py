"""The sync service: moves a device's spaces between peers over a `PeerHost`.

For every space the device belongs to it subscribes the space's gossip topic (named after
the current epoch key, so a key rotation moves it to a new topic), publishes
new local ops (handed over by the command that wrote them; ops another process wrote
into the same data directory are looked up in the database), ingests gossiped ops
through the replica's normal validation (in batches, `app.network.gossip_inbox`), and
reconciles — on a new connection, on a gap or a digest that shows a peer holding ops
we lack (if gossip has not filled it within `gossip_grace`), and on a timer.
Gossip is a hint; reconciliation is the truth. Gossip is taken and relayed only if it
opens under the current key and its publisher is a current member (`access.GossipGate`);
gossip that does not open costs its publisher. Peers that send garbage or forgeries are
penalised (enough penalties ban them). A peer is served a space only if its device is a
current member or it presents a valid invite for it (a removed device's never counts),
and this device opens a session only with a current member (`access.may_send_to`).

Runs as trio tasks in the service's nursery; replica calls go to the database worker.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import trio

from app import wake_up
from app.clock import Clock
from app.database import Database, files_stamp
from app.network import exchange
from app.network.gossip_inbox import GossipInbox, HeardDigest, Outcome, device_of
from app.network.own_ops import own_seq, seal_ops, unpublished
from app.network.peer_sessions import Link, PeerSessions
from app.network.sync_status import SyncStatus
from app.personal import shared_spaces
from app.task_status import TaskStatus
from p2p.errors import P2PError
from p2p.events import PeerEventKind
from p2p.framing import FramedStream
from p2p.identity import PeerId, short
from p2p.interface import GossipVerdict, PeerHost
from p2p.session import PeerSession, SessionAction, SessionState
from sync import access, joining, reads
from sync.changes import Changes
from sync.errors import Rejected
from sync.ids import DeviceId, OpId, SpaceId
from sync.invite import Invite
from sync.op import VerifiedOp
from sync.replica import Replica
from sync.wire.gossip import Hello, decode_hello, encode_digest

logger = logging.getLogger(__name__)

RECONCILE_PROTOCOL = "/studycircle/reconcile/1.0.0"
_Handed = tuple[tuple[VerifiedOp, ...], access.GossipKey | None]


@dataclass(frozen=True, slots=True)
class SyncSettings:
    # Another process that writes ops wakes us (`app.wake_up`); in case a wake-up is lost,
    # this often `stat` the database files and look in the database if they changed.
    poll_interval: float = 1.0
    digest_interval: float = 5.0  # how often to announce what we hold
    reconcile_interval: float = 20.0  # timer: reconcile each space with one member peer, at random
    gossip_grace: float = 2.0  # a gap or a peer ahead: reconcile if gossip has not filled it by then
    # A connected member heard nothing from in a space for this long (it gossips a digest
    # every `digest_interval`) is reconciled with directly: gossip can miss one peer.
    gossip_silence: float = 15.0
    connect_grace: float = 1.0  # on connecting, how long the larger peer id waits for the other's session
    handshake_timeout: float = 60.0  # connected this long with no accepted session: disconnect
    gossip: bool = True  # off only in tests that prove reconciliation alone suffices


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
        self._watched: set[SpaceId] = set()
        self._gates: dict[SpaceId, access.GossipGate] = {}  # each watched space's current topic
        self._gates_lock = trio.Lock()  # one refresh at a time: a later one reads later state
        self._publishing = trio.Lock()
        self._published: dict[SpaceId, int] = {}
        self._running: set[tuple[PeerId, SpaceId]] = set()  # sessions we opened (or are opening)
        self._serving: set[tuple[PeerId, SpaceId]] = set()  # sessions a peer opened with us
        self._served_at: dict[tuple[PeerId, SpaceId], float] = {}  # when it last opened one (trio clock)
        self._grace: set[tuple[PeerId, SpaceId]] = set()
        self._heard_at: dict[tuple[PeerId, SpaceId], float] = {}  # its gossip or a session (trio clock)
        self._random = random.Random()
        self._inbox = GossipInbox(database, self._gossip_outcome)
        self._invites: dict[SpaceId, Invite] = {}
        # What to publish, in the order written: ops a command handed over, or None (look
        # in the database). When full, `_look_needed` stands in for what did not fit.
        self._outbox_send, self._outbox_receive = trio.open_memory_channel[_Handed | None](64)
        self._look_needed = False
        self.session_finished = trio.Event()
        self.sessions = PeerSessions()
        self.sessions_changed = trio.Event()  # set (and replaced) at every session transition

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
                await self._watch_new_spaces()
                await self._mark_published()
                nursery.start_soon(self._peer_events, events)
                nursery.start_soon(self._inbox.run)
                nursery.start_soon(self._publisher)
                nursery.start_soon(self._other_processes)
                nursery.start_soon(self._timers)
                task_status.started()
        finally:
            self._nursery = None  # gossip may still arrive while the host closes: start nothing
            self.sessions.close_all()
            self._sessions_moved()

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

    def add_listener(self, listener: Callable[[Changes], None]) -> None:
        """Also tell `listener` of every op admitted from a peer (called on the trio thread)."""
        self._listeners.append(listener)

    def _report(self, changes: Changes) -> None:
        if changes.members or changes.rebuilt:
            self._spawn(self._refresh_gossip, [changes.space])
        for listener in self._listeners:
            listener(changes)

    def expect_invite(self, invite: Invite) -> None:
        """We are joining with this invite: present it when asking for the space."""
        self._invites[invite.token.space] = invite

    def forget_invite(self, space: SpaceId) -> None:
        self._invites.pop(space, None)

    # -- spaces and gossip ------------------------------------------------------------
    async def _watch_new_spaces(self, spaces: list[SpaceId] | None = None) -> None:
        if spaces is None:
            spaces = await self.database.run(shared_spaces, self.replica)  # nobody else holds "My notes"
        for space in spaces:
            if space in self._watched:
                continue
            self._watched.add(space)
            await self._refresh_gossip([space])

    async def _refresh_gossip(self, spaces: list[SpaceId] | None = None) -> None:
        """Read each space's current gossip key and members (all watched spaces if None)
        and follow them: a new key means a new topic (subscribe it, leave the old one),
        no key means no topic (we were removed). Before leaving a topic for a rotation we
        publish the rotation on it (`access.rotation_notice`); a member that still misses
        it hears nothing more from us, and the silence makes us reconcile with it
        (`_reconcile_silent_members`), which brings it the rotation."""
        if not self.settings.gossip:
            return
        async with self._gates_lock:
            wanted = [space for space in (spaces or list(self._watched)) if space in self._watched]
            gates = await self.database.run(_gates_of, self.replica, wanted)
            for space, gate in gates.items():
                old = self._gates.pop(space, None)
                if gate is not None:
                    self._gates[space] = gate
                if old is not None and (gate is None or gate.gossip.topic != old.gossip.topic):
                    if gate is not None:  # a rotation: tell whoever is still on the old topic
                        notice = await self.database.run(
                            access.rotation_notice, self.replica, space, old.gossip
                        )
                        if notice is not None:
                            await self._publish_on(notice)
                    with contextlib.suppress(P2PError):
                        await self.host.unsubscribe(old.gossip.topic)
                if gate is not None and (old is None or gate.gossip.topic != old.gossip.topic):
                    topic = gate.gossip.topic
                    handler = self._inbox.handler(space)
                    try:
                        await self.host.subscribe(topic, handler, validator=self._validator(space, topic))
                    except P2PError as error:  # the host is closing; the next refresh tries again
                        logger.info("Could not follow a circle's gossip topic: %s", error)
                        self._gates.pop(space, None)

    def _validator(self, space: SpaceId, topic: str) -> Callable[[PeerId, bytes], GossipVerdict]:
        """The relay gate of `space`'s topic `topic`, judged against its current gate."""

        def validate(publisher: PeerId, data: bytes) -> GossipVerdict:
            if publisher == self.host.peer_id:
                return GossipVerdict.ACCEPT  # our own, sealed with the key its topic names
            gate = self._gates.get(space)
            if gate is None or gate.gossip.topic != topic:
                return GossipVerdict.IGNORE  # a straggler on a topic we are leaving
            return GossipVerdict(gate.judge(device_of(publisher), data).value)

        return validate

    async def _mark_published(self) -> None:
        for space in self._watched:
            self._published[space] = await self.database.run(own_seq, self.replica, space)

    def _gossip_outcome(self, origin: PeerId, space: SpaceId, outcome: Outcome) -> None:
        if isinstance(outcome, str):
            self.host.penalise(origin, outcome)
            return
        self._heard_at[(origin, space)] = trio.current_time()
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
        if (peer, space) in self._grace or (peer, space) in self._running or self._nursery is None:
            return
        self._grace.add((peer, space))
        try:
            self._nursery.start_soon(self._reconcile_if_still_behind, peer, space, their_count)
        except RuntimeError:  # the service is stopping
            self._grace.discard((peer, space))

    async def _reconcile_if_still_behind(self, peer: PeerId, space: SpaceId, their_count: int | None) -> None:
        try:
            await trio.sleep(self.settings.gossip_grace)
            behind = await self.database.run(_still_behind, self.replica, space, their_count)
        finally:
            self._grace.discard((peer, space))
        if behind:
            self.schedule(peer, space)

    async def _publisher(self) -> None:
        """Publish what the outbox holds, in order: a catch-up look in the database, or
        ops a command handed over (looked up instead if they do not follow what was
        published last: another process wrote in between)."""
        async for item in self._outbox_receive:
            look = item is None or self._look_needed
            self._look_needed = False
            if look:
                await self._publish_new()
            if item is not None and not await self._publish_handed(*item):
                await self._publish_new()

    async def _publish_handed(self, ops: tuple[VerifiedOp, ...], gossip: access.GossipKey | None) -> bool:
        """Seal and gossip ops a command handed over; False if the database must be
        looked in instead (a space not yet watched, or own ops before these that were
        not published: written by another process, or come back from a peer)."""
        space = ops[0].space_id()
        async with self._publishing:
            after = self._published.get(space)
            if after is None:
                return False
            fresh = sorted((op for op in ops if op.header.seq > after), key=lambda op: op.header.seq)
            if not fresh:
                return True  # a look already published them
            if fresh[0].header.seq != after + 1:
                return False
            self._published[space] = fresh[-1].header.seq
            if not self.settings.gossip or gossip is None:
                return True
            for message in seal_ops(gossip, [op.to_wire() for op in fresh]):
                await self._publish(space, message)  # follows a key our own write rotated
            return True

    async def _publish_new(self) -> None:
        """Gossip own ops not yet published, in every shared space (new ones: all of
        their own ops). One database trip: on a busy peer each trip waits for the worker."""
        async with self._publishing:  # one look at a time: two would both send what is new
            published, gossip = dict(self._published), self.settings.gossip
            spaces, new_ops = await self.database.run(unpublished, self.replica, published, gossip)
            await self._watch_new_spaces(spaces)
            for space, (last, sealed) in new_ops.items():
                self._published[space] = last
                for message in sealed:  # sealed under a new key after our own removal of someone:
                    await self._publish(space, message)  # `_publish` follows it to its topic

    async def _publish(self, space: SpaceId, message: access.Sealed) -> None:
        gate = self._gates.get(space)
        if gate is None or gate.gossip.topic != message.topic:
            await self._refresh_gossip([space])  # sealed under a key we have not followed yet
        await self._publish_on(message)

    async def _publish_on(self, message: access.Sealed) -> None:
        try:
            await self.host.publish(message.topic, message.data)
        except P2PError as error:
            logger.info("Gossip publish for a circle failed (sync will repair it): %s", error)

    async def _other_processes(self) -> None:
        """Look in the database for ops another process wrote (a command run beside us):
        when it wakes us, and every `poll_interval` if the database files changed since
        the last look (a lost wake-up; our own commits count too, which only costs a look)."""
        async with wake_up.listening(wake_up.directory_of(self.database.files[0])) as wakeups:
            seen = files_stamp(self.database.files)
            while True:
                woken = False
                with trio.move_on_after(self.settings.poll_interval):
                    await wakeups.wait()
                    woken = True
                stamp = files_stamp(self.database.files)  # before the look: a write in it is seen next time
                if woken or stamp != seen:
                    seen = stamp
                    self.nudge()

    async def _timers(self) -> None:
        ticks = 0
        while True:
            await trio.sleep(self.settings.digest_interval)
            ticks += 1
            await self._refresh_gossip()  # a safety net: membership changes are followed sooner
            for space in list(self._watched):
                if self.settings.gossip:
                    sealed = await self.database.run(_sealed_digest, self.replica, space)
                    if sealed is not None:
                        await self._publish(space, sealed)
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
        for space in list(self._watched):
            silent = [
                peer
                for peer in connected
                if now - self._heard_at.setdefault((peer, space), now) >= self.settings.gossip_silence
            ]
            if not silent:
                continue
            for peer in silent:
                self._heard_at[(peer, space)] = now  # once per silence, member or not
            for peer in set(silent) & set(await self.member_peers(space)):
                self.schedule(peer, space)

    # -- peers -----------------------------------------------------------------------
    async def _peer_events(self, events: trio.MemoryReceiveChannel) -> None:
        async for event in events:
            peer = event.peer_id
            if event.kind is PeerEventKind.CONNECTED:
                self.status.connected.add(peer)
                await self._perform(peer, self.sessions.connected(peer))
            elif event.kind is PeerEventKind.DISCONNECTED:
                self.status.connected.discard(peer)
                self.status.forget(peer)
                self._forget_heard(peer)
                await self._perform(peer, self.sessions.disconnected(peer))
            elif event.kind is PeerEventKind.BANNED:
                self.status.connected.discard(peer)
                self.status.forget(peer)
                self._forget_heard(peer)
                await self._perform(peer, self.sessions.misbehaved(peer))
            elif event.kind is PeerEventKind.DISCOVERED:
                self.sessions.discovered(peer, event.addrs)
                self._sessions_moved()

    def _forget_heard(self, peer: PeerId) -> None:
        for key in [key for key in self._heard_at if key[0] == peer]:
            del self._heard_at[key]

    # -- peer sessions (p2p/session.py) -----------------------------------------------
    def peer_states(self) -> dict[PeerId, SessionState]:
        """Every peer this device has met and its session's state, for a status bar."""
        return self.sessions.states()

    def session_of(self, peer: PeerId) -> PeerSession | None:
        link = self.sessions.link(peer)
        return None if link is None else link.session

    async def connect(self, address: str) -> PeerId:
        """Dial `address` (`/…/p2p/<peer id>`) through the peer's session: it is redialed
        with backoff if the dial fails or the connection later drops. Raises P2PError."""
        return await self._dial(PeerId(address.rsplit("/p2p/", 1)[-1]), [address])

    async def _dial(self, peer: PeerId, addresses: list[str]) -> PeerId:
        """One dial of `peer` by its session: each address in turn until one connects.
        Raises the last address's P2PError once all have failed."""
        self.sessions.dialing(peer, addresses[0])
        self._sessions_moved()
        failure: P2PError | None = None
        for address in addresses:
            try:
                connected = await self.host.connect(address)
            except P2PError as error:
                failure = error
                continue
            self.sessions.discovered(connected, [address])  # tried first next time
            await self._perform(connected, self.sessions.connected(connected))
            return connected
        await self._perform(peer, self.sessions.dial_failed(peer))
        assert failure is not None  # `addresses` is never empty
        raise failure

    def _sessions_moved(self) -> None:
        self.sessions_changed.set()
        self.sessions_changed = trio.Event()

    async def _perform(self, peer: PeerId, actions: tuple[SessionAction, ...]) -> None:
        """Carry out what the session's transition asks for (DIAL is done by the dialer)."""
        self._sessions_moved()
        for action in actions:
            if action is SessionAction.START_HANDSHAKE:
                link = self.sessions.link(peer)
                if link is not None:
                    self._spawn(self._handshake_deadline, peer, link.session)
                await self.sync_with(peer)  # the first accepted hello, either way, is the proof
            elif action is SessionAction.BAN and not self.host.is_banned(peer):
                await self._drop(peer)
            elif action is SessionAction.DISCONNECT:
                self._spawn(self._disconnect, peer)
            elif action is SessionAction.SCHEDULE_REDIAL and self.sessions.addresses.get(peer):
                self._spawn(self._redial, peer)
            # START_SYNC: the reconciliation that moved the session is already running;
            # MARK_IN_SYNC: `status` is updated as each reconciliation ends;
            # DIAL / CANCEL_DIAL: dials are made (and cancelled) by whoever started them.

    def _spawn(self, function: Callable[..., Any], *args: Any) -> None:
        if self._nursery is not None:
            with contextlib.suppress(RuntimeError):  # the service is stopping
                self._nursery.start_soon(function, *args)

    async def _handshake_deadline(self, peer: PeerId, session: PeerSession) -> None:
        await trio.sleep(self.settings.handshake_timeout)
        await self._perform(peer, self.sessions.handshake_timed_out(peer, session))

    async def _disconnect(self, peer: PeerId) -> None:
        with contextlib.suppress(P2PError):
            await self.host.disconnect(peer)

    async def _redial(self, peer: PeerId) -> None:
        await trio.sleep(self.sessions.next_redial_delay(peer))
        if peer in self.host.connected_peers() or self.host.is_banned(peer):
            return
        link = self.sessions.link(peer)
        if link is not None and not link.session.closed:
            return  # a newer session is already at it (the peer dialed us, or a discovery)
        addresses = self.sessions.addresses.get(peer)
        if not addresses:
            return
        try:
            await self._dial(peer, list(addresses))  # a failure schedules the next redial itself
        except P2PError as error:
            logger.info("Redial of %s failed: %s", short(peer), error)

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
        await self._watch_new_spaces()
        for space in list(self._watched):
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
        if self._served_at.get((peer, space), -math.inf) < since and peer in self.host.connected_peers():
            self.schedule(peer, space)

    def schedule(self, peer: PeerId, space: SpaceId) -> None:
        """Reconcile `space` with `peer` unless a session between us for it is running
        already, either way: a session carries ops in both directions."""
        if (peer, space) in self._running or (peer, space) in self._serving or self._nursery is None:
            return
        self._running.add((peer, space))
        try:
            self._nursery.start_soon(self._reconcile_quietly, peer, space)
        except RuntimeError:  # the service is stopping; the host may still deliver gossip
            self._running.discard((peer, space))

    async def _reconcile_quietly(self, peer: PeerId, space: SpaceId) -> None:
        try:
            await self.reconcile(peer, space)
        except exchange.SessionRefused as error:
            logger.info("Peer %s would not sync a circle: %s", short(peer), error)
        except Rejected:
            pass  # `reconcile` penalised and banned the peer
        except (P2PError, trio.BrokenResourceError) as error:
            logger.info("Sync with %s stopped: %s", short(peer), error)
        except Exception:  # one failed session must never stop the service
            logger.exception("Sync with %s failed unexpectedly", short(peer))
        finally:
            self._running.discard((peer, space))

    async def reconcile(self, peer: PeerId, space: SpaceId) -> exchange.SessionReport:
        """One session with `peer` for `space`, as the initiator. Raises SessionRefused,
        before anything is sent, if `peer` is not a current member of a circle we hold."""
        allowed, reason = await self.database.run(access.may_send_to, self.replica, space, device_of(peer))
        if not allowed:
            raise exchange.SessionRefused(reason)
        hello = await self._hello(space)
        self.status.sessions_running += 1
        link, actions = self.sessions.reconcile_started(peer)
        await self._perform(peer, actions)
        failed = False
        try:
            stream = await self.host.open_stream(peer, RECONCILE_PROTOCOL)
            async with stream:
                report = await exchange.initiate(
                    self.database,
                    stream,
                    hello,
                    on_accepted=lambda: self._accepted(peer, link),
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
            await self._perform(peer, self.sessions.reconcile_ended(peer, link, failed=failed))
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

    def _accepted(self, peer: PeerId, link: Link) -> None:
        # HANDSHAKE_OK asks only for START_SYNC, and this reconciliation is that sync.
        self.sessions.reconcile_accepted(link)
        self._sessions_moved()

    async def _misbehaved(self, peer: PeerId, error: Rejected) -> None:
        self.host.penalise(peer, f"sent malformed sync data: {error}", points=5.0)
        actions = self.sessions.misbehaved(peer)
        await self._perform(peer, actions)
        if SessionAction.BAN not in actions:
            await self._drop(peer)

    async def _serve(self, peer: PeerId, stream: FramedStream) -> None:
        link, actions = self.sessions.reconcile_started(peer)
        await self._perform(peer, actions)
        failed = False
        try:
            hello = decode_hello(await stream.receive())
            device = device_of(peer)
            verdict = (False, "not a StudyCircle device key")
            if device is not None:
                verdict = await self.database.run(
                    lambda: access.may_serve(self.replica, hello, device, now_ms=self.clock.now_ms())
                )
            if not verdict[0]:
                await exchange.respond(self.database, stream, hello, verdict)
                return
            self._accepted(peer, link)
            pair = (peer, hello.space)
            self._serving.add(pair)
            self._served_at[pair] = trio.current_time()
            try:
                report = await exchange.respond(self.database, stream, hello, verdict, peer=device)
            finally:
                self._serving.discard(pair)
            await self._after_session(peer, hello.space, report)
        except Rejected as error:
            await self._misbehaved(peer, error)
        except P2PError as error:
            failed = True
            logger.info("Serving %s stopped: %s", short(peer), error)
        finally:
            await self._perform(peer, self.sessions.reconcile_ended(peer, link, failed=failed))

    async def _after_session(self, peer: PeerId, space: SpaceId, report: exchange.SessionReport) -> None:
        if report.faults:  # a member that relays forgeries is broken or hostile
            self.host.penalise(peer, f"{report.faults} forged or malformed ops", points=float(report.faults))
            actions = self.sessions.misbehaved(peer)
            await self._perform(peer, actions)
            if SessionAction.BAN not in actions:
                await self._drop(peer)
        self.status.sessions_done += 1
        self.status.last_sync_ms = self.clock.now_ms()
        self._heard_at[(peer, space)] = trio.current_time()  # level with it now, gossip or not
        self.status.behind.pop((peer, space), None)  # a finished session leaves both sides level
        if report.ops_accepted or report.join_confirmed:  # a confirmed join makes us a member to show
            added = tuple(OpId(op_id) for op_id in report.added)
            self._report(
                Changes(
                    space,
                    added=added,
                    kinds=frozenset(report.kinds),
                    members=report.join_confirmed or report.members,
                    rebuilt=report.rebuilt,
                )
            )
            self._spawn(self._refresh_gossip, [space])  # it may have brought a removal or a join
        self.session_finished.set()
        self.session_finished = trio.Event()

    async def _drop(self, peer: PeerId) -> None:
        """A device that sends malformed or forged sync data is broken or hostile: cut it off."""
        if not self.host.is_banned(peer):
            await self.host.ban(peer, "sent malformed or forged sync data")


def _gates_of(replica: Replica, spaces: list[SpaceId]) -> dict[SpaceId, access.GossipGate | None]:
    return {space: access.gossip_gate(replica, space) for space in spaces}


def _members_among(replica: Replica, space: SpaceId, devices: list[DeviceId]) -> set[DeviceId]:
    return {device for device in devices if access.is_member(replica, space, device)}


def _sealed_digest(replica: Replica, space: SpaceId) -> access.Sealed | None:
    return access.seal(replica, space, encode_digest(access.digest_of(replica, space)))


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
