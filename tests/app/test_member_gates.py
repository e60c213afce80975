"""Only current members get anything, and topics do not give circles away: attacks made
over real py-libp2p on 127.0.0.1 by a removed member and by a stranger, with the
project's own modules and raw hosts.

- A removed member keeps the old epoch key. Its gossip sealed with it (a digest claiming
  a million ops) is refused and costs it, and does not make the owner open a session
  to it; the owner refuses to open one when asked, and the removed device gets nothing
  written after its removal.
- An initiator opens no session with a responder that is not a member, however
  willing that responder is.
- A removed device's invite (multi-use, unexpired) opens nothing.
- The topics a device announces to whoever connects are not the public space id's
  hash, need the current key to compute, and move with a rotation.
- A stranger's undecryptable gossip is not relayed to other subscribers and costs it
  (penalty, then ban).
- A member that has not heard of a rotation follows the others to the new topic by
  gossip alone (the rotation notice left on the old topic).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import trio

from app.core import Core
from app.network import exchange
from app.network.exchange import SessionRefused
from app.network.sync_service import RECONCILE_PROTOCOL, SyncSettings
from app.services.commands import parse_invite
from p2p.errors import P2PError
from p2p.events import PeerEvent, PeerEventKind
from p2p.framing import FramedStream
from p2p.host import Libp2pHost, Libp2pNetwork
from p2p.identity import PeerId, to_libp2p_id
from p2p.interface import Network
from sync import access
from sync.crypto import encrypt_body
from sync.ids import OpId, SpaceId, digest
from sync.wire.gossip import (
    Answer,
    Digest,
    Hello,
    decode_answer,
    decode_hello,
    encode_answer,
    encode_digest,
    encode_hello,
    encode_sealed,
)
from tests.app.conftest import DEADLINE, FAST, Changed, core_for
from tests.p2p.conftest import device_seed, loopback_config


# -- an attacker's tools ------------------------------------------------------------------
def announced_topics(listener: Libp2pHost, peer: PeerId) -> set[str]:
    """The topics `peer` told `listener` it subscribes to: what any connecting peer learns."""
    subscriptions = listener.gossip._pubsub.peer_topics  # what py-libp2p keeps of each greeting
    who = to_libp2p_id(peer)
    return {topic for topic, peers in subscriptions.items() if who in peers}


def sealed_under(epoch_key: bytes, space: SpaceId, payload: bytes) -> bytes:
    """A gossip message sealed as docs/protocol.md describes, under a key of one's choice."""
    key = hashlib.blake2b(epoch_key, digest_size=32, person=b"sc-gossip-key").digest()
    sealed = encrypt_body(key, access.GOSSIP_AD + space, payload)
    return encode_sealed(sealed[:12], sealed[12:])


def public_topic(space: SpaceId) -> str:
    """The topic name anyone could compute from the space id (as it was named before)."""
    return "studycircle/" + digest(space, person=b"sc-topic")[:16].hex()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for a state another task or peer brings about (gossip greetings, meshes)."""
    with trio.fail_after(DEADLINE):
        while not condition():
            await trio.sleep(0.05)


async def holds(core: Core, op_id: OpId) -> bool:
    replica = core.database.replica
    query = "SELECT 1 FROM ops WHERE op_id = ?"
    row = await core.database.run(lambda: replica.db.execute(query, (op_id,)).fetchone())
    return row is not None


async def same_state(cores: list[Core], space: SpaceId) -> bool:
    return len({(await core.state(space)).state_hash for core in cores}) == 1


async def remove(owner: Core, space: SpaceId, who: Core) -> None:
    member = await owner.commands.resolve_member(space, who.identity.name)
    await owner.commands.remove(space, member)


async def joined(stack: AsyncExitStack, owner: Core, home: Path, code: str, changed: Changed) -> Core:
    """A member's core, joined with `code` and level with the owner."""
    network = Libp2pNetwork()
    member = await stack.enter_async_context(core_for(network, home, changed))
    space = await member.join(code)
    await changed.until(lambda: same_state([owner, member], space))
    return member


async def raw_host(stack: AsyncExitStack, name: str) -> Libp2pHost:
    """A bare py-libp2p host on 127.0.0.1, for a stranger's own tooling."""
    config = loopback_config()
    return await stack.enter_async_context(Libp2pNetwork().open_host(device_seed(name), config))


class WillingResponder:
    """A reconcile handler that accepts every hello: with a core, it asks for whatever
    that core lacks; without, it keeps every frame it is sent and says nothing."""

    def __init__(self, core: Core | None) -> None:
        self.core = core
        self.hellos: list[Hello] = []
        self.frames: list[bytes] = []
        self.opened = trio.Event()

    async def __call__(self, peer: PeerId, stream: FramedStream) -> None:
        self.opened.set()
        hello = decode_hello(await stream.receive())
        self.hellos.append(hello)
        if self.core is not None:
            await exchange.respond(self.core.database, stream, hello, (True, ""))
            return
        await stream.send(encode_answer(Answer(True)))
        with contextlib.suppress(P2PError):
            while True:  # its turns, answered with empty ones until it stops
                frame = await stream.receive()
                if frame:
                    self.frames.append(frame)
                else:
                    await stream.send(b"")


async def first_event(
    events: trio.MemoryReceiveChannel[PeerEvent], kind: PeerEventKind, peer: PeerId
) -> None:
    async for event in events:
        if event.kind is kind and event.peer_id == peer:
            return


# -- the attacks ---------------------------------------------------------------------------
async def test_a_removed_members_old_epoch_digest_costs_it_opens_no_session_and_brings_it_nothing(
    homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(Libp2pNetwork(), homes("owner"), changed))
        space = await owner.create_circle("Chemistry")
        rex = await joined(stack, owner, homes("rex"), await owner.invite(space), changed)
        replica = rex.database.replica
        old_key = await rex.database.run(lambda: replica.context(space).keyring[space])
        await remove(owner, space, rex)
        after_removal = await owner.post(space, "what rex must not get")
        willing = WillingResponder(rex)
        rex.host.set_stream_handler(RECONCILE_PROTOCOL, willing)
        events = owner.host.peer_events()
        rex_peer = rex.host.peer_id
        claim = sealed_under(old_key, space, encode_digest(Digest(space, bytes(32), 1_000_000)))
        penalised = trio.Event()

        async def watch() -> None:
            await first_event(events, PeerEventKind.MISBEHAVED, rex_peer)
            penalised.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(watch)
            with trio.fail_after(DEADLINE):
                # On every topic the owner announces, until it reacts either way.
                while not (penalised.is_set() or willing.opened.is_set()):
                    for topic in announced_topics(rex.host, owner.host.peer_id):  # type: ignore[arg-type]
                        await rex.host.publish(topic, claim)
                    with trio.move_on_after(0.2):
                        await penalised.wait()
            nursery.cancel_scope.cancel()
        assert not willing.opened.is_set(), "the removed device's digest made the owner open a session to it"
        assert owner.host.misbehaviour(rex_peer) > 0
        with pytest.raises(SessionRefused, match="not a current member"):
            await owner.sync.reconcile(rex_peer, space)
        assert not willing.opened.is_set() and willing.hellos == []
        assert not await holds(rex, after_removal)


async def test_an_initiator_sends_nothing_to_a_responder_that_is_not_a_member(
    homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(Libp2pNetwork(), homes("owner"), changed))
        space = await owner.create_circle("History")
        await owner.post(space, "members only")
        stranger = await raw_host(stack, "stranger")
        willing = WillingResponder(None)
        stranger.set_stream_handler(RECONCILE_PROTOCOL, willing)
        peer = await owner.host.connect(stranger.listen_addrs()[0])
        with pytest.raises(SessionRefused, match="not a current member"):
            await owner.sync.reconcile(peer, space)
        assert not willing.opened.is_set() and willing.hellos == [] and willing.frames == []


async def test_a_removed_devices_unexpired_multi_use_invite_opens_nothing(homes, changed: Changed) -> None:
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(Libp2pNetwork(), homes("owner"), changed))
        space = await owner.create_circle("Latin")
        code = await owner.invite(space, uses=5)
        rex = await joined(stack, owner, homes("rex"), code, changed)
        await remove(owner, space, rex)
        invite = parse_invite(code, now_ms=rex.clock.now_ms())
        peer = await rex.host.connect(owner.host.listen_addrs()[0])
        stream = await rex.host.open_stream(peer, RECONCILE_PROTOCOL)
        await stream.send(encode_hello(Hello(space, invite.token_bytes, invite.signature)))
        answer = decode_answer(await stream.receive())
        assert not answer.accepted
        assert "removed" in answer.reason
        assert access.is_final_refusal(answer.reason)  # `circle join` says so rather than retrying


async def test_a_stranger_cannot_tell_from_topics_which_circle_a_device_is_in(
    homes, changed: Changed
) -> None:
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(Libp2pNetwork(), homes("owner"), changed))
        space = await owner.create_circle("Biology")
        code = await owner.invite(space, uses=2)
        ben = await joined(stack, owner, homes("ben"), code, changed)
        rex = await joined(stack, owner, homes("rex"), code, changed)
        stranger = await raw_host(stack, "stranger")
        for member in (owner, ben):
            await stranger.connect(member.host.listen_addrs()[0])

        def shared() -> set[str]:
            """Topics both members announce: a circle they share, if one could name it."""
            return announced_topics(stranger, owner.host.peer_id) & announced_topics(
                stranger, ben.host.peer_id
            )

        await until(lambda: bool(shared()))
        before = shared()
        assert public_topic(space) not in before  # nothing computable from the public id
        assert all(space.hex() not in topic for topic in before)

        # The removal rotates the key: the members move to a topic the removed device
        # cannot name from any key it holds.
        await remove(owner, space, rex)
        await until(lambda: bool(shared()) and not shared() & before)
        after = shared()
        replica = rex.database.replica
        rex_keys = await rex.database.run(lambda: list(replica.context(space).keyring.values()))
        assert rex_keys and not {access.topic_for(space, key) for key in rex_keys} & after
        assert public_topic(space) not in after


async def test_a_strangers_undecryptable_gossip_is_not_relayed_and_costs_it(homes, changed: Changed) -> None:
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(Libp2pNetwork(), homes("owner"), changed))
        space = await owner.create_circle("Music")
        listener, stranger = await raw_host(stack, "listener"), await raw_host(stack, "stranger")
        owner_peer = owner.host.peer_id
        await listener.connect(owner.host.listen_addrs()[0])
        await stranger.connect(owner.host.listen_addrs()[0])
        await until(lambda: bool(announced_topics(listener, owner_peer)))
        await until(lambda: bool(announced_topics(stranger, owner_peer)))
        (topic,) = announced_topics(listener, owner_peer)

        # Another subscriber of the topic (it learned the name the same way): what the
        # owner relays reaches it. It hears the owner's own digests first.
        heard: list[PeerId] = []

        async def on_gossip(origin: PeerId, data: bytes) -> None:
            heard.append(origin)

        await listener.subscribe(topic, on_gossip)
        await until(lambda: owner_peer in heard)

        events = owner.host.peer_events()
        junk = sealed_under(secrets.token_bytes(32), space, encode_digest(Digest(space, bytes(32), 1)))
        banned = trio.Event()

        async def watch() -> None:
            await first_event(events, PeerEventKind.BANNED, stranger.peer_id)
            banned.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(watch)
            with trio.fail_after(DEADLINE):
                while not banned.is_set() and stranger.peer_id not in heard:
                    await stranger.publish(topic, junk)
                    with trio.move_on_after(0.1):
                        await banned.wait()
            nursery.cancel_scope.cancel()
        assert stranger.peer_id not in heard, "the owner relayed a stranger's undecryptable gossip"
        assert owner.host.is_banned(stranger.peer_id)
        # Anything the owner had relayed would have reached the listener before the
        # owner's next digest on the same connection.
        count = heard.count(owner_peer)
        await until(lambda: heard.count(owner_peer) > count)
        assert stranger.peer_id not in heard


async def test_a_member_follows_a_rotation_to_the_new_topic_by_gossip_alone(
    network: Network, homes, changed: Changed
) -> None:
    # No timer and no silence trigger: only gossip can bring Ben the removal.
    gossip_only = SyncSettings(
        poll_interval=FAST.poll_interval,
        digest_interval=FAST.digest_interval,
        reconcile_interval=3600.0,
        gossip_silence=3600.0,
    )
    async with AsyncExitStack() as stack:
        owner, ben, rex = [
            await stack.enter_async_context(core_for(network, homes(name), changed, settings=gossip_only))
            for name in ("owner", "ben", "rex")
        ]
        space = await owner.create_circle("Drama")
        code = await owner.invite(space, uses=2)
        for member in (ben, rex):
            await member.join(code)
        await changed.until(lambda: same_state([owner, ben, rex], space))
        before = await ben.database.run(access.gossip_key, ben.database.replica, space)
        await remove(owner, space, rex)
        after_removal = await owner.post(space, "for the remaining members")

        async def ben_followed() -> bool:
            current = await ben.database.run(access.gossip_key, ben.database.replica, space)
            return current is not None and current != before and await holds(ben, after_removal)

        await changed.until(ben_followed)
        assert await same_state([owner, ben], space)
        assert not await holds(rex, after_removal)
