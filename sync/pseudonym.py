"""Pseudonymous reviewing: per-assignment reviewer keys, their enrolment sealed to the
teachers, sealed grades, and the write path of an op signed by a pseudonym.

A member's pseudonym for an assignment is an Ed25519 key derived from its device seed,
the space and the assignment: the device can always re-derive it and stores nothing.
The link pseudonym → device travels only inside sealed boxes addressed to teacher
devices (`enrolment_fields`); the review-opening op certifies the pseudonym *keys*
(sorted, so their order says nothing). A review is an op whose header author is the
pseudonym itself, signed by it, with a causal past chosen to name nothing of the
writer's device (`write_as`): the opening op, the reviewed version, the assignment's
phase ops and the pseudonym's own previous op. What still leaks is written down in
docs/security.md, "Peer assessment".

Sealed boxes here begin with a salt only the writer can compute, because `seal`
derives its ephemeral key from the first 64 bytes of the plaintext: with public bytes
first, anyone could re-create the box for a guessed content and compare.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.hlc import next_hlc
from sync.identity import DeviceKey, seal, signature_ok
from sync.ids import HASH_LEN, KEY_LEN, DeviceId, OpId, SpaceId, digest
from sync.op import VerifiedOp, check_as_peers_do, seal_and_sign
from sync.replica import Replica
from sync.wire.canonical import pack, unpack_canonical
from sync.wire.op import Header

ENROL_DOMAIN = b"studycircle/pseudonym/v1\x00"


def pseudonym_key(device: DeviceKey, space: bytes, assignment: bytes) -> DeviceKey:
    """This device's reviewer key for one assignment (re-derivable, never stored)."""
    return DeviceKey(digest(device.seed + space + assignment, person=b"sc-pseudonym"))


def _salt(secret: bytes, *context: bytes) -> bytes:
    return digest(secret + b"".join(context), person=b"sc-seal-salt")


# -- enrolment ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enrolled:
    """What a teacher learns from opening an enrolment: whose pseudonym this is."""

    pseudonym: bytes
    device: DeviceId


def _statement(space: bytes, assignment: bytes, device: bytes) -> bytes:
    return ENROL_DOMAIN + space + assignment + device


def enrolment_fields(
    device: DeviceKey, space: bytes, assignment: bytes, teachers: Iterable[bytes]
) -> dict[str, Any]:
    """The body of an assign.enrol op: the pseudonym, the device, and the pseudonym's
    signature over both (so no one can enrol someone else's key), sealed to each teacher."""
    pseudonym = pseudonym_key(device, space, assignment)
    signature = pseudonym.sign(_statement(space, assignment, device.device_id))
    plaintext = pack([_salt(pseudonym.seed, b"enrol"), pseudonym.device_id, device.device_id, signature])
    recipients = sorted(set(teachers))
    if not recipients:
        raise Rejected(Reason.NOT_PERMITTED, "this circle has no teacher to enrol with")
    return {
        "assignment": assignment,
        "sealed": [[teacher, seal(teacher, plaintext)] for teacher in recipients],
    }


@functools.lru_cache(maxsize=8192)  # a teacher's gradebook and openings open the same boxes again
def open_enrolment(
    key: DeviceKey, space: bytes, assignment: bytes, sealed: bytes, author: bytes
) -> Enrolled | None:
    """A teacher device opens an enrolment sealed to it; None unless it opens, names the
    op's own author, and the pseudonym's signature verifies."""
    try:
        value = unpack_canonical(key.unseal(sealed), max_bytes=4096, max_items=8)
    except Rejected:
        return None
    if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, bytes) for v in value)):
        return None
    _, pseudonym, device, signature = value
    if len(pseudonym) != KEY_LEN or device != author:
        return None
    if not signature_ok(pseudonym, _statement(space, assignment, device), signature):
        return None
    return Enrolled(pseudonym, DeviceId(device))


# -- sealed grades ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grade:
    grade: int
    comment: str


def grade_fields(
    teacher: DeviceKey,
    assignment: bytes,
    submission: bytes,
    grade: int,
    comment: str,
    readers: Iterable[bytes],
    *,
    nonce: bytes,
) -> dict[str, Any]:
    """The body of an assign.assess op, sealed to `readers` (the student's devices and the
    teachers'). `nonce` is fresh randomness from the caller, so two grades of the same
    value are different boxes."""
    salt = _salt(teacher.seed, submission, nonce)
    plaintext = pack([salt, grade, comment])
    return {
        "assignment": assignment,
        "submission": submission,
        "sealed": [[reader, seal(reader, plaintext)] for reader in sorted(set(readers))],
    }


def open_grade(key: DeviceKey, sealed: Mapping[bytes, bytes]) -> Grade | None:
    box = sealed.get(key.device_id)
    if box is None:
        return None
    try:
        value = unpack_canonical(key.unseal(box), max_bytes=70_000, max_items=8)
    except Rejected:
        return None
    if not (
        isinstance(value, list) and len(value) == 3 and type(value[1]) is int and isinstance(value[2], str)
    ):
        return None
    return Grade(value[1], value[2])


# -- writing as a pseudonym ---------------------------------------------------------


def write_as(
    replica: Replica,
    pseudonym: DeviceKey,
    space: SpaceId,
    kind: str,
    fields: dict[str, Any],
    *,
    deps: Iterable[OpId],
    now_ms: int,
    allow_invalid: bool = False,
) -> tuple[VerifiedOp, Changes]:
    """Write one op signed by `pseudonym`, whose causal past is only `deps` and the
    pseudonym's previous op: none of this device's own ops, none of the heads that would
    fingerprint its view. Refused (nothing written) as any other write; `allow_invalid`
    exists for tests of hostile peers."""
    from sync import writer  # the write path's transaction and admission

    plaintext = writer._plaintext(kind, fields)
    with writer._writing(replica, space) as context:
        db = replica.db
        me = context.author_index(db, pseudonym.device_id)
        seq = context.heads.get(me, 0) + 1
        parents = []
        prev = None
        if seq > 1:
            row = db.execute(
                "SELECT op_id FROM ops WHERE space = ? AND author = ? AND seq = ? AND status != 1"
                " ORDER BY op_id LIMIT 1",
                (space, me, seq - 1),
            ).fetchone()
            prev = OpId(row[0])
            parents.append(context.info(db, prev))
        chosen = sorted(set(deps) - {prev})
        for op_id in chosen:
            info = context.info(db, op_id)
            if info is None:
                raise Rejected(Reason.BAD_CHAIN, "an op this depends on has not arrived yet")
            parents.append(info)
        clock: dict[int, int] = {}
        for parent in parents:
            assert parent is not None
            for author, seen in parent.clock.items():
                clock[author] = max(clock.get(author, 0), seen)
        epoch, refs = context.auth.epoch_at(clock)
        key = context.epoch_key(refs)
        if key is None:
            raise Rejected(Reason.UNDECRYPTABLE, "this device does not hold the key of that round")
        floor = max((parent.hlc for parent in parents if parent is not None), default=0)
        draft = Header(
            space=space,
            author=pseudonym.device_id,
            seq=seq,
            prev=prev,
            deps=tuple(chosen),
            kind=kind,
            epoch=epoch,
            body_hash=bytes(HASH_LEN),
            body_len=0,
            hlc=next_hlc(now_ms=now_ms, floor=floor),
        )
        op = seal_and_sign(pseudonym, draft, plaintext, key)
        check_as_peers_do(op)
        changes = writer._admit_own(replica, context, op, allow_invalid=allow_invalid)
    return op, changes


# -- the teacher's side ---------------------------------------------------------------


def enrolled(db: Any, space: SpaceId, assignment: bytes, key: DeviceKey) -> list[Enrolled]:
    """Every enrolment of `assignment` this teacher device can open, one per pseudonym."""
    from sync.reducers.assess import enrolment_boxes

    found: dict[bytes, Enrolled] = {}
    for device, boxes in enrolment_boxes(db, space, assignment):
        box = boxes.get(key.device_id)
        opened = None if box is None else open_enrolment(key, space, assignment, box, device)
        if opened is not None:
            found.setdefault(opened.pseudonym, opened)
    return [found[p] for p in sorted(found)]


def review_opening(
    db: Any, space: SpaceId, assignment: bytes, round_: int, key: DeviceKey, *, base_seed: bytes
) -> dict[str, Any]:
    """The body of the op that opens review round `round_`, as the teacher's client makes
    it: the pseudonyms of every enrolment it can open, certified, and the first seed from
    `base_seed` (fresh randomness) under which nobody is allocated their own work."""
    from sync.allocation import choose_seed
    from sync.reducers.assess import allocation_at, person_of, phases_at, settings_at, versions_at

    settings = settings_at(db, space, assignment, None)
    if settings is None:
        raise Rejected(Reason.BAD_CONTENT, "There is no such assignment here.")
    current = {row[0] for row in db.execute("SELECT device FROM members WHERE space = ?", (space,))}
    # A removed member's pseudonym is not certified again.
    people = [e for e in enrolled(db, space, assignment, key) if e.device in current]
    owner: dict[bytes, bytes] = {e.pseudonym: person_of(db, space, e.device) for e in people}
    for submission, person in db.execute(
        "SELECT DISTINCT submission, person FROM assign_versions WHERE space = ? AND assignment = ?",
        (space, assignment),
    ):
        owner[submission] = person
    previous: dict[bytes, set[bytes]] = {}
    earlier = [
        r for r in phases_at(db, space, assignment, None) if r.phase == "review" and r.round == round_ - 1
    ]
    if earlier:
        previous = allocation_at(db, space, earlier[-1].op_id, None)
    members = {row[0] for row in db.execute("SELECT device FROM device_persons WHERE space = ?", (space,))}
    pseudonyms = sorted(e.pseudonym for e in people if e.pseudonym not in members)
    seed = choose_seed(
        versions_at(db, space, assignment, None),
        pseudonyms,
        settings.reviewers,
        base_seed,
        lambda item: owner.get(item, item),
        previous,
    )
    if seed is None:
        raise Rejected(
            Reason.NOT_PERMITTED,
            f"No allocation gives {settings.reviewers} reviewers to every submission without someone"
            f" reviewing their own work ({len(pseudonyms)} enrolled to review); lower the number of"
            " reviewers or wait for more students to enrol.",
        )
    return {
        "assignment": assignment,
        "phase": "review",
        "round": round_,
        "seed": seed,
        "pseudonyms": pseudonyms,
    }


def review_deps(db: Any, space: SpaceId, assignment: bytes, submission: bytes, version: int) -> list[OpId]:
    """The causal past a review names: the assignment's phase switches, the reviewed
    version, and the teachers' reallocations — public teacher ops and the work itself,
    nothing of the reviewer's own device."""
    rows = db.execute(
        "SELECT op_id FROM assign_phases WHERE space = ? AND assignment = ?"
        " UNION SELECT op_id FROM assign_versions WHERE space = ? AND submission = ? AND version = ?"
        " UNION SELECT r.op_id FROM assign_reallocations r JOIN assign_phases p"
        " ON p.space = r.space AND p.op_id = r.opener WHERE r.space = ? AND p.assignment = ?",
        (space, assignment, space, submission, version, space, assignment),
    ).fetchall()
    return sorted(OpId(row[0]) for row in rows)
