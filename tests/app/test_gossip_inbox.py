"""Gossip taken onto the database worker in batches: what queues during a trip goes in
the next one, outcomes come back in arrival order, and one bad message is its own."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import trio

from app import identity
from app.clock import SystemClock
from app.database import Database
from app.network import gossip_inbox
from app.network.gossip_inbox import GossipInbox, HeardDigest, Outcome
from app.paths import database_path
from app.services.commands import Commands
from p2p.identity import PeerId, peer_id_from_public_key
from sync import access
from sync.ids import SpaceId
from sync.wire.gossip import encode_digest

PEER = PeerId("12D3KooWPeer")  # not a device key: nothing it publishes is taken


async def test_messages_queued_during_a_trip_go_together_in_arrival_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    identity.create(tmp_path, "Ana")
    me = identity.load(tmp_path)
    database = Database(database_path(tmp_path), me.key, verify_workers=0)
    try:
        space = await Commands(database=database, identity=me, clock=SystemClock()).create_circle("Algebra")
        replica = database.replica
        ours = await database.run(access.digest_of, replica, space)
        sealed_digest = await database.run(access.seal, replica, space, encode_digest(ours))
        sealed_garbage = await database.run(lambda: access.seal(replica, space, b"\x93 not gossip"))
        stranger = SpaceId(bytes(16))
        assert sealed_digest is not None and sealed_garbage is not None
        digest, garbage = sealed_digest.data, sealed_garbage.data
        member = peer_id_from_public_key(me.key.device_id)  # Ana's other process, as it were

        trips: list[int] = []
        first_trip, release = threading.Event(), threading.Event()
        take_batch = gossip_inbox.take_batch

        def recording(replica, messages):  # type: ignore[no-untyped-def]
            trips.append(len(messages))
            if len(trips) == 1:
                first_trip.set()
                assert release.wait(timeout=10)  # hold the worker while more messages queue
            return take_batch(replica, messages)

        monkeypatch.setattr(gossip_inbox, "take_batch", recording)
        outcomes: list[tuple[PeerId, SpaceId, Outcome]] = []
        inbox = GossipInbox(database, lambda peer, where, outcome: outcomes.append((peer, where, outcome)))
        async with trio.open_nursery() as nursery:
            nursery.start_soon(inbox.run)
            await inbox.handler(space)(member, digest)
            await trio.to_thread.run_sync(first_trip.wait)
            await inbox.handler(space)(member, garbage)
            await inbox.handler(stranger)(member, digest)  # sealed for another space
            await inbox.handler(space)(member, digest)
            await inbox.handler(space)(PEER, digest)  # authentic, but not from a member's device
            release.set()
            with trio.fail_after(10):
                while len(outcomes) < 5:
                    await trio.sleep(0.01)
            nursery.cancel_scope.cancel()
    finally:
        database.close()

    assert trips == [1, 4]
    kinds = [type(outcome).__name__ for _, _, outcome in outcomes]
    assert kinds == ["HeardDigest", "str", "NoneType", "HeardDigest", "NoneType"]
    assert isinstance(outcomes[0][2], HeardDigest) and outcomes[0][2].same
    assert str(outcomes[1][2]).startswith("malformed gossip")
    assert outcomes[2][1] == stranger


async def test_a_full_inbox_drops_the_hint_and_counts_it(tmp_path: Path) -> None:
    identity.create(tmp_path, "Ana")
    me = identity.load(tmp_path)
    database = Database(database_path(tmp_path), me.key, verify_workers=0)
    try:
        inbox = GossipInbox(database, lambda *_: None, queue_size=2)
        handle = inbox.handler(SpaceId(bytes(16)))
        for _ in range(3):  # nobody takes them: the run task is not started
            await handle(PEER, b"hint")
        assert inbox.dropped == 1
    finally:
        database.close()


def test_one_failing_message_does_not_lose_the_rest_of_its_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    def take(replica, space, publisher, data):  # type: ignore[no-untyped-def]
        if data == b"bug":
            raise RuntimeError("a bug in one message's handling")
        return f"taken {data.decode()}"

    monkeypatch.setattr(gossip_inbox, "take_gossip", take)
    space = SpaceId(bytes(16))
    messages = [(space, None, b"a"), (space, None, b"bug"), (space, None, b"c")]
    outcomes = gossip_inbox.take_batch(None, messages)  # type: ignore[arg-type]
    assert outcomes == ["taken a", None, "taken c"]
