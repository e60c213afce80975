"""One limit, checked alike, over real py-libp2p on 127.0.0.1.

A member that writes the largest item its device allows must never be taken for a
hostile peer: before the writer and the peers measured the same cap, a body of
262,117 to 262,144 bytes was written locally, then refused by every peer as oversize,
which closed the connection, banned the author and left its later ops pending.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from app.errors import CommandError
from p2p.host import Libp2pNetwork
from sync.wire.body import encode_body
from sync.wire.op import MAX_PLAINTEXT_BYTES
from tests.app.conftest import Changed, core_for
from tests.app.test_sync_service import titles


def text_for(title: str, size: int) -> str:
    """The text that makes `post`'s body exactly `size` bytes once encoded."""
    text = "é" * 70_000  # two bytes each: the text stays under its character limit
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
