"""Anonymous survey answers: per-survey pseudonyms, their enrolment sealed to the survey's
owner device, the owner's admission of pseudonym keys, and the causal past an answer names.

The scheme is the peer assessment's (`sync.pseudonym`), with the survey's owner device in
the teacher's place: a member derives a pseudonym from its device seed, the space and the
survey (re-derivable, never stored); `survey.enrol` carries pseudonym → device sealed to
the owner device only; the owner's `survey.admit` lists the admitted pseudonym *keys*,
sorted, one per person; `survey.respond` is signed by the pseudonym with a causal past of
the survey's open op, the owner's latest admit op and the survey's close if any (plus the
pseudonym's own previous answer), nothing of the respondent's device. So other members
cannot link an answer to its respondent; the owner can (docs/security.md, "Anonymous
surveys", says who learns what and what still leaks).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sync import pseudonym
from sync.changes import Changes
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import DeviceId, OpId, SpaceId
from sync.op import VerifiedOp
from sync.replica import Replica
from sync.wire.canonical import unpack_canonical

CONTEXT = b"survey\x00"


def _context(survey: bytes) -> bytes:
    return CONTEXT + survey  # never equal to an assignment id: another pseudonym


def survey_pseudonym(device: DeviceKey, space: bytes, survey: bytes) -> DeviceKey:
    """This device's answering key for one survey (re-derivable, never stored)."""
    return pseudonym.pseudonym_key(device, space, _context(survey))


def enrolment_fields(device: DeviceKey, space: bytes, survey: bytes, owner: bytes) -> dict[str, Any]:
    """The body of a survey.enrol op: pseudonym, device and the pseudonym's signature over
    both, sealed (with a salt only this device can compute) to the survey's owner device."""
    sealed = pseudonym.enrolment_fields(device, space, _context(survey), [owner])["sealed"]
    return {"survey": survey, "boxes": sealed}


def _rows(db: sqlite3.Connection, space: bytes, survey: bytes, step: str) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT device, author, seq, op_id, data FROM coaching_steps"
        " WHERE space = ? AND target = ? AND step = ? ORDER BY hlc, op_id",
        (space, survey, step),
    ).fetchall()


def enrolled(
    db: sqlite3.Connection, space: SpaceId, survey: bytes, key: DeviceKey
) -> list[pseudonym.Enrolled]:
    """Every enrolment of `survey` this (owner) device can open, in (hlc, op id) order."""
    found: dict[bytes, pseudonym.Enrolled] = {}
    for device, _, _, _, data in _rows(db, space, survey, "enrol"):
        boxes = {bytes(d): bytes(b) for d, b in unpack_canonical(data)}
        box = boxes.get(key.device_id)
        opened = None if box is None else pseudonym.open_enrolment(key, space, _context(survey), box, device)
        if opened is not None:
            found.setdefault(opened.pseudonym, opened)
    return list(found.values())


def enrolled_devices(db: sqlite3.Connection, space: bytes, survey: bytes) -> set[DeviceId]:
    """Who asked to take part (public: enrolments are signed by their devices)."""
    return {DeviceId(row[0]) for row in _rows(db, space, survey, "enrol")}


def admit_fields(db: sqlite3.Connection, space: SpaceId, survey: bytes, key: DeviceKey) -> dict[str, Any]:
    """The owner's next survey.admit: the pseudonyms of current members' enrolments this
    device opens, the first per person (a person with two devices answers once)."""
    current = {row[0] for row in db.execute("SELECT device FROM members WHERE space = ?", (space,))}
    persons = dict(
        db.execute("SELECT device, person FROM device_persons WHERE space = ?", (space,)).fetchall()
    )
    chosen: dict[bytes, bytes] = {}
    for entry in enrolled(db, space, survey, key):
        if entry.device in current:
            chosen.setdefault(persons.get(entry.device) or entry.device, entry.pseudonym)
    return {"survey": survey, "pseudonyms": sorted(chosen.values())}


def latest_admit(
    db: sqlite3.Connection, space: bytes, survey: bytes
) -> tuple[OpId, tuple[bytes, ...]] | None:
    """The owner's latest admit op this replica holds and the keys it admits (an owner
    device's ops are one chain, so the highest seq is the latest)."""
    rows = _rows(db, space, survey, "admit")
    if not rows:
        return None
    _, _, _, op_id, data = max(rows, key=lambda r: (r[2], r[3]))
    return OpId(op_id), tuple(bytes(k) for k in unpack_canonical(data))


def admitted(db: sqlite3.Connection, space: bytes, survey: bytes, key: DeviceKey) -> bool:
    found = latest_admit(db, space, survey)
    return found is not None and survey_pseudonym(key, space, survey).device_id in found[1]


def respond(
    replica: Replica, space: SpaceId, survey: bytes, fields: dict[str, Any], *, now_ms: int
) -> tuple[VerifiedOp, Changes]:
    """Write this device's answer to an anonymous survey, signed by its pseudonym, naming
    only the survey, the owner's latest admit op and any close of the survey (public ops
    every member holds) and the pseudonym's previous answer."""
    found = latest_admit(replica.db, space, survey)
    if found is None:
        raise Rejected(Reason.NOT_PERMITTED, "the survey's owner has not admitted any anonymous key yet")
    closes = [OpId(row[3]) for row in _rows(replica.db, space, survey, "close")]
    return pseudonym.write_as(
        replica,
        survey_pseudonym(replica.key, space, survey),
        space,
        "survey.respond",
        fields,
        deps=[OpId(survey), found[0], *closes],
        now_ms=now_ms,
    )
