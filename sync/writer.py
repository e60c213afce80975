"""Authoring: build, encrypt and sign this device's ops, and admit them like any other.

Every function runs one IMMEDIATE transaction in which the seq is assigned, so two
processes writing as the same device can never mint two ops with the same seq. An op
that would not be valid is refused with a reason a person can act on, and nothing is
written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sync import joining
from sync.assessment import PSEUDONYMOUS
from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.explain import explain
from sync.hlc import next_hlc
from sync.identity import seal
from sync.ids import HASH_LEN, DeviceId, OpId, SpaceId
from sync.invite import Invite, InviteToken, make_invite
from sync.link import DeviceStatement, statement_ok
from sync.op import GENESIS_KIND, GENESIS_SPACE, VerifiedOp, check_as_peers_do, seal_and_sign
from sync.policy import GRANTABLE, Level, may, role_name
from sync.replica import LOCKED, VALID, Replica, _Batch
from sync.space import OpInfo, SpaceContext
from sync.wire.body import encode_body
from sync.wire.op import BODY_OVERHEAD, MAX_DEPS, MAX_PLAINTEXT_BYTES, Header, check_body_len

#: How a person calls an op of each kind, for refusals ("This note is …").
_NOUNS = {
    "note.put": "note",
    "item.put": "post",
    "item.reply": "reply",
    "item.edit": "edit",
    "chat.say": "message",
    "resource.add": "resource",
    "help.ask": "request",
    "help.answer": "answer",
    "help.progress": "progress report",
}


@contextmanager
def _writing(replica: Replica, space: SpaceId) -> Iterator[SpaceContext]:
    try:
        with replica.store.transaction():
            replica._refresh()
            yield replica.context(space)
    except BaseException:
        replica.forget(space)
        raise


def _plaintext(kind: str, fields: dict[str, Any]) -> bytes:
    """The body of a new op, refused (before anything is signed) if peers would refuse it.

    The cap is checked on the very quantity a peer checks in the header — the body as
    it travels, encryption included — by the same function (`check_body_len`)."""
    plaintext = encode_body(fields)
    try:
        check_body_len(len(plaintext) + BODY_OVERHEAD)
    except Rejected:
        raise Rejected(
            Reason.OVERSIZE,
            f"This {_NOUNS.get(kind, 'item')} is {len(plaintext):,} bytes once encoded; the most a single"
            f" item can hold is {MAX_PLAINTEXT_BYTES:,} bytes. Shorten it or split it into several,"
            " or share long material as a file",
        ) from None
    return plaintext


def _sealed(replica: Replica, draft: Header, plaintext: bytes, key: bytes) -> VerifiedOp:
    """Encrypt and sign, then check the op as every peer will before it is admitted here:
    whatever a peer would count against this device is never written."""
    op = seal_and_sign(replica.key, draft, plaintext, key)
    check_as_peers_do(op)
    return op


def _admit_own(replica: Replica, context: SpaceContext, op: VerifiedOp, *, allow_invalid: bool) -> Changes:
    batch = _Batch(context.space)
    replica.last_refusal = None
    status, reason = replica._admit(context, batch, op)
    if status != VALID and not allow_invalid:
        assert reason is not None
        raise Rejected(reason, replica.last_refusal or explain(op.header.kind, reason))
    replica._finish(batch)
    return replica._changes(batch)


def _parents(
    replica: Replica, context: SpaceContext, me: int, extra: Iterable[OpId]
) -> tuple[int, OpId | None, list[OpId], list[OpInfo]]:
    db = replica.db
    seq = context.heads.get(me, 0) + 1
    prev = None
    infos: list[OpInfo] = []
    if seq > 1:
        row = db.execute(
            "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ? AND status != 1"
            " ORDER BY op_id LIMIT 1",
            (context.space, me, seq - 1),
        ).fetchone()
        prev = OpId(row[0])
        prev_info = context.info(db, prev)
        assert prev_info is not None
        infos.append(prev_info)
    heads: list[tuple[OpId, OpInfo]] = []
    for author in context.heads:
        if author == me:
            continue
        # Each other author's newest *valid* op: an invalid op (a non-member's, a removed
        # member's, a quarantined fork) is never a dependency, so it cannot lift this op's
        # clock or stand in its causal past (docs/security.md, "Liveness").
        row = db.execute(
            "SELECT op_id FROM ops WHERE space = ? AND author = ? AND status = ?"
            " ORDER BY seq DESC, op_id LIMIT 1",
            (context.space, author, VALID),
        ).fetchone()
        if row is None:
            continue
        info = context.info(db, OpId(row[0]))
        assert info is not None
        if info.kind in PSEUDONYMOUS:
            # A device never depends on a pseudonym's op unless it must (`extra`): the
            # first op to name a fresh review would point at the review's writer.
            continue
        heads.append((OpId(row[0]), info))
    for op_id in extra:
        info = context.info(db, op_id)
        if info is None:
            raise Rejected(Reason.BAD_CHAIN, "an op this depends on has not arrived yet")
        heads.append((op_id, info))
    # Keep only heads not already in the causal past of another parent. An op's clock is
    # above its past's (hlc grows along every causal chain), so going from the newest
    # head down, a head is in another's past iff the clocks merged so far (prev's and the
    # heads kept) cover it: one pass, not every head against every clock (in a class of
    # 300 that was 45,000 clock reads a write).
    seen: dict[int, int] = dict(infos[0].clock) if infos else {}
    deps: dict[OpId, OpInfo] = {}
    for op_id, info in sorted(dict(heads).items(), key=lambda pair: (-pair[1].hlc, pair[0])):
        if seen.get(info.author, 0) >= info.seq and op_id not in extra:
            continue
        deps[op_id] = info
        for author, at in info.clock.items():
            if at > seen.get(author, 0):
                seen[author] = at
    chosen = sorted(deps)[:MAX_DEPS]
    infos += [deps[op_id] for op_id in chosen]
    return seq, prev, chosen, infos


def _build(
    replica: Replica,
    context: SpaceContext,
    kind: str,
    fields: dict[str, Any],
    *,
    now_ms: int,
    extra: Iterable[OpId] = (),
) -> VerifiedOp:
    plaintext = _plaintext(kind, fields)
    me = context.author_index(replica.db, replica.key.device_id)
    seq, prev, deps, parents = _parents(replica, context, me, list(extra))
    clock: dict[int, int] = {}
    for parent in parents:
        for author, seen in parent.clock.items():
            clock[author] = max(clock.get(author, 0), seen)
    epoch, refs = context.auth.epoch_at(clock)
    key = context.epoch_key(refs)
    if key is None:
        raise Rejected(Reason.UNDECRYPTABLE, explain(kind, Reason.UNDECRYPTABLE))
    floor = max((parent.hlc for parent in parents), default=0)
    draft = Header(
        space=context.space,
        author=replica.key.device_id,
        seq=seq,
        prev=prev,
        deps=tuple(deps),
        kind=kind,
        epoch=epoch,
        body_hash=bytes(HASH_LEN),
        body_len=0,
        hlc=next_hlc(now_ms=now_ms, floor=floor),
    )
    return _sealed(replica, draft, plaintext, key)


def write(
    replica: Replica,
    space: SpaceId,
    kind: str,
    fields: dict[str, Any],
    *,
    now_ms: int,
    extra_deps: Iterable[OpId] = (),
    allow_invalid: bool = False,
) -> tuple[VerifiedOp, Changes]:
    """Write one op of `kind`. `allow_invalid` exists for tests of hostile peers."""
    with _writing(replica, space) as context:
        op = _build(replica, context, kind, fields, now_ms=now_ms, extra=extra_deps)
        changes = _admit_own(replica, context, op, allow_invalid=allow_invalid)
    return op, changes


def write_many(
    replica: Replica,
    space: SpaceId,
    ops: Iterable[tuple[str, dict[str, Any]]],
    *,
    now_ms: int,
) -> tuple[list[VerifiedOp], Changes]:
    """Write several ops of this device, in order, in one IMMEDIATE transaction.

    All or nothing: if any op would be refused, none is written and the refusal names
    which one (its position, counting from 1). For bulk work such as importing notes,
    where one transaction per op would spend most of its time committing.
    """
    written: list[VerifiedOp] = []
    each: list[Changes] = []
    with _writing(replica, space) as context:
        for position, (kind, fields) in enumerate(ops, start=1):
            op = _build(replica, context, kind, fields, now_ms=now_ms)
            try:
                each.append(_admit_own(replica, context, op, allow_invalid=False))
            except Rejected as error:
                raise Rejected(error.reason, f"op {position} ({kind}): {error.detail}") from None
            written.append(op)
    changes = Changes(
        space,
        tuple(op_id for change in each for op_id in change.added),
        frozenset(kind for change in each for kind in change.kinds),
        members=any(change.members for change in each),
        rebuilt=any(change.rebuilt for change in each),
    )
    return written, changes


def create_space(
    replica: Replica,
    *,
    name: str,
    member_name: str,
    space_key: bytes,
    now_ms: int,
    policy: dict[str, int] | None = None,
    settings: dict[str, str | int | bool] | None = None,
) -> SpaceId:
    """Sign a genesis op: its hash is the new space's id; this device is its owner.

    `settings` are written as `space.settings` ops in the same transaction, so a space
    that must be born with them (a personal space) never exists without them.
    """
    if not name.strip():
        raise Rejected(Reason.BAD_CONTENT, "a circle needs a name")
    draft = Header(
        space=GENESIS_SPACE,
        author=replica.key.device_id,
        seq=1,
        prev=None,
        deps=(),
        kind=GENESIS_KIND,
        epoch=0,
        body_hash=bytes(HASH_LEN),
        body_len=0,
        hlc=next_hlc(now_ms=now_ms, floor=0),
    )
    fields = {"name": name, "member_name": member_name, "policy": dict(policy or {})}
    op = _sealed(replica, draft, _plaintext(GENESIS_KIND, fields), space_key)
    space = SpaceId(op.op_id)
    with replica.store.transaction():
        replica._refresh()
        db = replica.db
        db.execute("INSERT INTO spaces (space) VALUES (?)", (space,))
        db.execute("INSERT INTO keyring (space, ref, key) VALUES (?, ?, ?)", (space, space, space_key))
        replica.forget(space)
        _admit_own(replica, replica.context(space), op, allow_invalid=False)
        for key, value in sorted((settings or {}).items()):
            context = replica.context(space)
            setting = _build(replica, context, "space.settings", {"key": key, "value": value}, now_ms=now_ms)
            _admit_own(replica, context, setting, allow_invalid=False)
    return space


def my_level(replica: Replica, space: SpaceId) -> int:
    context = replica.context(space)
    me = context.authors.get(replica.key.device_id)
    return Level.NONE if me is None else context.auth.current_level(me)


def invite(
    replica: Replica,
    space: SpaceId,
    *,
    role: Level,
    uses: int,
    expires_ms: int,
    nonce: bytes,
    addresses: Iterable[str] = (),
) -> Invite:
    """Mint an invite code; refused unless this device may invite to `role` now."""
    replica._refresh()
    context = replica.context(space)
    level = my_level(replica, space)
    if not may(context.policy, level, "invite." + role_name(role)) or role > level:
        raise Rejected(Reason.NOT_PERMITTED, f"your role may not invite a {role_name(role)}")
    me = context.authors[replica.key.device_id]
    seq = context.heads[me]
    row = replica.db.execute(
        "SELECT op_id, hlc FROM ops WHERE space = ? AND author = ? AND seq = ?", (space, me, seq)
    ).fetchone()
    token = InviteToken(
        space=space,
        inviter=replica.key.device_id,
        at=OpId(row[0]),
        at_seq=seq,
        at_hlc=row[1],
        role=Level(role),
        uses=uses,
        expires_ms=expires_ms,
        nonce=nonce,
        addresses=tuple(addresses),
    )
    return make_invite(replica.key, token, sorted(context.keyring.items()), context.name)


def accept_invite(replica: Replica, invite: Invite) -> None:
    """Take a space's keys from an invite, so its ops can be received and read, and note
    in the same transaction that this device is joining it (`sync.joining`)."""
    space = invite.token.space
    with replica.store.transaction():
        db = replica.db
        db.execute("INSERT OR IGNORE INTO spaces (space) VALUES (?)", (space,))
        db.executemany(
            "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
            [(space, ref, key) for ref, key in invite.keyring],
        )
        joining.record(replica, invite)
    replica.forget(space)


def abandon_invite(replica: Replica, space: SpaceId) -> bool:
    """Undo `accept_invite` after a join that did not happen: drop the space's keys and the
    history fetched for it, so a refused join leaves nothing behind.

    Refused (returns False) once this device has written anything in the space: a
    person's own ops are never dropped.
    """
    with replica.store.transaction():
        db = replica.db
        mine = db.execute(
            "SELECT 1 FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
            " WHERE o.space = ? AND a.device = ? LIMIT 1",
            (space, replica.key.device_id),
        ).fetchone()
        if mine is not None:
            return False
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if "space" in columns and table != "spaces":
                db.execute(f"DELETE FROM {table} WHERE space = ?", (space,))
        db.execute("DELETE FROM spaces WHERE space = ?", (space,))
    replica.forget(space)
    return True


def join(replica: Replica, invite: Invite, *, member_name: str, now_ms: int) -> tuple[VerifiedOp, Changes]:
    """Sign this device's `member.join`; needs the inviter's `at` op to have arrived."""
    accept_invite(replica, invite)
    if replica.context(invite.token.space).info(replica.db, invite.token.at) is None:
        raise Rejected(
            Reason.BAD_INVITE, "the circle's history has not arrived yet: sync with the inviter first"
        )
    used = replica.context(invite.token.space).auth.invite_uses.get(invite.invite_id, 0)
    if used >= invite.token.uses:
        raise Rejected(
            Reason.BAD_INVITE,
            f"this invite has been used up ({used} of {invite.token.uses}); ask for a new one",
        )
    fields = {"token": invite.token_bytes, "token_sig": invite.signature, "member_name": member_name}
    return write(
        replica, invite.token.space, "member.join", fields, now_ms=now_ms, extra_deps=[invite.token.at]
    )


def _check_may_act_on(
    replica: Replica, context: SpaceContext, member: DeviceId, *, action: str, doing: str
) -> None:
    """Explain up front why a role change or removal would be refused (admission decides)."""
    me = context.authors.get(replica.key.device_id)
    mine = Level.NONE if me is None else context.auth.current_level(me)
    if mine == Level.NONE:
        raise Rejected(Reason.NOT_PERMITTED, "you are not a member of this circle")
    target = context.authors.get(member)
    theirs = Level.NONE if target is None else context.auth.current_level(target)
    if theirs == Level.NONE:
        raise Rejected(Reason.BAD_CONTENT, "that device is not a member of this circle")
    assert me is not None and target is not None
    if context.auth.person_of(target) == context.auth.person_of(me):
        raise Rejected(Reason.NOT_PERMITTED, f"you cannot {doing} yourself")
    if context.auth.person_of(target) in context.auth.owners:
        raise Rejected(Reason.NOT_PERMITTED, f"nobody can {doing} the circle's owner")
    if not may(context.policy, mine, action):
        raise Rejected(Reason.NOT_PERMITTED, f"your role here ({role_name(mine)}) may not {doing} members")
    if theirs >= mine:
        raise Rejected(
            Reason.NOT_PERMITTED,
            f"you may only {doing} members whose role is below yours ({role_name(mine)});"
            f" they are a {role_name(theirs)}",
        )


def change_role(
    replica: Replica, space: SpaceId, member: DeviceId, *, role: Level, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Give a member another role (appoint a mentor, grant teacher, or back to member)."""
    if role not in GRANTABLE:
        raise Rejected(Reason.BAD_CONTENT, f"a member can be made a member, mentor or teacher, not {role!r}")
    with _writing(replica, space) as context:
        _check_may_act_on(
            replica, context, member, action="role." + role_name(role), doing="change the role of"
        )
        mine = context.auth.current_level(context.authors[replica.key.device_id])
        if role >= mine:
            raise Rejected(Reason.NOT_PERMITTED, f"your role may not make someone a {role_name(role)}")
        fields = {"member": member, "level": int(role)}
        op = _build(replica, context, "member.role", fields, now_ms=now_ms)
        changes = _admit_own(replica, context, op, allow_invalid=False)
    return op, changes


def leave(replica: Replica, space: SpaceId, *, now_ms: int) -> tuple[VerifiedOp, Changes]:
    """Sign this device's `member.leave`; an owner cannot leave the circle it owns."""
    with _writing(replica, space) as context:
        me = context.authors.get(replica.key.device_id)
        if me is not None and context.auth.person_of(me) in context.auth.owners:
            raise Rejected(Reason.NOT_PERMITTED, "you own this circle, and an owner cannot leave it")
        if me is None or context.auth.current_level(me) == Level.NONE:
            raise Rejected(Reason.NOT_PERMITTED, "you are not a member of this circle")
        op = _build(replica, context, "member.leave", {}, now_ms=now_ms)
        changes = _admit_own(replica, context, op, allow_invalid=False)
    return op, changes


def remove_member(
    replica: Replica, space: SpaceId, member: DeviceId, *, new_key: bytes, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Remove a member and rotate the space key to everyone who remains."""
    with _writing(replica, space) as context:
        _check_may_act_on(replica, context, member, action="member.remove", doing="remove")
        person = context.auth.person_of(context.authors[member])
        gone = set(context.auth.devices_of(person)) | {person}  # every device of the person
        op = _rotating(replica, context, "member.remove", member, gone=gone, new_key=new_key, now_ms=now_ms)
        changes = _admit_own(replica, context, op, allow_invalid=False)
    return op, changes


def _rotating(
    replica: Replica,
    context: SpaceContext,
    kind: str,
    member: DeviceId,
    *,
    gone: set[int],
    new_key: bytes,
    now_ms: int,
) -> VerifiedOp:
    """A removal or an unlink: the next epoch's key sealed to every current member device
    but the ones leaving (`gone`), and kept in this device's key ring."""
    epoch, _ = context.auth.epoch_at({a: s for a, s in context.heads.items()})
    remaining = [
        device
        for index, device in context.devices.items()
        if index not in gone and context.auth.current_level(index) > Level.NONE
    ]
    keys = [[device, seal(device, new_key)] for device in sorted(remaining)]
    fields = {"member": member, "epoch": epoch + 1, "keys": keys}
    op = _build(replica, context, kind, fields, now_ms=now_ms)
    context.keyring[op.op_id] = new_key
    replica.db.execute(
        "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)", (context.space, op.op_id, new_key)
    )
    return op


# -- one person, several devices (docs/protocol.md, "Persons and devices") ------------------
def link_device(
    replica: Replica, space: SpaceId, statement: DeviceStatement, *, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Admit a new device of this device's person: it will hold the person's role and
    name. `statement` is the new device's signed consent (`sync.link.sign_statement`),
    made for this space and this device; the new device then needs the space's keys
    (`take_space_keys`) and the history (a sync with any member)."""
    with _writing(replica, space) as context:
        me = context.authors.get(replica.key.device_id)
        if me is None or context.auth.current_level(me) == Level.NONE:
            raise Rejected(Reason.NOT_PERMITTED, "you are not a member of this circle")
        if statement.space != space:
            raise Rejected(Reason.BAD_CONTENT, "that device's link code was made for another circle")
        if statement.linker != replica.key.device_id:
            raise Rejected(Reason.BAD_CONTENT, "that device's link code was made for another device")
        if not statement_ok(
            space=space, linker=statement.linker, device=statement.device, signature=statement.signature
        ):
            raise Rejected(
                Reason.BAD_CONTENT, "that device's link code is damaged (its signature does not verify)"
            )
        known = context.authors.get(statement.device)
        if known is not None and (known in context.auth.person or known in context.auth.owners):
            if (
                context.auth.person_of(known) == context.auth.person_of(me)
                and known not in context.auth.unlinked
            ):
                raise Rejected(Reason.BAD_CONTENT, "that device is already one of yours here")
            raise Rejected(
                Reason.NOT_PERMITTED,
                "that device is (or was) a member of this circle on its own or was unlinked;"
                " it cannot be linked",
            )
        fields = {"device": statement.device, "device_sig": statement.signature}
        op = _build(replica, context, "member.link", fields, now_ms=now_ms)
        changes = _admit_own(replica, context, op, allow_invalid=False)
    return op, changes


def unlink_device(
    replica: Replica, space: SpaceId, device: DeviceId, *, new_key: bytes, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Remove one device of a person (one's own other device, or — for someone who may
    remove members — a device of a person below them) and rotate the space key to every
    other member device, so the unlinked one reads nothing written after."""
    with _writing(replica, space) as context:
        auth = context.auth
        me = context.authors.get(replica.key.device_id)
        if me is None or auth.current_level(me) == Level.NONE:
            raise Rejected(Reason.NOT_PERMITTED, "you are not a member of this circle")
        target = context.authors.get(device)
        if target is None or target not in auth.person or auth.current_level(target) == Level.NONE:
            raise Rejected(Reason.BAD_CONTENT, "that device is not a member device of this circle")
        if target == me:
            raise Rejected(
                Reason.NOT_PERMITTED, "a device cannot unlink itself: unlink it from another of your devices"
            )
        if auth.person_of(target) != auth.person_of(me):
            mine, theirs = auth.current_level(me), auth.current_level(target)
            if auth.person_of(target) in auth.owners or not may(context.policy, mine, "member.remove"):
                raise Rejected(Reason.NOT_PERMITTED, "you may only unlink your own devices")
            if theirs >= mine:
                raise Rejected(
                    Reason.NOT_PERMITTED,
                    f"you may only unlink devices of members whose role is below yours ({role_name(mine)})",
                )
        op = _rotating(
            replica, context, "member.unlink", device, gone={target}, new_key=new_key, now_ms=now_ms
        )
        changes = _admit_own(replica, context, op, allow_invalid=False)
    return op, changes


def take_space_keys(replica: Replica, space: SpaceId, keyring: Iterable[tuple[bytes, bytes]]) -> None:
    """On a new device: hold a space's epoch keys, handed over by the person's existing
    device, so the space's history can be received and read. Ops held locked for want of
    one of these keys are judged again."""
    with replica.store.transaction():
        db = replica.db
        db.execute("INSERT OR IGNORE INTO spaces (space) VALUES (?)", (space,))
        held = {row[0] for row in db.execute("SELECT ref FROM keyring WHERE space = ?", (space,))}
        fresh = [(space, ref, key) for ref, key in keyring if ref not in held]
        db.executemany("INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)", fresh)
        added = bool(fresh)
        replica.forget(space)
        if (
            added
            and db.execute(
                "SELECT 1 FROM ops WHERE space = ? AND status = ? LIMIT 1", (space, LOCKED)
            ).fetchone()
        ):
            replica._rebuild(space)
    replica.forget(space)


def space_keys(replica: Replica, space: SpaceId, *, for_device: DeviceId) -> list[tuple[bytes, bytes]]:
    """The epoch keys to hand to another device of this device's person (just linked, or
    linked while a rotation it was not sealed to went by), refused unless that device is,
    here, a current member device of the same person. Only the space key and the keys of
    rotations this replica holds as accepted ops are handed over: a key received by
    hand-over without its rotation op is never passed on, so a device that has not heard
    of an unlink cannot relay a key past it."""
    replica._refresh()
    context = replica.context(space)
    auth = context.auth
    me, them = context.authors.get(replica.key.device_id), context.authors.get(for_device)
    if (
        me is None
        or them is None
        or auth.current_level(me) == Level.NONE
        or auth.current_level(them) == Level.NONE
        or auth.person_of(me) != auth.person_of(them)
    ):
        raise Rejected(Reason.NOT_PERMITTED, "that device is not one of your devices in this circle")
    refs = [space, *(rotation.op_id for rotation in auth.rotations)]
    return sorted((ref, context.keyring[ref]) for ref in set(refs) if ref in context.keyring)
