"""`device join` run again on a device already linked (the first run stopped once the
keys had arrived): it says whose device it is and finishes by syncing, without linking
anything again; a code from another person's link links nothing; a fresh device still
needs a code, and a device holding its own circles is still refused. Real cores, real
SQLite files, in memory and over py-libp2p on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trio

from app.core import Core
from app.errors import CommandError
from app.services import devices, notes
from p2p.errors import P2PError
from p2p.interface import Network
from sync import state
from sync.ids import SpaceId
from sync.offline import export_space, import_export
from tests.app.conftest import Changed, core_for
from tests.app.test_device_links import link, note_titles, titles


async def interrupted_link(ana: Core, lab: Core) -> str:
    """`ana` links `lab`; `lab` stops right after taking the keys (its first sync
    session fails), as a process killed at that moment would. Returns the code."""
    pending = await ana.link_device(minutes=5)
    code = pending.code.text()

    async def cut(*_: Any) -> None:
        raise P2PError("the connection dropped")

    lab.sync.reconcile = cut  # type: ignore[method-assign]
    try:
        with trio.fail_after(60):
            async with trio.open_nursery() as nursery:

                async def wait() -> None:
                    with pytest.raises(CommandError, match="stopped before the link finished"):
                        await ana.wait_link()

                nursery.start_soon(wait)
                with pytest.raises(P2PError):
                    await lab.join_device(code, timeout=30)
    finally:
        del lab.sync.reconcile
    return code


def _persons(core: Core, space: SpaceId) -> list[tuple[bytes, tuple[bytes, ...]]]:
    return [(p.person, p.devices) for p in state.persons(core.database.replica.db, space)]


async def test_a_join_stopped_after_the_keys_finishes_when_run_again_with_or_without_the_code(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        space = await ana.create_circle("Calculus I")
        await ana.post(space, "from the laptop")
        await notes.add(ana.commands, "Limits", "from the laptop")
        async with core_for(network, homes("ana-lab"), changed) as lab:
            await lab.host.connect(ana.host.listen_addrs()[0])
            code = await interrupted_link(ana, lab)
            assert len(await lab.database.run(lab.database.replica.spaces)) == 2  # the keys arrived
            links_before = await ana.devices()

            told: list[devices.LinkedTo] = []
            with trio.fail_after(60):
                again = await lab.join_device(code, timeout=30, resuming=told.append)
            assert [t.name for t in told] == ["ana"]
            assert (again.resumed, again.name, again.spaces, again.refused) == (True, "ana", 2, ())
            assert "from the laptop" in await titles(lab, space)
            assert await note_titles(lab) == {"Limits"}
            me, anas = lab.identity.key.device_id, ana.identity.key.device_id
            assert await lab.database.run(_persons, lab, space) == [(anas, (anas, me))]

            # Nothing was linked again: the same two devices, and no link code was asked for.
            assert [r.device for r in await ana.devices()] == [r.device for r in links_before]
            assert ana.device_links.pending is None

            # Without a code, once linked: the same, and nothing new to fetch.
            told.clear()
            with trio.fail_after(60):
                third = await lab.join_device(None, timeout=30, resuming=told.append)
            assert (third.resumed, third.name, third.spaces) == (True, "ana", 2)
            assert told[0].device == anas  # the person, now that the ops have arrived


async def test_a_code_from_another_persons_link_is_refused_and_links_nothing_on_a_linked_device(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with (
        core_for(network, homes("ana"), changed) as ana,
        core_for(network, homes("bob"), changed) as bob,
        core_for(network, homes("ana-lab"), changed) as lab,
    ):
        space = await ana.create_circle("Calculus I")
        bobs = await bob.create_circle("Bob's circle")
        await lab.host.connect(ana.host.listen_addrs()[0])
        await link(ana, lab)
        await lab.host.connect(bob.host.listen_addrs()[0])
        pending = await bob.link_device(minutes=5)
        with trio.fail_after(60):
            with pytest.raises(CommandError, match=r"already linked to ana, and a device belongs to one"):
                await lab.join_device(pending.code.text(), timeout=30)
            # Bob's device learns that the device it talked to stopped: nothing was linked.
            with pytest.raises(CommandError, match="stopped before the link finished"):
                await bob.wait_link()
        assert [r.device for r in await bob.devices()] == [bob.identity.key.device_id]
        assert bobs not in await lab.database.run(lab.database.replica.spaces)
        me = lab.identity.key.device_id
        assert [m.device for m in await bob.commands.members(bobs)] == [bob.identity.key.device_id]
        assert await lab.database.run(_persons, lab, space) == [
            (ana.identity.key.device_id, (ana.identity.key.device_id, me))
        ]


async def test_a_fresh_device_needs_a_code_and_a_device_of_its_own_is_still_refused(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("gus"), changed) as gus:
        with pytest.raises(CommandError, match="not linked yet: give the link code"):
            await gus.join_device(None, timeout=1)
        await gus.create_circle("Gus's own")
        for code in (None, "12-apple-river"):
            with pytest.raises(CommandError, match="already holds circles or notes of its own"):
                await gus.join_device(code, timeout=1)
        with pytest.raises(CommandError, match="link code is not valid"):
            await gus.join_device("not a code", timeout=1)


async def test_an_unlinked_device_is_told_it_cannot_be_linked_again(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with (
        core_for(network, homes("ana"), changed) as ana,
        core_for(network, homes("ana-lab"), changed) as lab,
    ):
        await ana.create_circle("Calculus I")
        await lab.host.connect(ana.host.listen_addrs()[0])
        await link(ana, lab)
        await ana.unlink_device(lab.identity.key.device_id.hex())
        for space in await ana.database.run(ana.database.replica.spaces):  # the unlink, by hand
            export = await ana.database.run(export_space, ana.database.replica, space)
            await lab.database.run(import_export, lab.database.replica, export)
        pending = await ana.link_device(minutes=5)
        cannot = r"was unlinked from ana.s devices, and an unlinked device cannot be linked again"
        with pytest.raises(CommandError, match=cannot):
            await lab.join_device(pending.code.text(), timeout=5)
        with pytest.raises(CommandError, match="was unlinked"):
            await lab.join_device(None, timeout=5)
        assert (pending.failures, pending.joined) == (0, 0)
        ana.device_links.close()
