"""A device that missed a rotation's key gets it from another member over the network.

Real cores (SQLite files, real signing) on real py-libp2p on 127.0.0.1 and on the
in-memory network. The history is made beforehand, in-process, on the same data
directories: Tess links her lab PC while the owner removes Ben (the owner's rotation is
sealed to the devices it knew, so not to the lab PC), then the lab PC unlinks Tess's
lost laptop — no device of Tess's holds that key any more. The owner writes after the
removal. Then only the owner and the lab PC run: the lab PC must come to read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

from p2p.interface import Network
from sync import state, writer
from sync.ids import SpaceId
from sync.link import sign_statement
from sync.policy import Level
from sync.replica import Replica
from tests.app.conftest import Changed, core_for
from tests.cli.helpers import open_replica
from tests.sync.helpers import Circle, Clock, device, reconcile


def history(owner_home: Path, tess_home: Path, ben_home: Path, lab_home: Path) -> SpaceId:
    replicas: list[Replica] = []
    try:
        owner, tess, ben, lab = (open_replica(home) for home in (owner_home, tess_home, ben_home, lab_home))
        replicas += [owner, tess, ben, lab]
        circle = Circle.create(Clock(), owner=owner, name="Optics")
        circle.add("Tess", Level.TEACHER, replica=tess)
        circle.add("Ben", replica=ben)
        circle.sync_all()
        space = circle.space
        statement = sign_statement(lab.key, space=space, linker=device(tess))
        writer.link_device(tess, space, statement, now_ms=circle.clock())
        writer.take_space_keys(lab, space, writer.space_keys(tess, space, for_device=device(lab)))
        reconcile(tess, lab, space)
        writer.remove_member(owner, space, device(ben), new_key=os.urandom(32), now_ms=circle.clock())
        reconcile(owner, tess, space)  # the removal's key reaches the laptop only
        writer.unlink_device(lab, space, device(tess), new_key=os.urandom(32), now_ms=circle.clock())
        circle.post(owner, "after the removal")
        return space
    finally:
        for replica in replicas:
            replica.store.close()


async def titles(core: object, space: SpaceId) -> set[str]:
    database = core.database  # type: ignore[attr-defined]
    return {item.title for item in await database.run(state.items, database.replica.db, space)}


async def test_the_lab_pc_reads_what_followed_the_rotation_it_missed(
    network: Network, homes: Callable[[str], Path], changed: Changed
) -> None:
    space = history(homes("owner"), homes("tess"), homes("ben"), homes("lab"))
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        lab = await stack.enter_async_context(core_for(network, homes("lab"), changed))
        assert "after the removal" not in await titles(lab, space)
        await lab.sync.connect(owner.host.listen_addrs()[0])
        await changed.until(lambda: _reads(lab, space))
        me = lab.identity.key.device_id
        assert [m.name for m in await lab.commands.members(space) if m.has_device(me)] == ["Tess"]
        assert await lab.commands.members(space) == await owner.commands.members(space)
        assert (await lab.state(space)).state_hash == (await owner.state(space)).state_hash


async def _reads(core: object, space: SpaceId) -> bool:
    return "after the removal" in await titles(core, space)
