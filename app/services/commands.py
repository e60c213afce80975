"""Commands: a person's intents turned into signed ops, with errors worded for them.

Each command validates its input, runs the replica's one write path on the database
worker, hands the ops it signed to `hand_off` (the core's sync service gossips them
without reading them back), wakes any other process serving the same data directory
(`app.wake_up`: it gossips them) and hands the resulting `Changes` to `after_write` (the
core tells the UI). Needs no network, so the CLI's offline commands use it directly.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import wake_up
from app.clock import Clock
from app.database import Database
from app.errors import CommandError
from app.identity import Identity
from app.personal import shared_spaces
from app.services.lookup import resolve_name_or_prefix, resolve_prefix
from app.services.rows import CircleRow, Member
from sync import access, coaching_views, joining, reads, writer
from sync.changes import Changes
from sync.errors import Rejected
from sync.frontier import frontier
from sync.ids import OpId, SpaceId
from sync.invite import MAX_USES, Invite, parse_code
from sync.op import VerifiedOp
from sync.policy import GRANTABLE, ROLE_BY_NAME, Level, role_name
from sync.replica import Replica
from sync.state import PersonRow, persons, state_hash

__all__ = ["CircleState", "CommandError", "Commands", "Member", "parse_invite"]

MAX_INVITE_HOURS = 24 * 366  # a school year and then some; beyond that, mint a new one

#: Told, on the trio thread, of every write: the ops it signed (none for some: a new
#: circle's genesis, an accepted invite) and, with ops, their space's gossip key as the
#: write left it (read in the write's own job, from memory).
HandOff = Callable[[Sequence[VerifiedOp], access.GossipKey | None], None]


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
        hand_off: HandOff | None = None,
    ) -> None:
        self.database = database
        self.identity = identity
        self.clock = clock
        self.after_write = after_write
        self.hand_off = hand_off

    @property
    def replica(self) -> Replica:
        return self.database.replica

    async def write(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hand_off = self.hand_off

        def job() -> tuple[Any, list[VerifiedOp], access.GossipKey | None]:
            result = function(*args, **kwargs)
            ops = _signed_ops(result)
            gossip = access.gossip_key(self.replica, ops[0].space_id()) if ops and hand_off else None
            return result, ops, gossip

        try:
            result, ops, gossip = await self.database.run(job)
        except Rejected as error:
            raise CommandError(sentence(error.detail or error.reason.value)) from None
        changes = result[1] if isinstance(result, tuple) and isinstance(result[-1], Changes) else None
        if hand_off is not None:
            hand_off(ops, gossip)
        wake_up.notify(wake_up.directory_of(self.database.files[0]))  # a client or `serve` beside us
        self.after_write(changes)
        return result

    async def create_circle(self, name: str, description: str = "") -> SpaceId:
        if not name.strip():
            raise CommandError("A circle needs a name.")
        if len(description) > 2_000:
            raise CommandError("A circle's description may be at most 2,000 characters.")
        space: SpaceId = await self.write(
            writer.create_space,
            self.replica,
            name=name.strip(),
            member_name=self.identity.name,
            space_key=secrets.token_bytes(32),
            now_ms=self.clock.now_ms(),
        )
        if description.strip():
            fields = {"key": "description", "value": description.strip()}
            await self.write(
                writer.write, self.replica, space, "space.settings", fields, now_ms=self.clock.now_ms()
            )
        return space

    async def invite(
        self, space: SpaceId, *, role: str, uses: int, expires_hours: float, addresses: list[str]
    ) -> str:
        level = grantable_role(role)
        if not 1 <= uses <= MAX_USES:
            raise CommandError(f"An invite allows from 1 to {MAX_USES} uses, not {uses}.")
        if not math.isfinite(expires_hours) or expires_hours <= 0:
            raise CommandError("An invite must expire in the future (give --expires-hours above 0).")
        if expires_hours > MAX_INVITE_HOURS:
            raise CommandError(f"An invite may last at most {MAX_INVITE_HOURS} hours; mint a new one later.")
        invite: Invite = await self.write(
            writer.invite,
            self.replica,
            space,
            role=level,
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

    async def circle_rows(self, *, everything: bool = False) -> list[CircleRow]:
        """The circles this device is in (with `everything`, also those it left or was
        removed from), with this device's role and the circle's description."""
        return await self.database.run(_circle_rows, self.replica, everything)

    async def resolve_circle(self, prefix: str) -> SpaceId:
        circles = await self.circles()
        return resolve_prefix(
            prefix, ((space, space) for space, _ in circles), noun="circle", hint="see `circle list`"
        )

    # -- membership ------------------------------------------------------------------
    async def members(self, space: SpaceId) -> list[Member]:
        """Current members, one per person (however many devices), owner first, then by
        role and name."""
        rows = await self.database.run(_members, self.replica, space)
        return sorted(
            (Member(row.devices[0], row.name, role_name(row.level), row.person, row.devices) for row in rows),
            key=lambda member: (-ROLE_BY_NAME[member.role], member.name.casefold(), member.device),
        )

    async def resolve_member(self, space: SpaceId, typed: str) -> Member:
        return resolve_name_or_prefix(
            typed,
            ((member.device, member.name, member) for member in await self.members(space)),
            noun="member",
            hint="see `circle members`",
        )

    async def set_role(self, space: SpaceId, member: Member, role: str) -> None:
        level = grantable_role(role)
        if member.role == role:
            raise CommandError(f"{member.name or 'That member'} is already a {role} here.")
        await self.write(
            writer.change_role, self.replica, space, member.device, role=level, now_ms=self.clock.now_ms()
        )

    async def remove(self, space: SpaceId, member: Member) -> None:
        await self.write(
            writer.remove_member,
            self.replica,
            space,
            member.device,
            new_key=secrets.token_bytes(32),
            now_ms=self.clock.now_ms(),
        )
        from app.services.assignments import withdraw_removed  # it builds on this module

        await withdraw_removed(self, space, member.device)
        from app.services.surveys import renew_stale_keys  # the same, for anonymous surveys

        await renew_stale_keys(self, space)

    async def leave(self, space: SpaceId) -> None:
        await self.write(writer.leave, self.replica, space, now_ms=self.clock.now_ms())

    def check_invite(self, code: str) -> Invite:
        return parse_invite(code, now_ms=self.clock.now_ms())


def _signed_ops(result: Any) -> list[VerifiedOp]:
    """The ops a writer function returned: `(op, changes)`, `([op, …], changes)`, else none."""
    if not isinstance(result, tuple) or not result:
        return []
    first = result[0]
    if isinstance(first, VerifiedOp):
        return [first]
    if isinstance(first, list) and all(isinstance(op, VerifiedOp) for op in first):
        return list(first)
    return []


def grantable_role(role: str) -> Level:
    level = ROLE_BY_NAME.get(role.strip().lower())
    if level is None or level not in GRANTABLE:
        raise CommandError(f"Unknown role {role!r}: use member, mentor or teacher.")
    return level


def parse_invite(code: str, *, now_ms: int) -> Invite:
    """Decode an invite code and check it has not expired; errors say what to do."""
    try:
        invite = parse_code(code)
    except Rejected as error:
        raise CommandError(f"This invite code is not valid: {error.detail or error.reason.value}.") from None
    if now_ms > invite.token.expires_ms:
        expired = datetime.fromtimestamp(invite.token.expires_ms / 1000, tz=UTC)
        raise CommandError(f"This invite expired on {expired:%d %b %Y at %H:%M} UTC; ask for a new one.")
    return invite


def _members(replica: Replica, space: SpaceId) -> list[PersonRow]:
    """The member persons; this device only once a member holds its join (`sync.joining`)."""
    replica.refresh()
    rows = persons(replica.db, space)
    if joining.pending(replica, space) is None:
        return rows
    me = replica.key.device_id
    return [row for row in rows if me not in row.devices]


def circle_state(replica: Replica, space: SpaceId) -> CircleState:
    replica.refresh()
    heads = frontier(replica, space)
    ops = reads.op_count(replica.db, space)
    return CircleState(
        state_hash=state_hash(replica.db, space).hex(),
        ops=ops,
        frontier={author.hex(): max(seq for seq, _ in entries) for author, entries in heads.items()},
    )


def _circle_rows(replica: Replica, everything: bool) -> list[CircleRow]:
    replica.refresh()
    rows = []
    unconfirmed = joining.joining_spaces(replica)
    for space in circle_spaces(replica):
        level = writer.my_level(replica, space)
        if level == Level.NONE and not everything and space not in unconfirmed:
            continue
        description = reads.description(replica.db, space)
        rows.append(
            CircleRow(
                circle_id=space.hex(),
                name=replica.context(space).name,
                role=_role_shown(level, joining=space in unconfirmed),
                description=description if isinstance(description, str) else "",
            )
        )
    return rows


def _role_shown(level: int, *, joining: bool) -> str:
    if joining:  # no member holds our join yet: we are nobody's member (`circle join` again)
        return "joining"
    return role_name(level) if level else "none (left or removed)"


def _circles(replica: Replica) -> list[tuple[SpaceId, str]]:
    replica.refresh()
    return [(space, replica.context(space).name) for space in circle_spaces(replica)]


def circle_spaces(replica: Replica) -> list[SpaceId]:
    """The shared spaces that are circles: not coaching pairs nor direct-message
    conversations (issue 18), which `coach pairs` and `message list` show instead."""
    return [space for space in shared_spaces(replica) if not coaching_views.space_type(replica.db, space)]


def sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."
