"""Making a room code: a long invite that lasts as long and allows as many uses, and an
offer for it that the running device answers (`app.room_offers`, `sync.room_code`).
Used by `circle invite --short` and the desktop client's Invite dialog."""

from __future__ import annotations

from pathlib import Path

import trio

from app.errors import CommandError
from app.room_offers import add_offer, require_serving
from app.services.commands import Commands
from sync.ids import SpaceId
from sync.room_code import MAX_ROOM_MINUTES, RoomOffer


async def make_room_code(
    commands: Commands,
    home: Path,
    space: SpaceId,
    *,
    role: str,
    uses: int,
    minutes: float,
    addresses: list[str],
) -> tuple[RoomOffer, str]:
    """The offer (its code to read aloud) and the long invite code behind it."""
    if not 0 < minutes <= MAX_ROOM_MINUTES:
        raise CommandError(f"A room code lasts from 1 to {MAX_ROOM_MINUTES} minutes, not {minutes:g}.")
    await trio.to_thread.run_sync(require_serving, home)  # before an invite op is written for nothing
    code = await commands.invite(space, role=role, uses=uses, expires_hours=minutes / 60, addresses=addresses)
    name = dict(await commands.circles()).get(space, "")
    now_ms = commands.clock.now_ms()
    offer = await trio.to_thread.run_sync(
        lambda: add_offer(home, invite_code=code, circle_name=name, minutes=minutes, uses=uses, now_ms=now_ms)
    )
    return offer, code
