"""Records the addresses mDNS announces for each peer into the address book
(`app.address_book`), so that invites can carry other members' last-known addresses."""

from __future__ import annotations

import logging
from pathlib import Path

import trio

from app.address_book import record
from app.task_status import TaskStatus
from p2p.events import PeerEventKind
from p2p.identity import public_key_of
from p2p.interface import PeerHost

logger = logging.getLogger(__name__)


async def watch_addresses(
    home: Path, host: PeerHost, *, task_status: TaskStatus[None] = trio.TASK_STATUS_IGNORED
) -> None:
    events = host.peer_events()
    task_status.started()
    async for event in events:
        if event.kind is not PeerEventKind.DISCOVERED or not event.addrs:
            continue
        device = public_key_of(event.peer_id).hex()
        try:
            await trio.to_thread.run_sync(record, home, device, list(event.addrs))
        except OSError:
            logger.warning("Could not note the addresses of a peer in %s", home, exc_info=True)
