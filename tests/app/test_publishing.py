"""Publishing own ops: a command hands the ops it signed to the sync service, which
gossips them without reading them back; ops another process wrote into the same data
directory (a CLI command beside a running client) are found and gossiped too."""

from __future__ import annotations

import dataclasses
import random

import pytest
import trio

from app.core import Core
from app.database import Database
from app.network import own_ops
from app.paths import database_path
from app.services.commands import Commands
from p2p.memory import MemoryHub
from sync.ids import SpaceId
from sync.replica import Replica
from sync.wire.gossip import decode_gossip
from sync.wire.op import decode_envelope, decode_header
from sync.wire.reconcile import OpsMessage
from tests.app.conftest import DEADLINE, FAST, Changed, core_for
from tests.cli.helpers import run_process

#: No periodic look in the database: only a hand-over (or a wake-up) can publish.
NO_POLL = dataclasses.replace(FAST, poll_interval=3600.0)


class Gossiped:
    """Own ops a core publishes, as (space, seq), opened with the space's current key."""

    def __init__(self, core: Core) -> None:
        self.seqs: list[tuple[SpaceId, int]] = []
        self.authors: list[bytes] = []  # of every op gossiped
        self._moved = trio.Event()
        publish = core.host.publish

        async def watching_publish(topic: str, data: bytes) -> None:
            for space, gate in list(core.sync.topics.gates.items()):
                payload = gate.gossip.open(data) if gate.gossip.topic == topic else None
                message = None if payload is None else decode_gossip(payload)
                if isinstance(message, OpsMessage):
                    for envelope in message.envelopes:
                        header = decode_header(decode_envelope(envelope)[0])
                        self.seqs.append((space, header.seq))
                        self.authors.append(header.author)
            self._moved.set()
            self._moved = trio.Event()
            await publish(topic, data)

        core.host.publish = watching_publish  # type: ignore[method-assign]

    async def until(self, space: SpaceId, seq: int) -> None:
        with trio.fail_after(DEADLINE):
            while (space, seq) not in self.seqs:
                await self._moved.wait()


@pytest.fixture
def own_op_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[SpaceId, int]]:
    """Every own op the publisher reads back from the database, as (space, seq)."""
    seen: list[tuple[SpaceId, int]] = []
    own_after = own_ops.own_after

    def counting(replica: Replica, space: SpaceId, seq: int) -> list[tuple[int, bytes]]:
        rows = own_after(replica, space, seq)
        seen.extend((space, row_seq) for row_seq, _ in rows)
        return rows

    monkeypatch.setattr(own_ops, "own_after", counting)
    return seen


async def own_seq(core: Core, space: SpaceId) -> int:
    return await core.database.run(own_ops.own_seq, core.database.replica, space)


async def test_a_written_op_is_gossiped_without_reading_it_back(
    homes, changed: Changed, own_op_reads: list[tuple[SpaceId, int]]
) -> None:
    async with core_for(MemoryHub(rng=random.Random(3)), homes("owner"), changed, settings=NO_POLL) as owner:
        gossiped = Gossiped(owner)
        space = await owner.create_circle("Physics")  # its genesis is not handed over: looked up
        genesis = await own_seq(owner, space)
        await gossiped.until(space, genesis)
        looked_up = len(own_op_reads)
        assert looked_up >= genesis  # the instrument sees the publisher's reads

        await owner.post(space, "straight to gossip")
        await owner.post(space, "and another")
        await gossiped.until(space, genesis + 2)

        assert (space, genesis + 1) in gossiped.seqs
        assert own_op_reads[looked_up:] == []
        assert await own_seq(owner, space) == genesis + 2


async def test_an_op_another_process_wrote_is_gossiped(homes, changed: Changed) -> None:
    home = homes("owner")
    async with core_for(MemoryHub(rng=random.Random(3)), home, changed) as owner:
        gossiped = Gossiped(owner)
        space = await owner.create_circle("Physics")
        await gossiped.until(space, await own_seq(owner, space))
        # A second connection to the same files, with no core: what a CLI command is.
        beside = Database(database_path(home), owner.identity.key, verify_workers=0)
        try:
            cli = Commands(database=beside, identity=owner.identity, clock=owner.clock)
            await cli.post(space, "from the command line")
            written = await beside.run(own_ops.own_seq, beside.replica, space)
        finally:
            beside.close()
        await gossiped.until(space, written)


async def test_a_handed_op_after_one_another_process_wrote_publishes_both(homes, changed: Changed) -> None:
    """The hand-over does not skip a gap: ops before it that were never published (another
    process wrote them) are looked up first."""
    home = homes("owner")
    async with core_for(MemoryHub(rng=random.Random(3)), home, changed, settings=NO_POLL) as owner:
        gossiped = Gossiped(owner)
        space = await owner.create_circle("Physics")
        genesis = await own_seq(owner, space)
        await gossiped.until(space, genesis)
        beside = Database(database_path(home), owner.identity.key, verify_workers=0)
        try:
            await Commands(database=beside, identity=owner.identity, clock=owner.clock).post(space, "cli")
        finally:
            beside.close()
        await owner.post(space, "desktop")
        await gossiped.until(space, genesis + 2)
        assert (space, genesis + 1) in gossiped.seqs


async def test_an_op_a_cli_process_writes_is_gossiped_at_once_without_polling(
    homes, changed: Changed
) -> None:
    """The CLI wakes the running core (`app.wake_up`); with no poll, only that can publish it."""
    home = homes("owner")
    async with core_for(MemoryHub(rng=random.Random(3)), home, changed, settings=NO_POLL) as owner:
        gossiped = Gossiped(owner)
        space = await owner.create_circle("Physics")
        genesis = await own_seq(owner, space)
        await gossiped.until(space, genesis)
        done = await trio.to_thread.run_sync(
            lambda: run_process(home, "thread", "new", space.hex()[:12], "--title", "from the shell")
        )
        assert done.code == 0, done.err
        await gossiped.until(space, genesis + 1)


async def test_an_op_signed_by_a_pseudonym_is_never_gossiped(homes, changed: Changed) -> None:
    """Gossipsub signs each message with its publisher's peer id, which every subscriber
    sees: an anonymous survey answer (or a review) published there would name its writer.
    The publisher leaves such ops to reconciliation, however many a pseudonym writes
    (its own seq passing the device's must not make them look like the device's next)."""
    from app.services import surveys
    from sync.survey_keys import survey_pseudonym

    async with core_for(MemoryHub(rng=random.Random(3)), homes("owner"), changed, settings=NO_POLL) as owner:
        gossiped = Gossiped(owner)
        commands = owner.commands
        space = await owner.create_circle("Physics")
        opened = await surveys.open_survey(
            commands, space, "Pulse", anonymous=True, questions=[["scale", "How is it going?", [1, 5]]]
        )
        survey = await surveys.find_survey(commands, opened.hex())
        await surveys.join(commands, survey)
        await surveys.admit(commands, survey)
        device_seq = await own_seq(owner, space)
        for value in range(device_seq + 3):  # the pseudonym's seq passes the device's
            await surveys.answer(commands, survey, [str(1 + value % 5)])
        await owner.post(space, "after the answers")  # handed over last: gossiped
        await gossiped.until(space, device_seq + 1)
        pseudonym = survey_pseudonym(owner.identity.key, space, opened).device_id
        assert pseudonym not in gossiped.authors
        assert set(gossiped.authors) == {owner.identity.key.device_id}
