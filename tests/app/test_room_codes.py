"""Room codes between real cores (in memory and over libp2p on 127.0.0.1): a person types
`7-guitar-harbor`, the device that made it hands over the circle's invite, and a guesser
gets three tries at most."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import trio

from app.core import Core
from app.errors import CommandError
from app.room_offers import OFFERS_FILE, add_offer, device_is_serving, edit_offers
from p2p.interface import Network
from sync.room_code import WORDS, RoomCode, RoomOffer
from tests.app.conftest import Changed, core_for
from tests.cli.helpers import fingerprint

MINUTE = 60_000


async def open_offer(
    owner: Core, home: Path, *, uses: int = 2, minutes: float = 10
) -> tuple[bytes, RoomOffer]:
    space = await owner.create_circle("Calculus I")
    code = await owner.invite(space, uses=uses, expires_hours=minutes / 60)
    now_ms = owner.clock.now_ms()
    offer = add_offer(
        home, invite_code=code, circle_name="Calculus I", minutes=minutes, uses=uses, now_ms=now_ms
    )
    return space, offer


def wrong_words(code: RoomCode, n: int) -> str:
    others = [word for word in WORDS if word not in code.words]
    return f"{code.channel}-{others[n]}-{others[n + 1]}"


async def test_a_room_code_joins_the_circle(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        space, offer = await open_offer(ana, homes("ana"))
        async with core_for(network, homes("ben"), changed) as ben:
            await ben.host.connect(ana.host.listen_addrs()[0])
            with trio.fail_after(30):
                assert await ben.join(offer.code.text().upper().replace("-", " "), timeout=20) == space
            assert "ben" in {member.name for member in await ana.commands.members(space)}
    with edit_offers(homes("ana"), now_ms=ana.clock.now_ms()) as offers:
        assert offers[offer.code.channel].uses_left == 1
        assert offers[offer.code.channel].failures == 0


async def test_wrong_words_are_refused_at_once_and_three_lock_the_code(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        _, offer = await open_offer(ana, homes("ana"))
        async with core_for(network, homes("gus"), changed) as gus:
            await gus.host.connect(ana.host.listen_addrs()[0])
            before = fingerprint(homes("gus"))
            for attempt in range(3):
                started = time.monotonic()
                with pytest.raises(CommandError, match="Wrong room code"):
                    await gus.join(wrong_words(offer.code, 2 * attempt), timeout=20)
                assert time.monotonic() - started < 5.0  # refused by the answer, not timed out
            with pytest.raises(CommandError, match="locked after 3 wrong tries"):
                await gus.join(offer.code.text(), timeout=20)  # the right words, too late
            assert fingerprint(homes("gus")) == before
            assert await gus.database.run(gus.database.replica.spaces) == []


async def test_a_code_nobody_has_times_out_saying_what_to_check(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        _, offer = await open_offer(ana, homes("ana"))
        other_channel = offer.code.channel % 99 + 1
        async with core_for(network, homes("gus"), changed) as gus:
            await gus.host.connect(ana.host.listen_addrs()[0])
            with pytest.raises(CommandError, match="No device on this network answered room code"):
                await gus.join(f"{other_channel}-{offer.code.words[0]}-{offer.code.words[1]}", timeout=1)
    with edit_offers(homes("ana"), now_ms=0) as offers:
        assert offers[offer.code.channel].failures == 0  # another channel spends nothing


async def test_an_expired_code_is_refused_and_dropped(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        _, offer = await open_offer(ana, homes("ana"), minutes=0.001)  # 60 ms
        with trio.fail_after(5):
            while ana.clock.now_ms() <= offer.expires_ms:
                await trio.sleep(0.01)
        async with core_for(network, homes("gus"), changed) as gus:
            await gus.host.connect(ana.host.listen_addrs()[0])
            with pytest.raises(CommandError, match="this room code has expired; ask for a new one"):
                await gus.join(offer.code.text(), timeout=5)
    assert json.loads((homes("ana") / OFFERS_FILE).read_text()) == []  # and dropped


def test_a_code_needs_the_device_running_and_its_file_is_private(homes: Callable[[str], Path]) -> None:
    home = homes("ana")
    assert not device_is_serving(home)
    with pytest.raises(CommandError, match="only while this device is on the network"):
        add_offer(home, invite_code="sc2.x", circle_name="C", minutes=10, uses=1, now_ms=0)
    assert not (home / OFFERS_FILE).exists()


async def test_the_offers_file_is_0600_and_a_damaged_one_is_survived(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    async with core_for(network, homes("ana"), changed) as ana:
        await open_offer(ana, homes("ana"))
        path = homes("ana") / OFFERS_FILE
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert json.loads(path.read_text())[0]["invite_code"].startswith("sc2.")
        path.write_text("{not json")
        _, offer = await open_offer(ana, homes("ana"))
        assert [entry["channel"] for entry in json.loads(path.read_text())] == [offer.code.channel]
