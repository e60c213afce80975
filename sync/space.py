"""In-memory context of one space on one replica: authors, chain heads, forks, keys,
membership events and the resolved authority. Rebuilt from the database on demand.

Owned by the replica; used on the replica's thread only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from sync.auth import AuthEvent, AuthState, resolve
from sync.crypto import merge_epoch_keys
from sync.errors import Rejected
from sync.forks import is_past_fork
from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.invite import parse_token
from sync.kinds import AUTH_KINDS, Genesis, Join, Link, Removal, RoleChange, Unlink, parse_body
from sync.link import statement_ok
from sync.policy import DEFAULT_POLICY, Level
from sync.wire.clock import decode_clock
from sync.wire.op import decode_header

CLOCK_CACHE = 8192


@dataclass(frozen=True, slots=True)
class OpInfo:
    author: int
    seq: int
    hlc: int
    clock: dict[int, int]
    kind: str
    chain_broken: bool = False  # stored with a broken chain: ops continuing it are broken too


@dataclass(slots=True)
class SpaceContext:
    space: SpaceId
    genesis_author: int | None = None
    genesis_op: OpId | None = None
    name: str = ""
    owner_name: str = ""
    policy: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_POLICY))
    authors: dict[bytes, int] = field(default_factory=dict)
    devices: dict[int, DeviceId] = field(default_factory=dict)
    heads: dict[int, int] = field(default_factory=dict)
    forks: dict[int, int] = field(default_factory=dict)
    witnessed: set[bytes] = field(default_factory=set)  # ops past a fork that still count (sync.forks)
    broken: set[int] = field(default_factory=set)  # authors with broken-chain ops
    keyring: dict[bytes, bytes] = field(default_factory=dict)
    events: dict[OpId, AuthEvent] = field(default_factory=dict)
    auth: AuthState = field(default_factory=lambda: AuthState(owners=frozenset(), policy=DEFAULT_POLICY))
    infos: dict[bytes, OpInfo] = field(default_factory=dict)  # recent ops, oldest first
    # Devices named by a role, removal or unlink before this replica knew them (no author
    # index yet); when one gets an index, `retarget` is set and the events are rebuilt.
    untargeted: set[bytes] = field(default_factory=set)
    retarget: bool = False
    # What reducers keep of this space between ops (`reducers.Applied.memo`); it goes
    # with the context, so a rebuild, a rollback or another writer's commit drops it.
    memo: dict[str, Any] = field(default_factory=dict)

    # -- authors -------------------------------------------------------------------
    def author_index(self, db: sqlite3.Connection, device: bytes) -> int:
        index = self.authors.get(device)
        if index is None:
            index = len(self.authors) + 1
            db.execute(
                "INSERT INTO authors (space, idx, device) VALUES (?, ?, ?)",
                (self.space, index, device),
            )
            self.authors[device] = index
            self.devices[index] = DeviceId(device)
            if device in self.untargeted:
                self.retarget = True
        return index

    def retarget_events(self) -> bool:
        """Give the events that named a device before it was known here their target, so
        an event's target does not depend on the order ops arrived in (a role naming a
        device whose link arrives later). Returns whether any changed."""
        changed = False
        for op_id, event in list(self.events.items()):
            body = event.body
            if event.target is None and isinstance(body, RoleChange | Removal | Unlink):
                index = self.authors.get(body.member)
                if index is not None:
                    self.events[op_id] = replace(event, target=index)
                    changed = True
        self.untargeted = {
            event.body.member
            for event in self.events.values()
            if event.target is None and isinstance(event.body, RoleChange | Removal | Unlink)
        }
        self.retarget = False
        return changed

    def author_names(self) -> dict[DeviceId, str]:
        """The name each device had in this space: the name it joined with (an owner without
        one: the genesis's owner name). Kept after the device leaves or is removed, so what
        it wrote keeps its author's name; who is a member now is `auth.current_level`."""
        devices = self.devices
        auth = self.auth
        names = {devices[index]: name for index, name in auth.names.items() if index in devices}
        for index in auth.owners:
            if index in devices:
                names.setdefault(devices[index], self.owner_name)
        for index, person in auth.person.items():  # a linked device goes by its person's name
            if index in devices and person in auth.owners:
                names.setdefault(devices[index], self.owner_name)
        return names

    def person_of(self, device: bytes) -> DeviceId:
        """The person `device` belongs to in this space, named by its first device."""
        index = self.authors.get(device)
        if index is None:
            return DeviceId(device)
        return self.devices.get(self.auth.person_of(index), DeviceId(device))

    def devices_of(self, person: bytes) -> list[DeviceId]:
        """Every device accepted as `person`'s here (unlinked ones included)."""
        index = self.authors.get(person)
        if index is None:
            return []
        return [self.devices[device] for device in self.auth.devices_of(index) if device in self.devices]

    def is_member(self, device: bytes) -> bool:
        """Whether `device` is a current member (by the resolved authority)."""
        index = self.authors.get(device)
        return index is not None and self.auth.current_level(index) > Level.NONE

    # -- op facts --------------------------------------------------------------------
    def remember(self, op_id: OpId, info: OpInfo) -> None:
        infos = self.infos
        infos[op_id] = info
        if len(infos) > CLOCK_CACHE:  # forget the older half at once (dicts keep insertion order)
            for old in list(islice(infos, CLOCK_CACHE // 2)):
                del infos[old]

    def info(self, db: sqlite3.Connection, op_id: OpId) -> OpInfo | None:
        cached = self.infos.get(op_id)
        if cached is not None:
            return cached
        row = db.execute(
            "SELECT author, seq, hlc, clock, kind, reason FROM ops WHERE op_id = ? AND space = ?",
            (op_id, self.space),
        ).fetchone()
        if row is None:
            return None
        info = OpInfo(row[0], row[1], row[2], decode_clock(row[3]), row[4], row[5] == "bad-chain")
        self.remember(op_id, info)
        return info

    # -- keys ------------------------------------------------------------------------
    def epoch_key(self, refs: list[OpId]) -> bytes | None:
        """The key for an epoch given the rotations behind it; None if we lack one."""
        if not refs:
            return self.keyring.get(self.space)
        keys = [self.keyring.get(ref) for ref in refs]
        if any(key is None for key in keys):
            return None
        return merge_epoch_keys([key for key in keys if key is not None])

    # -- authority -------------------------------------------------------------------
    def resolve_auth(self) -> AuthState:
        """Authority over the membership events that count (a forked author's events past
        its fork only if witnessed, see sync.forks)."""
        self.auth = self.resolve_with(self.witnessed)
        return self.auth

    def resolve_with(self, witnessed: set[bytes]) -> AuthState:
        """Authority counting these of the forked authors' events past their fork (sync.forks)."""
        owners = frozenset({self.genesis_author}) if self.genesis_author else frozenset()
        live = [
            event
            for event in self.events.values()
            if not is_past_fork(self.forks, event.author, event.seq) or event.op_id in witnessed
        ]
        return resolve(owners=owners, policy=self.policy, events=live)

    def build_event(
        self, db: sqlite3.Connection, *, op_id: OpId, info: OpInfo, deps: tuple[OpId, ...], body: object
    ) -> AuthEvent:
        target = None
        if isinstance(body, RoleChange | Removal | Unlink):
            target = self.authors.get(body.member)
            if target is None:
                self.untargeted.add(body.member)
        if isinstance(body, Link):
            device = self.devices.get(info.author)
            ok = device is not None and statement_ok(
                space=self.space, linker=device, device=body.device, signature=body.device_sig
            )
            # The new device gets an author index once its consent verifies: it is a device
            # of this space from the link on, though it has written nothing yet.
            linked = self.author_index(db, body.device) if ok else None
            return AuthEvent(
                op_id, info.author, info.seq, info.hlc, info.clock, body, target=linked, link_ok=ok
            )
        if not isinstance(body, Join):
            return AuthEvent(op_id, info.author, info.seq, info.hlc, info.clock, body, target=target)  # type: ignore[arg-type]
        try:
            token = parse_token(body.token, body.token_signature)
        except Rejected:
            return AuthEvent(op_id, info.author, info.seq, info.hlc, info.clock, body)
        at_info = self.info(db, token.at) if token.at in deps else None
        inviter = self.authors.get(token.inviter)
        if token.space != self.space or at_info is None or at_info.author != inviter:
            return AuthEvent(op_id, info.author, info.seq, info.hlc, info.clock, body)
        return AuthEvent(
            op_id,
            info.author,
            info.seq,
            info.hlc,
            info.clock,
            body,
            token=token,
            invite_id=digest(body.token, person=b"sc-invite"),
            inviter=inviter,
            at_clock=at_info.clock,
        )


# Literal kinds, not parameters: only then can SQLite use the partial index ops_auth
# (sync/schema/0004-space-load.sql), whose IN list is this one.
AUTH_OPS = (
    "SELECT o.op_id, o.author, o.seq, o.hlc, o.clock, o.kind, o.header, b.plaintext"
    " FROM ops o JOIN auth_bodies b USING (op_id)"
    f" WHERE o.space = ? AND o.kind IN ({', '.join(repr(kind) for kind in sorted(AUTH_KINDS))})"
    " AND o.status != 1 ORDER BY o.rowid"
)


def load(db: sqlite3.Connection, space: SpaceId) -> SpaceContext:
    """Read a space's context back from the database (after a restart or another writer)."""
    context = SpaceContext(space)
    for index, device in db.execute("SELECT idx, device FROM authors WHERE space = ? ORDER BY idx", (space,)):
        context.authors[device] = index
        context.devices[index] = DeviceId(device)
    # Each author's head walks its chain back from the newest op (index ops_chain), and the
    # broken authors come from a partial index: neither reads every op of the space.
    for author in context.devices:
        head = db.execute(
            "SELECT seq FROM ops WHERE space = ? AND author = ? AND status != 1 ORDER BY seq DESC LIMIT 1",
            (space, author),
        ).fetchone()
        if head is not None:
            context.heads[author] = head[0]
    for (author,) in db.execute("SELECT DISTINCT author FROM ops WHERE space = ? AND status = 1", (space,)):
        context.broken.add(author)
    for author, fork_seq in db.execute("SELECT author, fork_seq FROM forks WHERE space = ?", (space,)):
        context.forks[author] = fork_seq
    if context.forks:
        context.witnessed = {
            row[0] for row in db.execute("SELECT op_id FROM fork_witnessed WHERE space = ?", (space,))
        }
    for ref, key in db.execute("SELECT ref, key FROM keyring WHERE space = ?", (space,)):
        context.keyring[ref] = key
    genesis = db.execute(
        "SELECT o.op_id, o.author, b.plaintext FROM ops o JOIN auth_bodies b USING (op_id)"
        " WHERE o.space = ? AND o.kind = 'space.genesis' AND o.op_id = ?",
        (space, space),
    ).fetchone()
    if genesis is not None:
        adopt_genesis(context, genesis[1], parse_body("space.genesis", genesis[2]))
    rows = db.execute(AUTH_OPS, (space,)).fetchall()
    for op_id, author, seq, hlc, clock, kind, header, plaintext in rows:
        info = OpInfo(author, seq, hlc, decode_clock(clock), kind)
        body = parse_body(kind, plaintext)
        deps = decode_header(header).deps
        context.events[op_id] = context.build_event(db, op_id=op_id, info=info, deps=deps, body=body)
    context.retarget_events()  # a link built after a role naming its device
    context.resolve_auth()
    return context


def adopt_genesis(context: SpaceContext, author: int, genesis: Genesis) -> None:
    context.genesis_author = author
    context.genesis_op = OpId(context.space)
    context.name = genesis.name
    context.owner_name = genesis.member_name
    context.policy = dict(genesis.policy)
