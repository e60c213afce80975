"""A pubsub message read while the host shuts down ends its stream quietly: py-libp2p's
reading loop asks pubsub's manager, already closed, to run a task for it, and trio's
"Nursery is closed to new arrivals" escaped through the swarm and failed the host's exit
(seen in CI under load). Any other error still surfaces."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import trio
from libp2p.pubsub.pubsub import Pubsub

from p2p.upstream.pubsub_delivery import NURSERY_CLOSED, DeliveringPubsub


def reading_fails_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    async def fails(self: Any, stream: Any) -> None:
        raise error

    monkeypatch.setattr(Pubsub, "continuously_read_stream", fails)


def a_stream() -> Any:
    return SimpleNamespace(muxed_conn=SimpleNamespace(peer_id="QmPeer"))


def test_the_closed_nursery_of_a_shutdown_ends_the_stream_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    reading_fails_with(monkeypatch, RuntimeError(NURSERY_CLOSED))
    pubsub = object.__new__(DeliveringPubsub)  # the loop's override needs no pubsub state
    trio.run(pubsub.continuously_read_stream, a_stream())


def test_any_other_runtime_error_still_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    reading_fails_with(monkeypatch, RuntimeError("something else"))
    pubsub = object.__new__(DeliveringPubsub)
    with pytest.raises(RuntimeError, match="something else"):
        trio.run(pubsub.continuously_read_stream, a_stream())


def test_trio_still_says_what_the_patch_listens_for() -> None:
    async def main() -> None:
        async with trio.open_nursery() as nursery:
            pass
        with pytest.raises(RuntimeError) as raised:
            nursery.start_soon(trio.sleep, 0)
        assert str(raised.value) == NURSERY_CLOSED

    trio.run(main)
