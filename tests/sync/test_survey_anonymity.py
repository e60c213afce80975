"""Anonymous surveys by cryptography (issue 18, done-when 2): after 6 respondents answer an
anonymous survey, **every** device's database file — the survey owner's included — holds
nothing linking an answer to its respondent's device, person or name, while every peer
accepted every answer. The owner admitted each member by blind-signing a value it could
not read (`sync.blind_token`). Attacks: a forged token, a token copied from another key,
a token of another survey, an admit by a non-owner, an admit whose signature is not the
owner key's, a second admission of one person, a join naming no key, a second join, a
removed member's answers, an answer after the close, the owner signing keys outside any
admission (not refused: counted, and flagged on every peer).

What "linking" is checked as (docs/security.md, "Anonymous surveys", lists what still
leaks): no row holds both a pseudonym (or an answer op id, or its text) and the
respondent's device id, person id or name; an answer op's header names only the
survey's open op, its key op, a close and its own previous answer; no device's op names
an answer; no pseudonym secret and no blinding secret is in the file; and the owner's
own view (the values it signed, the tokens it verified) fits every join to every answer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sync import blind_token, pseudonym, survey_keys, writer
from sync import coaching_views as cv
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import OpId
from sync.reducers.coaching import answer_message
from sync.replica import Replica
from sync.state import items, state_hash
from sync.store import Store
from sync.wire.op import decode_header
from tests.sync.helpers import Circle, Clock, reconcile, seed

NAMES = ("Ann", "Ben", "Cat", "Dev", "Eve", "Fay")
QUESTIONS = [["choice", "Useful?", ["yes", "no"]], ["scale", "Confident?", [1, 5]], ["text", "Why?", []]]


def file_replica(tmp: Path, name: str) -> Replica:
    return Replica(Store(tmp / f"{name}.db"), DeviceKey(seed(name)))


def open_survey(circle: Circle, replica: Replica, *, anonymous: bool = True, nonce: str = "n1") -> bytes:
    fields: dict[str, Any] = {"title": "Start of unit", "anonymous": anonymous, "questions": QUESTIONS}
    if anonymous:
        fields.update(survey_keys.key_fields(replica.key, circle.space, seed(nonce)[:16]))
    op, _ = writer.write(replica, circle.space, "survey.open", fields, now_ms=circle.clock())
    return op.op_id


def rekey(circle: Circle, survey: bytes, nonce: str) -> bytes:
    fields = {"survey": survey, **survey_keys.key_fields(circle.owner.key, circle.space, seed(nonce)[:16])}
    op, _ = writer.write(circle.owner, circle.space, "survey.rekey", fields, now_ms=circle.clock())
    return op.op_id


def current(replica: Replica, circle: Circle, survey: bytes) -> survey_keys.SurveyKey:
    found = survey_keys.current_key(replica.db, circle.space, survey)
    assert found is not None
    return found


def enrol(circle: Circle, replica: Replica, survey: bytes) -> OpId:
    fields = survey_keys.enrolment_fields(replica.key, circle.space, survey, current(replica, circle, survey))
    op, _ = writer.write(replica, circle.space, "survey.enrol", fields, now_ms=circle.clock())
    return op.op_id


def admit(circle: Circle, survey: bytes) -> int:
    fields = survey_keys.admit_fields(circle.owner.db, circle.space, survey, circle.owner.key)
    assert fields is not None
    writer.write(circle.owner, circle.space, "survey.admit", fields, now_ms=circle.clock())
    return len(fields["grants"])


def respond(circle: Circle, replica: Replica, survey: bytes, answers: list[Any]) -> OpId:
    fields = {"survey": survey, "answers": answers}
    op, _ = survey_keys.respond(replica, circle.space, survey, fields, now_ms=circle.clock())
    return op.op_id


def respond_as(
    circle: Circle, replica: Replica, key: DeviceKey, survey: bytes, key_op: bytes, token: bytes
) -> OpId:
    """An answer written as `key` with whatever token (an attacker's tool)."""
    fields = {"survey": survey, "answers": [0, 1, ""], "key": key_op, "token": token}
    op, _ = pseudonym.write_as(
        replica,
        key,
        circle.space,
        "survey.respond",
        fields,
        deps=[OpId(survey), OpId(key_op)],
        now_ms=circle.clock(),
    )
    return op.op_id


def results(replica: Replica, circle: Circle, survey: bytes) -> cv.SurveyResults:
    row = next(r for r in items(replica.db, circle.space) if r.item_id == survey)
    return cv.survey_results(replica.db, circle.space, row)


def refused(reason: Reason, call: Any, *args: Any, **kw: Any) -> None:
    with pytest.raises(Rejected) as caught:
        call(*args, **kw)
    assert caught.value.reason is reason, caught.value


def rows_of(path: Path) -> list[tuple[str, tuple[object, ...]]]:
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = [(t, row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]
    db.close()
    return found


def holds(value: object, needle: bytes | str) -> bool:
    if isinstance(needle, str):
        return (isinstance(value, str) and needle in value) or (
            isinstance(value, bytes) and needle.encode() in value
        )
    if isinstance(value, bytes):
        return needle in value
    return isinstance(value, str) and needle.hex() in value


def surveyed_circle(tmp_path: Path | None = None) -> tuple[Circle, bytes]:
    """A teacher (the survey's owner) and six members who all joined and were admitted."""
    make = (lambda name: file_replica(tmp_path, name)) if tmp_path else (lambda name: None)
    circle = Circle.create(Clock(), owner=make("teacher"))
    for name in NAMES:
        circle.add(name, replica=make(name))
    circle.sync_all()
    survey = open_survey(circle, circle.owner)
    circle.sync_all()
    for member in circle.members.values():
        enrol(circle, member, survey)
    circle.sync_all()
    assert admit(circle, survey) == len(NAMES)
    circle.sync_all()
    return circle, survey


def test_no_device_not_even_the_owners_can_link_an_answer_to_its_respondent(tmp_path: Path) -> None:
    circle, survey = surveyed_circle(tmp_path)
    space = circle.space
    answered = {}
    for n, (name, member) in enumerate(circle.members.items()):
        answered[name] = respond(circle, member, survey, [n % 2, 1 + n % 5, f"because {name.lower()}-{n}"])
    circle.sync_all()

    # Every replica accepted all six answers and counts them; nobody is named.
    for replica in circle.replicas():
        statuses = replica.db.execute(
            "SELECT status FROM ops WHERE space = ? AND kind = 'survey.respond'", (space,)
        ).fetchall()
        assert statuses == [(0,)] * 6
        seen = results(replica, circle, survey)
        assert seen.respondents == 6 and seen.admitted == 6 and seen.named == ()
        assert seen.questions[0].counts == (3, 3)
        replica.store.buffer.flush()
    assert len({state_hash(r.db, space) for r in circle.replicas()}) == 1

    members = circle.members
    keys = {n: survey_keys.survey_pseudonym(m.key, space, survey) for n, m in members.items()}
    devices = {n: m.key.device_id for n, m in members.items()}
    persons = {
        n: bytes(p)
        for n, p in (
            (
                n,
                circle.owner.db.execute(
                    "SELECT person FROM device_persons WHERE device = ?", (d,)
                ).fetchone()[0],
            )
            for n, d in devices.items()
        )
    }
    key = current(circle.owner, circle, survey)
    blinding = {n: survey_keys._blinding_secret(m.key, space, survey, key.op_id) for n, m in members.items()}

    # Every file, the owner's included: no row holds an answer's marks with a person's.
    for observer in (*NAMES, "teacher"):
        path = tmp_path / f"{observer}.db"
        replica = members.get(observer, circle.owner)
        rows, raw = rows_of(path), path.read_bytes()
        for name in NAMES:
            if name == observer:
                continue
            answer_marks = (keys[name].device_id, answered[name], f"because {name.lower()}")
            who_marks = (devices[name], persons[name], name)
            for table, row in rows:
                linked_answer = any(holds(v, m) for v in row for m in answer_marks)
                linked_person = any(holds(v, m) for v in row for m in who_marks)
                assert not (linked_answer and linked_person), (observer, name, table)
            assert keys[name].seed not in raw and blinding[name] not in raw
        kinds = dict(replica.db.execute("SELECT op_id, kind FROM ops WHERE space = ?", (space,)).fetchall())
        member_devices = set(devices.values())
        for (header,) in replica.db.execute("SELECT header FROM ops WHERE space = ?", (space,)).fetchall():
            parsed = decode_header(header)
            if parsed.kind == "survey.respond":
                assert parsed.author not in member_devices
                assert {kinds[d] for d in parsed.deps} <= {"survey.open", "survey.rekey", "survey.close"}
            else:
                assert all(kinds.get(d) != "survey.respond" for d in parsed.deps), parsed.kind

    # The owner's whole view of the admission: the blinded values it signed and its
    # signatures, then the tokens it verified. Nothing it signed or saw at a join turns up
    # in an answer, and every join fits every answer equally: for each pair there is a
    # blinding factor r (= signature / token) with r^e = blinded / H(message). So even
    # the owner's device key, which derives the signing key, cannot choose between them.
    n = int.from_bytes(key.public, "big")
    signed = survey_keys.grants(circle.owner.db, space, survey)
    joins = survey_keys.joins(circle.owner.db, space, survey, key.op_id)
    tokens = {
        bytes(row[0]): bytes(row[1])
        for row in circle.owner.db.execute(
            "SELECT a.device, o.op_id FROM ops o JOIN authors a ON a.space = o.space AND a.idx = o.author"
            " WHERE o.space = ? AND o.kind = 'survey.respond'",
            (space,),
        )
    }
    assert len(joins) == len(tokens) == 6
    token_values = {}
    for name in NAMES:
        found = survey_keys.token(members[name].db, space, survey, members[name].key)
        assert found is not None
        token_values[keys[name].device_id] = found
    for join in joins:
        assert signed[join.op_id] not in token_values.values()
        for pseudonym_key, token in token_values.items():
            message = answer_message(survey, key.op_id, pseudonym_key)
            assert join.blinded != blind_token._hashed(n, message).to_bytes(256, "big")
            r = int.from_bytes(signed[join.op_id], "big") * pow(int.from_bytes(token, "big"), -1, n) % n
            hashed = blind_token._hashed(n, message)
            assert pow(r, blind_token.E, n) == int.from_bytes(join.blinded, "big") * pow(hashed, -1, n) % n


def test_attacks_are_refused_or_not_counted() -> None:
    circle, survey = surveyed_circle()
    ann, ben, cat = (circle.members[n] for n in ("Ann", "Ben", "Cat"))
    space = circle.space
    key = current(ann, circle, survey)
    outsider = DeviceKey(seed("outsider"))

    # A forged token; Ann's own token used by another key; a token of another survey.
    ann_token = survey_keys.token(ann.db, space, survey, ann.key)
    assert ann_token is not None
    refused(Reason.NOT_PERMITTED, respond_as, circle, ann, outsider, survey, key.op_id, bytes([9]) * 256)
    refused(Reason.NOT_PERMITTED, respond_as, circle, ann, outsider, survey, key.op_id, ann_token)
    other = open_survey(circle, circle.owner, nonce="n-other")
    circle.sync_all([circle.owner, ann])
    mine = survey_keys.survey_pseudonym(ann.key, space, other)
    refused(Reason.NOT_PERMITTED, respond_as, circle, ann, mine, other, other, ann_token)
    # A token or a join one byte short, and one admission past the cap.
    refused(Reason.BAD_CONTENT, respond_as, circle, ann, outsider, survey, key.op_id, ann_token[:-1])
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        ben,
        space,
        "survey.enrol",
        {"survey": survey, "key": key.op_id, "blinded": ann_token[:-1]},
        now_ms=circle.clock(),
    )
    too_many = [[bytes([i % 256, i // 256]) * 16, ann_token] for i in range(501)]
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        circle.owner,
        space,
        "survey.admit",
        {"survey": survey, "grants": sorted(too_many)},
        now_ms=circle.clock(),
    )
    # A device answering an anonymous survey in its own name.
    refused(
        Reason.NOT_PERMITTED,
        writer.write,
        ann,
        space,
        "survey.answer",
        {"survey": survey, "answers": [0, 1, ""]},
        now_ms=circle.clock(),
    )
    # A key op that is not one of this survey's keys.
    refused(Reason.BAD_CONTENT, respond_as, circle, ann, outsider, survey, other, ann_token)

    # Joins: a second one under the same key; one naming no key of this survey; a value
    # the key cannot sign.
    refused(Reason.NOT_PERMITTED, enrol, circle, ann, survey)
    joined = survey_keys.enrolment_fields(ann.key, space, survey, key)
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        ben,
        space,
        "survey.enrol",
        {**joined, "key": other},
        now_ms=circle.clock(),
    )
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        ben,
        space,
        "survey.enrol",
        {**joined, "blinded": key.public},
        now_ms=circle.clock(),
    )

    # Admits: by a non-owner; a signature that is not the key's; a join admitted twice.
    ann_join = next(
        j for j in survey_keys.joins(ann.db, space, survey, key.op_id) if j.device == ann.key.device_id
    )
    given = survey_keys.grants(ann.db, space, survey)
    refused(
        Reason.NOT_PERMITTED,
        writer.write,
        ann,
        space,
        "survey.admit",
        {"survey": survey, "grants": [[ann_join.op_id, given[ann_join.op_id]]]},
        now_ms=circle.clock(),
    )
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        circle.owner,
        space,
        "survey.admit",
        {"survey": survey, "grants": [[ann_join.op_id, bytes([5]) * 256]]},
        now_ms=circle.clock(),
    )
    refused(
        Reason.NOT_PERMITTED,
        writer.write,
        circle.owner,
        space,
        "survey.admit",
        {"survey": survey, "grants": [[ann_join.op_id, given[ann_join.op_id]]]},
        now_ms=circle.clock(),
    )
    # Only the owner device makes or renews keys.
    refused(
        Reason.NOT_PERMITTED,
        writer.write,
        ann,
        space,
        "survey.rekey",
        {"survey": survey, **survey_keys.key_fields(ann.key, space, bytes(16))},
        now_ms=circle.clock(),
    )
    # Bad answers.
    refused(Reason.BAD_CONTENT, respond, circle, ann, survey, [2, 1, ""])

    # A second answer by the same pseudonym replaces the first; it is not counted twice.
    respond(circle, ann, survey, [0, 5, "first"])
    respond(circle, ann, survey, [1, 2, "second thoughts"])
    respond(circle, ben, survey, [0, 3, ""])
    respond(circle, cat, survey, [1, 4, "cat's view"])
    circle.sync_all()
    for replica in circle.replicas():
        seen = results(replica, circle, survey)
        assert seen.respondents == 3 and seen.questions[0].counts == (1, 2)
        assert seen.questions[2].texts == ("cat's view", "second thoughts")

    # A removed member: the owner removes Cat and renews the key (its client does both).
    # Cat's answers — the one before, one after from a replica that has not seen the
    # removal — stop counting; her join under the new key is refused (strong removal).
    writer.remove_member(circle.owner, space, cat.key.device_id, new_key=seed("k2"), now_ms=circle.clock())
    rekey(circle, survey, "n2")
    late = respond(circle, cat, survey, [1, 1, "from a removed member"])
    reconcile(cat, ann, space)  # a member relays it
    assert ann.db.execute("SELECT status FROM ops WHERE op_id = ?", (late,)).fetchone() == (0,)
    circle.sync_all([circle.owner, ann, ben])
    for replica in (circle.owner, ann, ben):
        seen = results(replica, circle, survey)
        assert seen.respondents == 0 and seen.admitted == 0
    refused(
        Reason.NOT_PERMITTED,
        survey_keys.respond,
        ann,
        space,
        survey,
        {"survey": survey, "answers": [0, 1, ""]},
        now_ms=circle.clock(),
    )
    # The others join again under the new key, are admitted, and answer again.
    enrol(circle, ann, survey)
    enrol(circle, ben, survey)
    circle.sync_all([circle.owner, ann, ben])
    assert admit(circle, survey) == 2
    circle.sync_all([circle.owner, ann, ben])
    respond(circle, ann, survey, [1, 2, "again"])
    respond(circle, ben, survey, [0, 3, ""])
    circle.sync_all([circle.owner, ann, ben])
    for replica in (circle.owner, ann, ben):
        seen = results(replica, circle, survey)
        assert (seen.respondents, seen.admitted) == (2, 2)
        assert "from a removed member" not in seen.questions[2].texts
    # Cat cannot take part under the new key: the renewal is sealed under the circle key
    # rotated at her removal, so her replica holds only the old key, whose answers no
    # longer count.
    reconcile(cat, ann, space)
    assert current(cat, circle, survey).op_id == survey
    assert current(ann, circle, survey).op_id != survey

    # After the close: refused.
    writer.write(circle.owner, space, "survey.close", {"survey": survey}, now_ms=circle.clock())
    circle.sync_all([circle.owner, ann, ben])
    refused(Reason.NOT_PERMITTED, respond, circle, ben, survey, [1, 1, "too late"])
    refused(Reason.NOT_PERMITTED, enrol, circle, ben, survey)
    assert results(ben, circle, survey).respondents == 2


def test_keys_the_owner_signs_outside_any_admission_are_seen_by_every_peer() -> None:
    """The honest limit: the owner's device can sign a key for itself without an admit
    op. Its answers are valid, so every peer accepts them; but every peer also sees more
    answers than admitted joins, and the results say so."""
    circle, survey = surveyed_circle()
    space, owner = circle.space, circle.owner
    key = current(owner, circle, survey)
    signer = blind_token.derive_signer(survey_keys._signer_secret(owner.key, space, key.nonce))
    for name in NAMES:
        respond(circle, circle.members[name], survey, [0, 1, ""])
    sock = DeviceKey(seed("ballot stuffer"))
    message = answer_message(survey, key.op_id, sock.device_id)
    stolen = blind_token.unblind(
        key.public, message, b"s", signer.sign_blinded(blind_token.blind(key.public, message, b"s"))
    )
    assert stolen is not None
    respond_as(circle, owner, sock, survey, key.op_id, stolen)
    circle.sync_all()
    for replica in circle.replicas():
        seen = results(replica, circle, survey)
        assert (seen.respondents, seen.admitted) == (7, 6)


def test_a_second_device_of_the_same_person_is_not_admitted_again() -> None:
    from tests.sync.test_persons import link

    circle = Circle.create(Clock())
    ann = circle.add("Ann")
    laptop = link(circle, ann, "ann-laptop")
    survey = open_survey(circle, circle.owner)
    circle.sync_all([circle.owner, ann, laptop])
    first = enrol(circle, ann, survey)
    second = enrol(circle, laptop, survey)
    circle.sync_all([circle.owner, ann, laptop])
    assert admit(circle, survey) == 1
    circle.sync_all([circle.owner, ann, laptop])
    respond(circle, ann, survey, [0, 3, ""])
    refused(Reason.NOT_PERMITTED, respond, circle, laptop, survey, [1, 3, ""])
    # The owner's device admitting the second device's join anyway: refused everywhere.
    key = current(circle.owner, circle, survey)
    signer = blind_token.derive_signer(survey_keys._signer_secret(circle.owner.key, circle.space, key.nonce))
    blinded = {
        j.op_id: j.blinded for j in survey_keys.joins(circle.owner.db, circle.space, survey, key.op_id)
    }
    assert set(blinded) == {first, second}
    refused(
        Reason.NOT_PERMITTED,
        writer.write,
        circle.owner,
        circle.space,
        "survey.admit",
        {"survey": survey, "grants": [[second, signer.sign_blinded(blinded[second])]]},
        now_ms=circle.clock(),
    )


def test_a_survey_states_its_key_up_front() -> None:
    circle = Circle.create(Clock())
    ann = circle.add("Ann")
    circle.sync_all()
    fields: dict[str, Any] = {"title": "Start", "anonymous": True, "questions": QUESTIONS}
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        circle.owner,
        circle.space,
        "survey.open",
        fields,
        now_ms=circle.clock(),
    )
    key = survey_keys.key_fields(circle.owner.key, circle.space, bytes(16))
    even = (int.from_bytes(key["token_key"], "big") + 1).to_bytes(256, "big")
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        circle.owner,
        circle.space,
        "survey.open",
        {**fields, **key, "token_key": even},
        now_ms=circle.clock(),
    )
    refused(
        Reason.BAD_CONTENT,
        writer.write,
        circle.owner,
        circle.space,
        "survey.open",
        {**fields, **key, "anonymous": False},
        now_ms=circle.clock(),
    )
    named = open_survey(circle, circle.owner, anonymous=False)
    circle.sync_all()
    assert survey_keys.current_key(ann.db, circle.space, named) is None
    # A survey whose key another device made: its owner cannot admit anyone.
    borrowed = survey_keys.key_fields(ann.key, circle.space, bytes(16))
    op, _ = writer.write(
        circle.owner, circle.space, "survey.open", {**fields, **borrowed}, now_ms=circle.clock()
    )
    circle.sync_all()
    enrol(circle, ann, op.op_id)
    circle.sync_all()
    refused(
        Reason.NOT_PERMITTED,
        survey_keys.admit_fields,
        circle.owner.db,
        circle.space,
        op.op_id,
        circle.owner.key,
    )


def test_an_admit_is_judged_by_its_causal_past_whatever_arrives_first() -> None:
    """A teacher removes Cat while the owner, not yet aware of it, admits her join: two
    replicas receiving the removal before and after the admit give the admit one verdict
    (found by tests/sync/test_survey_properties.py: the removal used to count when it
    had arrived first). The owner's renewal then stops her answers everywhere."""
    from sync.frontier import all_envelopes
    from sync.policy import Level

    circle = Circle.create(Clock())
    tia = circle.add("Tia", role=Level.TEACHER)
    cat = circle.add("Cat")
    circle.sync_all()
    survey = open_survey(circle, circle.owner)
    circle.sync_all()
    enrol(circle, cat, survey)
    circle.sync_all()
    writer.remove_member(tia, circle.space, cat.key.device_id, new_key=seed("k3"), now_ms=circle.clock())
    assert admit(circle, survey) == 1  # the owner has not heard of the removal
    envelopes = {r.key.device_id: all_envelopes(r, circle.space) for r in (circle.owner, tia)}
    owner_ops, tia_ops = envelopes[circle.owner.key.device_id], envelopes[tia.key.device_id]
    verdicts, hashes = [], []
    for first, second in ((tia_ops, owner_ops), (owner_ops, tia_ops)):
        replica = Replica(Store(":memory:"), DeviceKey(seed(f"observer-{len(verdicts)}")))
        with replica.store.transaction():
            replica.db.execute("INSERT INTO spaces (space) VALUES (?)", (circle.space,))
            replica.db.executemany(
                "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
                circle.owner.db.execute("SELECT space, ref, key FROM keyring").fetchall()
                + tia.db.execute("SELECT space, ref, key FROM keyring").fetchall(),
            )
        replica.ingest(circle.space, first)
        replica.ingest(circle.space, second)
        verdicts.append(
            replica.db.execute("SELECT status, reason FROM ops WHERE kind = 'survey.admit'").fetchall()
        )
        hashes.append(state_hash(replica.db, circle.space))
    assert verdicts[0] == verdicts[1] == [(0, None)]
    assert hashes[0] == hashes[1]
