"""One limit, checked alike, over real py-libp2p on 127.0.0.1.

A member that writes the largest item its device allows must never be taken for a
hostile peer: before the writer and the peers measured the same cap, a body of
262,117 to 262,144 bytes was written locally, then refused by every peer as oversize,
which closed the connection, banned the author and left its later ops pending. And a
device that did send one bad op is served again once its ban is over.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

import trio

from app.core import Core
from app.errors import CommandError
from p2p.config import ConductPolicy, HostConfig
from p2p.events import PeerEventKind
from p2p.host import Libp2pNetwork
from sync.wire.body import encode_body
from sync.wire.gossip import Hello
from sync.wire.op import MAX_PLAINTEXT_BYTES
from tests.app.conftest import DEADLINE, FAST, Changed, core_for, open_reconcile
from tests.app.test_sync_service import forged_ops, titles


def text_for(title: str, size: int) -> str:
    """The text that makes `post`'s body exactly `size` bytes once encoded."""
    text = "é" * min(70_000, size // 3)  # two bytes each: the text stays under its character limit
    while (short := size - len(encode_body({"title": title, "text": text}))) != 0:
        text = text + "a" * short if short > 0 else text[:short]
    return text


async def test_the_largest_item_reaches_peers_and_one_byte_more_is_refused_by_its_writer(
    homes, changed: Changed
) -> None:
    network = Libp2pNetwork()
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(core_for(network, homes("owner"), changed))
        space = await owner.create_circle("Physics")
        code = await owner.invite(space)
        member = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        await member.join(code)

        await member.post(space, "At the cap", text_for("At the cap", MAX_PLAINTEXT_BYTES))
        refusal = None
        try:  # in the old gap: written here, then a peer fault at every peer
            await member.post(space, "Over", text_for("Over", MAX_PLAINTEXT_BYTES + 1))
        except CommandError as error:
            refusal = str(error)
        await member.post(space, "Later")

        async def arrived() -> bool:
            return {"At the cap", "Later"} <= await titles(owner, space)

        await changed.until(arrived)  # never, while the owner held the member for hostile
        peer = member.host.peer_id
        assert not owner.host.is_banned(peer) and owner.host.misbehaviour(peer) == 0
        assert peer in owner.host.connected_peers()
        db = owner.database.replica.db
        waiting = "SELECT COUNT(*) FROM pending WHERE space = ?"
        assert await owner.database.run(lambda: db.execute(waiting, (space,)).fetchone()) == (0,)
        assert "Over" not in await titles(member, space)
        assert refusal is not None and refusal.startswith(
            f"This post is {MAX_PLAINTEXT_BYTES + 1:,} bytes once encoded;"
            f" the most a single item can hold is {MAX_PLAINTEXT_BYTES:,} bytes."
        )


async def test_a_member_that_sent_one_forged_op_is_served_again_once_its_ban_ends(
    homes, changed: Changed
) -> None:
    """Penalties decay: one fault bans a device for `ban_duration` (here 1 s), not for good."""
    network = Libp2pNetwork()
    short_bans = HostConfig(
        listen_addrs=("/ip4/127.0.0.1/tcp/0",), mdns=False, conduct=ConductPolicy(ban_duration=1.0)
    )
    async with AsyncExitStack() as stack:
        owner = await stack.enter_async_context(
            Core.open(
                home=homes("owner"),
                network=network,
                host_config=short_bans,
                sync_settings=FAST,
                on_changes=changed,
                verify_workers=0,
            )
        )
        space = await owner.create_circle("Physics")
        code = await owner.invite(space)
        member = await stack.enter_async_context(core_for(network, homes("ana"), changed))
        await member.join(code)
        await member.sync.connect(owner.host.listen_addrs()[0])  # as `serve --connect` does
        peer = member.host.peer_id
        events = owner.host.peer_events()
        answer, stream = await open_reconcile(member, owner, Hello(space))
        assert answer.accepted
        await stream.send(forged_ops(space, member))  # a bug, once
        await stream.send(b"")
        with trio.fail_after(DEADLINE):
            async for event in events:
                if event.peer_id == peer and event.kind is PeerEventKind.BANNED:
                    break
        await member.post(space, "After the ban")

        async def arrived() -> bool:
            return "After the ban" in await titles(owner, space)

        await changed.until(arrived)  # the member redials once the ban is over, and is served
        assert not owner.host.is_banned(peer) and peer in owner.host.connected_peers()


def test_own_ops_are_gossiped_in_messages_every_peer_accepts() -> None:
    """Gossip frames are sized as receivers check them: 64 ops of any size made one
    message, refused by our own publish (and by peers) whenever it passed 256 KiB."""
    from app.network.own_ops import MAX_GOSSIP_BYTES, own_after, seal_own_after
    from sync import access, writer
    from sync.wire.gossip import decode_gossip
    from tests.sync.helpers import Circle, Clock

    clock = Clock()
    circle = Circle.create(clock)
    sizes = [1_000, 100_000, 100_000, MAX_PLAINTEXT_BYTES, 1_000, 150_000]
    written = [
        writer.write(
            circle.owner,
            circle.space,
            "item.put",
            {"title": "t", "text": text_for("t", size)},
            now_ms=clock(),
        )[0]
        for size in sizes
    ]
    _, sealed = seal_own_after(circle.owner, circle.space, 0, True)
    assert sealed and max(len(message.data) for message in sealed) <= MAX_GOSSIP_BYTES
    gossiped = set()
    for message in sealed:
        payload = access.unseal(circle.owner, circle.space, message.data)
        assert payload is not None
        gossiped |= set(decode_gossip(payload).envelopes)
    too_large = written[3].to_wire()  # alone over the cap: reconciliation carries it
    mine = {envelope for _, envelope in own_after(circle.owner, circle.space, 0)}  # genesis too
    assert {op.to_wire() for op in written} <= mine
    assert gossiped == mine - {too_large}
