"""Commands: a person's intents turned into signed ops, with errors worded for them.

Each command validates its input, runs the replica's one write path on the database
worker and hands the resulting `Changes` to `after_write` (the core nudges sync and
tells the UI). Needs no network, so the CLI's offline commands use it directly.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.clock import Clock
from app.database import Database
from app.identity import Identity
from sync import writer
from sync.changes import Changes
from sync.errors import Rejected
from sync.frontier import frontier
from sync.ids import OpId, SpaceId
from sync.invite import Invite
from sync.policy import ROLE_BY_NAME
from sync.replica import Replica
from sync.state import state_hash


class CommandError(Exception):
    """A command could not be carried out; str() is the one-line message for a person."""


@dataclass(frozen=True, slots=True)
class CircleState:
    state_hash: str
    ops: int
    frontier: dict[str, int]


class Commands:
    def __init__(
        self,
        *,
        database: Database,
        identity: Identity,
        clock: Clock,
        after_write: Callable[[Changes | None], None] = lambda changes: None,
    ) -> None:
        self.database = database
        self.identity = identity
        self.clock = clock
        self.after_write = after_write

    @property
    def replica(self) -> Replica:
        return self.database.replica

    async def write(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            result = await self.database.run(lambda: function(*args, **kwargs))
        except Rejected as error:
            raise CommandError(sentence(error.detail or error.reason.value)) from None
        changes = result[1] if isinstance(result, tuple) and isinstance(result[-1], Changes) else None
        self.after_write(changes)
        return result

    async def create_circle(self, name: str) -> SpaceId:
        if not name.strip():
            raise CommandError("A circle needs a name.")
        return await self.write(
            writer.create_space,
            self.replica,
            name=name.strip(),
            member_name=self.identity.name,
            space_key=secrets.token_bytes(32),
            now_ms=self.clock.now_ms(),
        )

    async def invite(
        self, space: SpaceId, *, role: str, uses: int, expires_hours: float, addresses: list[str]
    ) -> str:
        if role not in ROLE_BY_NAME or role == "owner":
            raise CommandError(f"Unknown role {role!r}: use member, mentor or teacher.")
        if uses < 1:
            raise CommandError("An invite must allow at least one use.")
        if expires_hours <= 0:
            raise CommandError("An invite must expire in the future (give --expires-hours above 0).")
        invite: Invite = await self.write(
            writer.invite,
            self.replica,
            space,
            role=ROLE_BY_NAME[role],
            uses=uses,
            expires_ms=self.clock.now_ms() + int(expires_hours * 3_600_000),
            nonce=secrets.token_bytes(16),
            addresses=addresses[:8],
        )
        return invite.code()

    async def post(self, space: SpaceId, title: str, text: str = "") -> OpId:
        if not title.strip():
            raise CommandError("A title cannot be empty.")
        op, _ = await self.write(
            writer.write,
            self.replica,
            space,
            "item.put",
            {"title": title.strip(), "text": text},
            now_ms=self.clock.now_ms(),
        )
        return op.op_id

    async def state(self, space: SpaceId) -> CircleState:
        return await self.database.run(circle_state, self.replica, space)

    async def circles(self) -> list[tuple[SpaceId, str]]:
        return await self.database.run(_circles, self.replica)

    async def resolve_circle(self, prefix: str) -> SpaceId:
        matches = [space for space, _ in await self.circles() if space.hex().startswith(prefix.lower())]
        if not prefix or not matches:
            raise CommandError(f"No circle with id {prefix!r} on this device (see `circle list`).")
        if len(matches) > 1:
            raise CommandError(
                f"The id prefix {prefix!r} matches {len(matches)} circles; give more characters."
            )
        return matches[0]


def circle_state(replica: Replica, space: SpaceId) -> CircleState:
    replica.refresh()
    heads = frontier(replica, space)
    ops = replica.db.execute("SELECT COUNT(*) FROM ops WHERE space = ?", (space,)).fetchone()[0]
    return CircleState(
        state_hash=state_hash(replica.db, space).hex(),
        ops=ops,
        frontier={author.hex(): max(seq for seq, _ in entries) for author, entries in heads.items()},
    )


def _circles(replica: Replica) -> list[tuple[SpaceId, str]]:
    replica.refresh()
    return [(space, replica.context(space).name) for space in replica.spaces()]


def sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."
