"""Joining through the app core (in-memory network): a refused join leaves nothing behind."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import trio

from app import identity
from app.services.commands import CommandError
from p2p.memory import MemoryHub
from tests.app.conftest import Changed, core_for
from tests.cli.helpers import fingerprint


async def test_a_used_up_invite_is_refused_at_once_and_the_joiner_keeps_nothing(tmp_path: Path) -> None:
    network, changed = MemoryHub(rng=random.Random(5)), Changed()
    homes = {name: tmp_path / name for name in ("ana", "fay", "gus")}
    for name, home in homes.items():
        identity.create(home, name.capitalize())
    async with core_for(network, homes["ana"], changed) as ana:
        space = await ana.create_circle("Physics")
        code = await ana.invite(space, uses=1)
        async with core_for(network, homes["fay"], changed) as fay:
            assert await fay.join(code) == space
        async with core_for(network, homes["gus"], changed) as gus:
            before = fingerprint(homes["gus"])
            with trio.fail_after(20), pytest.raises(CommandError, match="the invite has been used up"):
                await gus.join(code, timeout=60)  # refused by the inviter, not timed out
            assert fingerprint(homes["gus"]) == before
            assert await gus.database.run(gus.database.replica.spaces) == []


async def test_an_unreachable_inviter_times_out_and_the_joiner_keeps_nothing(tmp_path: Path) -> None:
    network, changed = MemoryHub(rng=random.Random(6)), Changed()
    for name in ("ana", "gus"):
        identity.create(tmp_path / name, name.capitalize())
    async with core_for(network, tmp_path / "ana", changed) as ana:
        space = await ana.create_circle("Physics")
        code = await ana.invite(space, addresses=[])
    async with core_for(network, tmp_path / "gus", changed) as gus:
        before = fingerprint(tmp_path / "gus")
        with pytest.raises(CommandError, match="Could not reach a member of the circle"):
            await gus.join(code, timeout=0.5)
        assert fingerprint(tmp_path / "gus") == before
        assert await gus.database.run(gus.database.replica.spaces) == []
