"""Anonymous survey answers: per-survey pseudonyms admitted by blind signatures, so that
no device but the respondent's own holds anything linking an answer to its respondent —
not even the survey's owner (docs/protocol.md, 8b, "Anonymous surveys").

- The owner device's anonymous `survey.open` carries a blind-signing public key
  (`sync.blind_token`) derived from its seed, the space and a fresh public nonce; a
  `survey.rekey` (after a member left) carries the next one. The latest key is the one
  whose answers count.
- A member derives its pseudonym (seed, space, survey; never stored) and a blinding
  factor (seed, space, survey, key op), and joins with `survey.enrol`, signed by its
  device: the pseudonym's message *blinded* — a random number to everyone else.
- The owner's `survey.admit` signs each join of a current member, one per person per
  key; every peer checks each signature against its join.
- The member unblinds its signature into a token for its pseudonym, and answers with
  `survey.respond`, signed by the pseudonym, carrying the token; every peer checks the
  token against the key. Its causal past names only the survey, the key's op, any close
  and the pseudonym's previous answer, nothing of the respondent's device.

The owner signed a number it could not read, and the token it sees later matches every
join equally well; so nothing on its device, or anyone else's, links the two.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sync import blind_token, pseudonym
from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import DeviceId, OpId, SpaceId, digest
from sync.op import VerifiedOp
from sync.reducers.coaching import answer_message
from sync.replica import VALID, Replica
from sync.wire.canonical import unpack_canonical

CONTEXT = b"survey\x00"


def _context(survey: bytes) -> bytes:
    return CONTEXT + survey  # never equal to an assignment id: another pseudonym


def survey_pseudonym(device: DeviceKey, space: bytes, survey: bytes) -> DeviceKey:
    """This device's answering key for one survey (re-derivable, never stored)."""
    return pseudonym.pseudonym_key(device, space, _context(survey))


def _signer_secret(device: DeviceKey, space: bytes, nonce: bytes) -> bytes:
    return digest(device.seed + space + nonce, person=b"sc-survey-sign")


def _blinding_secret(device: DeviceKey, space: bytes, survey: bytes, key_op: bytes) -> bytes:
    return digest(device.seed + space + survey + key_op, person=b"sc-survey-blnd")


def key_fields(device: DeviceKey, space: bytes, nonce: bytes) -> dict[str, bytes]:
    """The key fields of an anonymous survey.open or a survey.rekey: the public key this
    device derives from its seed, the space and `nonce` (fresh randomness from the
    caller). Slow the first time (two primes; about a second), then cached."""
    signer = blind_token.derive_signer(_signer_secret(device, space, nonce))
    return {"token_key": signer.public, "key_nonce": nonce}


@dataclass(frozen=True, slots=True)
class SurveyKey:
    """The survey's current blind-signing key: the op that published it and its bytes."""

    op_id: OpId
    public: bytes
    nonce: bytes


def _steps(db: sqlite3.Connection, space: bytes, survey: bytes, step: str) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT device, author, seq, op_id, data FROM coaching_steps"
        " WHERE space = ? AND target = ? AND step = ? ORDER BY hlc, op_id",
        (space, survey, step),
    ).fetchall()


def current_key(db: sqlite3.Connection, space: bytes, survey: bytes) -> SurveyKey | None:
    """The latest key: the owner device's last rekey (its ops are one chain, so the
    highest seq), else the survey's own; None for a named or unknown survey."""
    rekeys = _steps(db, space, survey, "rekey")
    if rekeys:
        _, _, _, op_id, data = max(rekeys, key=lambda r: (r[2], r[3]))
        public, nonce = unpack_canonical(data)
        return SurveyKey(OpId(op_id), bytes(public), bytes(nonce))
    row = db.execute("SELECT extra FROM items WHERE space = ? AND item_id = ?", (space, survey)).fetchone()
    extra = unpack_canonical(row[0]) if row is not None and row[0] else {}
    if not isinstance(extra.get("token_key"), bytes):
        return None
    return SurveyKey(OpId(survey), extra["token_key"], extra["key_nonce"])


@dataclass(frozen=True, slots=True)
class Join:
    op_id: OpId
    device: DeviceId
    key_op: OpId
    blinded: bytes


def joins(db: sqlite3.Connection, space: bytes, survey: bytes, key_op: bytes) -> list[Join]:
    """The joins under the key of `key_op`, in (hlc, op id) order."""
    found = []
    for device, _, _, op_id, data in _steps(db, space, survey, "enrol"):
        joined_key, blinded = unpack_canonical(data)
        if bytes(joined_key) == key_op:
            found.append(Join(OpId(op_id), DeviceId(device), OpId(joined_key), bytes(blinded)))
    return found


def grants(db: sqlite3.Connection, space: bytes, survey: bytes) -> dict[bytes, bytes]:
    """Every admission of `survey`: join op id -> the owner's signature of its value."""
    return {
        bytes(enrol): bytes(signed)
        for *_, data in _steps(db, space, survey, "admit")
        for enrol, signed in unpack_canonical(data)
    }


def enrolment_fields(device: DeviceKey, space: bytes, survey: bytes, key: SurveyKey) -> dict[str, Any]:
    """The body of a survey.enrol op: this device's pseudonym message, blinded."""
    if not blind_token.public_ok(key.public):
        raise Rejected(Reason.BAD_CONTENT, "this survey's key is faulty: it cannot be answered anonymously")
    message = answer_message(survey, key.op_id, survey_pseudonym(device, space, survey).device_id)
    secret = _blinding_secret(device, space, survey, key.op_id)
    return {"survey": survey, "key": key.op_id, "blinded": blind_token.blind(key.public, message, secret)}


def waiting(db: sqlite3.Connection, space: SpaceId, survey: bytes) -> tuple[SurveyKey, list[Join]]:
    """The current key and the joins an admit would sign now: the first join under that
    key of each current member's person not yet admitted under it (a database read)."""
    current = current_key(db, space, survey)
    if current is None:
        raise Rejected(Reason.NOT_PERMITTED, "This survey is named: there are no anonymous keys to admit.")
    members = {row[0] for row in db.execute("SELECT device FROM members WHERE space = ?", (space,))}
    persons = dict(
        db.execute("SELECT device, person FROM device_persons WHERE space = ?", (space,)).fetchall()
    )
    given = grants(db, space, survey)
    everyone = joins(db, space, survey, current.op_id)
    done = {persons.get(j.device) or j.device for j in everyone if j.op_id in given}
    chosen: dict[bytes, Join] = {}
    for join in everyone:
        person = persons.get(join.device) or join.device
        if join.device in members and person not in done:
            chosen.setdefault(person, join)
    return current, sorted(chosen.values(), key=lambda j: j.op_id)


def grant_fields(
    key: DeviceKey, space: bytes, survey: bytes, current: SurveyKey, chosen: list[Join]
) -> dict[str, Any]:
    """The owner's survey.admit signing `chosen` (arithmetic only: about a second to
    re-derive the key the first time, then a few milliseconds a join). Refused if this
    device did not make the key."""
    signer = blind_token.derive_signer(_signer_secret(key, space, current.nonce))
    if signer.public != current.public:
        raise Rejected(
            Reason.NOT_PERMITTED, "Only the device that opened this survey can admit anonymous keys."
        )
    return {"survey": survey, "grants": [[j.op_id, signer.sign_blinded(j.blinded)] for j in chosen]}


def admit_fields(
    db: sqlite3.Connection, space: SpaceId, survey: bytes, key: DeviceKey
) -> dict[str, Any] | None:
    """The owner's next survey.admit (`waiting` then `grant_fields`); None if nobody waits."""
    current, chosen = waiting(db, space, survey)
    return grant_fields(key, space, survey, current, chosen) if chosen else None


def admitted_count(db: sqlite3.Connection, space: bytes, survey: bytes) -> int:
    """How many joins the owner admitted under the current key (public)."""
    current = current_key(db, space, survey)
    if current is None:
        return 0
    given = grants(db, space, survey)
    return sum(1 for join in joins(db, space, survey, current.op_id) if join.op_id in given)


def joined_devices(db: sqlite3.Connection, space: bytes, survey: bytes) -> set[DeviceId]:
    """Who asked to take part under the current key (public: joins are signed by devices)."""
    current = current_key(db, space, survey)
    return set() if current is None else {j.device for j in joins(db, space, survey, current.op_id)}


def admitted(db: sqlite3.Connection, space: bytes, survey: bytes, device: bytes) -> bool:
    """Whether `device`'s join under the current key has been admitted."""
    current = current_key(db, space, survey)
    if current is None:
        return False
    given = grants(db, space, survey)
    return any(j.device == device and j.op_id in given for j in joins(db, space, survey, current.op_id))


def removals_since_key(replica: Replica, space: SpaceId, survey: bytes) -> int:
    """How many valid removals of members are not in the causal past of the survey's
    current key op: each is a member whose token may still count until the key is
    renewed (0 for a named survey)."""
    current = current_key(replica.db, space, survey)
    if current is None:
        return 0
    context = replica.context(space)
    info = context.info(replica.db, current.op_id)
    if info is None:
        return 0
    return sum(
        1
        for author, seq in replica.db.execute(
            "SELECT author, seq FROM ops WHERE space = ? AND kind = 'member.remove' AND status = ?",
            (space, VALID),
        )
        if info.clock.get(author, 0) < seq
    )


def closed(db: sqlite3.Connection, space: bytes, survey: bytes) -> bool:
    return bool(_steps(db, space, survey, "close"))


def token(db: sqlite3.Connection, space: SpaceId, survey: bytes, device: DeviceKey) -> bytes | None:
    """This device's token under the current key: its join admitted and the signature
    unblinded and verified; None if not admitted (yet) or if the key is faulty."""
    current = current_key(db, space, survey)
    if current is None:
        return None
    given = grants(db, space, survey)
    for join in joins(db, space, survey, current.op_id):
        if join.device == device.device_id and join.op_id in given:
            message = answer_message(survey, current.op_id, survey_pseudonym(device, space, survey).device_id)
            secret = _blinding_secret(device, space, survey, current.op_id)
            return blind_token.unblind(current.public, message, secret, given[join.op_id])
    return None


def respond(
    replica: Replica, space: SpaceId, survey: bytes, fields: dict[str, Any], *, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Write this device's answer to an anonymous survey, signed by its pseudonym, with
    its token under the current key; naming only the survey, the key's op, any close of
    the survey (public ops every member holds) and the pseudonym's previous answer."""
    current = current_key(replica.db, space, survey)
    found = token(replica.db, space, survey, replica.key)
    if current is None or found is None:
        raise Rejected(Reason.NOT_PERMITTED, "the survey's owner has not admitted your anonymous key yet")
    closes = [OpId(row[3]) for row in _steps(replica.db, space, survey, "close")]
    return pseudonym.write_as(
        replica,
        survey_pseudonym(replica.key, space, survey),
        space,
        "survey.respond",
        {**fields, "key": current.op_id, "token": found},
        deps=[OpId(survey), current.op_id, *closes],
        now_ms=now_ms,
    )
