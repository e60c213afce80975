"""Bounded by bytes, over real py-libp2p on 127.0.0.1: a member pushes ops signed by
throwaway keys whose prev is a made-up hash (they park, waiting for a past that never
comes). The owner keeps at most 32 MiB of them for the circle and 4 MiB per author."""

from __future__ import annotations

from contextlib import AsyncExitStack

import trio

from p2p.host import Libp2pNetwork
from sync.replica import MAX_PENDING_AUTHOR_BYTES, MAX_PENDING_BYTES
from sync.wire.gossip import Hello
from sync.wire.op import MAX_BODY_BYTES
from sync.wire.reconcile import OpsMessage, encode
from tests.app.conftest import DEADLINE, Changed, core_for, open_reconcile
from tests.sync.test_pending_bounds import parked_bytes, stray


async def test_a_member_flooding_parked_ops_costs_the_owner_at_most_the_byte_bounds(
    homes, changed: Changed
) -> None:
    network = Libp2pNetwork()
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        space = await owner.create_circle("Physics")
        code = await owner.invite(space)
        rogue = await stack.enter_async_context(core_for(network, homes("rogue"), changed))
        await rogue.join(code)
        # 12 throwaway keys × 14 ops of 256 KiB: 42 MiB, 3.5 MiB a key.
        flood = [stray(space, f"net-{k}", seq, MAX_BODY_BYTES) for k in range(12) for seq in range(2, 16)]
        answer, stream = await open_reconcile(rogue, owner, Hello(space))
        assert answer.accepted
        with trio.fail_after(DEADLINE * 2):
            for start in range(0, len(flood), 7):  # ~1.8 MiB a message, under the 2 MiB cap
                await stream.send(encode(OpsMessage(space, tuple(flood[start : start + 7]))))
            await stream.send(b"")  # end of our turn: the owner has taken all once it ends its own
            while await stream.receive():
                pass
        replica = owner.database.replica
        per_author = await owner.database.run(lambda: parked_bytes(replica, space))
        assert sum(per_author.values()) <= MAX_PENDING_BYTES
        assert sum(per_author.values()) > MAX_PENDING_BYTES - 2 * MAX_BODY_BYTES  # it was full
        assert max(per_author.values()) <= MAX_PENDING_AUTHOR_BYTES
        # Authentic ops are no peer fault: the member is neither penalised nor banned.
        assert owner.host.misbehaviour(rogue.host.peer_id) == 0 and not owner.host.is_banned(
            rogue.host.peer_id
        )
