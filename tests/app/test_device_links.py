"""One person, several devices, between real cores (in memory and over libp2p on
127.0.0.1, real SQLite files): `device link` on the laptop, `device join CODE` on the lab
PC; then both write as one person, My notes is on both, and an unlinked device reads
nothing written after. A wrong link code is refused at once and three lock it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import trio

from app.core import Core
from app.errors import CommandError
from app.network.device_links import DEVICE_LINK_PROTOCOL, Linked
from app.network.room_codes import open_exchange
from app.services import notes
from p2p.errors import P2PError
from p2p.interface import Network
from sync import state
from sync.device_link import LINK, NO_SUCH_LINK, sign_statements
from sync.identity import DeviceKey
from sync.ids import SpaceId
from sync.offline import export_space, import_export
from sync.replica import LOCKED
from sync.room_code import WORDS, JoinerExchange, RoomCode
from sync.wire import device_link as wire
from sync.wire.room_code import Sealed, encode
from tests.app.conftest import Changed, core_for
from tests.cli.helpers import fingerprint


async def link(ana: Core, lab: Core) -> tuple[Linked, Linked]:
    """`lab` (fresh) is linked by `ana`: both sides' view of the finished link."""
    pending = await ana.link_device(minutes=5)
    seen: list[Linked] = []

    async def wait() -> None:
        seen.append(await ana.wait_link())

    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(wait)
            joined = await lab.join_device(pending.code.text(), timeout=30)
    return seen[0], joined


def _titles(core: Core, space: SpaceId) -> set[str]:
    return {item.title for item in state.items(core.database.replica.db, space)}


async def titles(core: Core, space: SpaceId) -> set[str]:
    return await core.database.run(_titles, core, space)


async def note_titles(core: Core) -> set[str]:
    return {row.title for row in await notes.listing(core.commands)}


def wrong_words(code: RoomCode, n: int) -> str:
    others = [word for word in WORDS if word not in code.words]
    return f"{code.channel}-{others[n]}-{others[n + 1]}"


async def test_a_linked_device_is_the_same_person_shares_my_notes_and_is_cut_off_by_unlink(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        space = await ana.create_circle("Calculus I")
        await ana.post(space, "from the laptop")
        await notes.add(ana.commands, "Limits", "from the laptop")
        personal = await notes.notes_space(ana.commands, create=False)
        assert personal is not None
        async with core_for(network, homes("ana-lab"), changed) as lab:
            await lab.host.connect(ana.host.listen_addrs()[0])
            on_ana, on_lab = await link(ana, lab)
            assert (on_ana.device, on_ana.name, on_ana.spaces) == (lab.identity.key.device_id, "ana-lab", 2)
            assert (on_lab.device, on_lab.spaces) == (ana.identity.key.device_id, 2)
            # Everything readable at once on the new device: the circle and My notes.
            assert "from the laptop" in await titles(lab, space)
            assert await note_titles(lab) == {"Limits"}
            assert [s for s, _ in await lab.commands.circles()] == [space]  # My notes is no circle
            assert await lab.shared_spaces() == [space]
            assert set(await lab.synced_spaces()) == {space, personal}

            # Both write; the circle sees one person with two devices.
            await lab.post(space, "from the lab")
            await changed.until(lambda: _has(ana, space, "from the lab"))
            db = ana.database.replica.db
            anas = [p for p in state.persons(db, space) if p.person == ana.identity.key.device_id]
            assert len(state.persons(db, space)) == 1
            assert anas[0].devices == (ana.identity.key.device_id, lab.identity.key.device_id)
            assert state.device_persons(db, space)[lab.identity.key.device_id] == ana.identity.key.device_id

            # My notes both ways, by the ordinary sync (gossip and sessions).
            await notes.add(lab.commands, "Series", "from the lab")
            await changed.until(lambda: _has_note(ana, "Series"))
            await notes.add(ana.commands, "Integrals", "from the laptop")
            await changed.until(lambda: _has_note(lab, "Integrals"))

            rows = await ana.devices()
            assert [(r.device, r.this, r.circles) for r in rows] == [
                (ana.identity.key.device_id, True, 1),
                (lab.identity.key.device_id, False, 1),
            ]
            assert rows[1].name == "ana-lab"

            # The lab PC is lost: unlinked from the laptop, everywhere it was linked.
            with pytest.raises(CommandError, match="device you are using"):
                await ana.unlink_device(ana.identity.key.device_id.hex()[:10])
            device, spaces = await ana.unlink_device(lab.identity.key.device_id.hex()[:10])
            assert (device, spaces) == (lab.identity.key.device_id, 2)
            assert [r.device for r in await ana.devices()] == [ana.identity.key.device_id]
            after = await ana.post(space, "after the unlink")
            secret = await notes.add(ana.commands, "Secret", "after the unlink")
    # Even handed every op (a relay, a stolen backup), the unlinked replica reads nothing new.
    async with (
        core_for(network, homes("ana"), changed) as ana,
        core_for(network, homes("ana-lab"), changed) as lab,
    ):
        for each in (space, personal):
            export = await ana.database.run(export_space, ana.database.replica, each)
            await lab.database.run(import_export, lab.database.replica, export)
        held = lab.database.replica.db.execute(
            "SELECT op_id, status FROM ops WHERE op_id IN (?, ?)", (after, secret)
        ).fetchall()
        assert {row[0] for row in held} == {after, secret}  # the ops are there…
        assert {row[1] for row in held} == {LOCKED}  # …and cannot be opened
        assert "after the unlink" not in await titles(lab, space)
        assert "from the lab" in await titles(lab, space)
        assert "Secret" not in await titles(lab, personal)
        assert "Secret" in await note_titles(ana)


async def _has(core: Core, space: SpaceId, title: str) -> bool:
    return title in await titles(core, space)


async def _has_note(core: Core, title: str) -> bool:
    return title in await note_titles(core)


async def test_wrong_link_codes_are_refused_at_once_and_three_lock_it(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        await ana.create_circle("Calculus I")
        pending = await ana.link_device()
        async with core_for(network, homes("gus"), changed) as gus:
            await gus.host.connect(ana.host.listen_addrs()[0])
            before = fingerprint(homes("gus"))
            for attempt in range(3):
                started = time.monotonic()
                with pytest.raises(CommandError, match="Wrong link code"):
                    await gus.join_device(wrong_words(pending.code, 2 * attempt), timeout=20)
                assert time.monotonic() - started < 5.0  # refused by the answer, not timed out
            with pytest.raises(CommandError, match="locked after 3 wrong tries"):
                await gus.join_device(pending.code.text(), timeout=20)  # the right words, too late
            with pytest.raises(CommandError, match="locked after 3 wrong tries"):
                await ana.wait_link()
            assert fingerprint(homes("gus")) == before
            assert await gus.database.run(gus.database.replica.spaces) == []
            assert [r.device for r in await ana.devices()] == [ana.identity.key.device_id]


async def test_a_room_code_is_no_link_code_and_a_used_device_is_not_linked(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        space = await ana.create_circle("Calculus I")
        pending = await ana.link_device()
        async with core_for(network, homes("ben"), changed) as ben:
            await ben.create_circle("Ben's own")
            await ben.host.connect(ana.host.listen_addrs()[0])
            with pytest.raises(CommandError, match="already holds circles or notes"):
                await ben.join_device(pending.code.text(), timeout=5)
            assert pending.failures == 0  # refused before asking anyone
        async with core_for(network, homes("gus"), changed) as gus:
            await gus.host.connect(ana.host.listen_addrs()[0])
            other = pending.code.channel % 99 + 1  # another channel: nobody here has it
            with pytest.raises(CommandError, match="No device on this network answered link code"):
                await gus.join_device(f"{other}-{pending.code.words[0]}-{pending.code.words[1]}", timeout=1)
            assert pending.failures == 0
            assert await gus.database.run(gus.database.replica.spaces) == []
        assert len(await ana.commands.members(space)) == 1


async def status_of(core: Core, op_id: bytes) -> int | None:
    row = await core.database.run(
        lambda: core.database.replica.db.execute(
            "SELECT status FROM ops WHERE op_id = ?", (op_id,)
        ).fetchone()
    )
    return None if row is None else int(row[0])


async def test_a_rotation_the_new_device_missed_reaches_it_from_a_member(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    """Tess removes Sue before she has heard that Ana linked her lab PC: the new key is
    sealed to Tess and Ana's laptop only. The lab PC, meeting only Tess, still reads
    Tess's next post: the session hands over the key it missed (sync.missed_keys), as
    for any member device (the unlinked and the removed get nothing: test_missed_keys)."""
    async with core_for(network, homes("tess"), changed) as tess:
        space = await tess.create_circle("Physics")
        codes = [await tess.invite(space, addresses=[]) for _ in range(2)]
        for name, code in zip(("ana", "sue"), codes, strict=True):
            async with core_for(network, homes(name), changed) as member:
                await member.host.connect(tess.host.listen_addrs()[0])
                await member.join(code, timeout=20)
    async with (  # Tess is away
        core_for(network, homes("ana"), changed) as ana,
        core_for(network, homes("lab"), changed) as lab,
    ):
        await lab.host.connect(ana.host.listen_addrs()[0])
        await link(ana, lab)
    async with core_for(network, homes("tess"), changed) as tess:
        await tess.commands.remove(space, await tess.commands.resolve_member(space, "sue"))
        after = await tess.post(space, "after the removal")
        async with core_for(network, homes("ana"), changed) as ana:  # Tess learns of the link
            await ana.host.connect(tess.host.listen_addrs()[0])
            await changed.until(lambda: _has(ana, space, "after the removal"))
        async with core_for(network, homes("lab"), changed) as lab:  # Ana's laptop is away
            await lab.host.connect(tess.host.listen_addrs()[0])
            await changed.until(lambda: _has(lab, space, "after the removal"))
            assert await status_of(lab, after) != LOCKED


async def test_consents_signed_for_another_device_are_refused_and_nothing_is_linked(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    """Someone who knows the code (shoulder-surfing) sends consents made by a device that
    is not the one talking: the linker refuses, links nobody, and says so."""
    async with core_for(network, homes("ana"), changed) as ana:
        space = await ana.create_circle("Physics")
        pending = await ana.link_device()
        async with core_for(network, homes("mal"), changed) as mal:
            await mal.host.connect(ana.host.listen_addrs()[0])
            stream = await mal.host.open_stream(ana.host.peer_id, DEVICE_LINK_PROTOCOL)
            async with stream:
                exchange = JoinerExchange(pending.code, os.urandom, LINK)
                payload = await open_exchange(stream, exchange, no_such=NO_SUCH_LINK, max_bytes=10**6)
                assert payload is not None
                offer = wire.decode(payload)
                assert isinstance(offer, wire.LinkOffer) and offer.linker == ana.identity.key.device_id
                victim = DeviceKey(os.urandom(32))  # consents by a key that is not mal's
                forged = sign_statements(victim, offer, name="not me")
                await stream.send(encode(Sealed(exchange.seal(wire.encode(forged)))))
                with pytest.raises(P2PError):  # the linker hangs up: no keys
                    await stream.receive(timeout=10)
            with pytest.raises(CommandError, match="stopped before the link finished"):
                await ana.wait_link()
        assert len(await ana.commands.members(space)) == 1
        assert [r.device for r in await ana.devices()] == [ana.identity.key.device_id]


async def test_a_link_code_works_once(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        await ana.create_circle("Physics")
        async with (
            core_for(network, homes("lab"), changed) as lab,
            core_for(network, homes("gus"), changed) as gus,
        ):
            await lab.host.connect(ana.host.listen_addrs()[0])
            await gus.host.connect(ana.host.listen_addrs()[0])
            pending = await ana.link_device()
            await lab.join_device(pending.code.text(), timeout=20)
            with pytest.raises(CommandError, match="has been used already"):
                await gus.join_device(pending.code.text(), timeout=20)
            assert await gus.database.run(gus.database.replica.spaces) == []


async def test_an_abandoned_try_counts_and_an_expired_code_ends_the_wait(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        await ana.create_circle("Physics")
        pending = await ana.link_device()
        async with core_for(network, homes("mal"), changed) as mal:
            await mal.host.connect(ana.host.listen_addrs()[0])
            async with await mal.host.open_stream(ana.host.peer_id, DEVICE_LINK_PROTOCOL) as stream:
                await stream.send(encode(JoinerExchange(pending.code, os.urandom, LINK).ask()))
                await stream.receive(timeout=10)  # the answer: a guess could be checked now…
            assert pending.failures == 1  # …so walking away spends the try
        short = await ana.link_device(minutes=0.001)  # 60 ms
        assert ana.device_links.pending is short
        with trio.fail_after(10), pytest.raises(CommandError, match="this link code has expired"):
            await ana.wait_link()
        assert ana.device_links.pending is None
