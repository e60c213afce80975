"""Anonymous surveys by cryptography (issue 18, done-when 2): after 6 respondents answer an
anonymous survey, every other device's database file — every table, every blob — holds
nothing linking an answer to its respondent's device, person or name, while every peer
accepted every answer and the survey's owner device alone can open the link. Attacks: a
pseudonym nobody admitted, a second answer by the same pseudonym (it replaces the first),
an answer after the close, a removed member's answer, a device answering an anonymous
survey in its own name, a second device of the same person, a forged admit.

What "linking" is checked as (docs/security.md, "Anonymous surveys", lists what still
leaks): no row holds both a pseudonym (or an answer op id) and the respondent's device id,
person id or name; an answer op's header names only the survey's open op, the owner's
admit op and its own previous answer; no device's op names an answer; no enrolment box
opens for anyone but the owner; no pseudonym secret is in the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sync import coaching_views as cv
from sync import survey_keys, writer
from sync.errors import Reason, Rejected
from sync.identity import DeviceKey
from sync.ids import OpId
from sync.replica import Replica
from sync.state import items, state_hash
from sync.store import Store
from sync.wire.op import decode_header
from tests.sync.helpers import Circle, Clock, reconcile, seed

NAMES = ("Ann", "Ben", "Cat", "Dev", "Eve", "Fay")


def file_replica(tmp: Path, name: str) -> Replica:
    return Replica(Store(tmp / f"{name}.db"), DeviceKey(seed(name)))


def open_survey(circle: Circle, replica: Replica, *, anonymous: bool = True) -> bytes:
    fields = {
        "title": "Start of unit",
        "anonymous": anonymous,
        "questions": [
            ["choice", "Useful?", ["yes", "no"]],
            ["scale", "Confident?", [1, 5]],
            ["text", "Why?", []],
        ],
    }
    op, _ = writer.write(replica, circle.space, "survey.open", fields, now_ms=circle.clock())
    return op.op_id


def enrol(circle: Circle, replica: Replica, survey: bytes) -> None:
    owner = next(r for r in items(replica.db, circle.space) if r.item_id == survey).author
    fields = survey_keys.enrolment_fields(replica.key, circle.space, survey, owner)
    writer.write(replica, circle.space, "survey.enrol", fields, now_ms=circle.clock())


def admit(circle: Circle, survey: bytes) -> tuple[bytes, ...]:
    fields = survey_keys.admit_fields(circle.owner.db, circle.space, survey, circle.owner.key)
    writer.write(circle.owner, circle.space, "survey.admit", fields, now_ms=circle.clock())
    return tuple(fields["pseudonyms"])


def respond(circle: Circle, replica: Replica, survey: bytes, answers: list[Any]) -> OpId:
    fields = {"survey": survey, "answers": answers}
    op, _ = survey_keys.respond(replica, circle.space, survey, fields, now_ms=circle.clock())
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
    """A teacher (the survey's owner) and six members who all enrolled and were admitted."""
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
    assert len(admit(circle, survey)) == len(NAMES)
    circle.sync_all()
    return circle, survey


def test_no_other_device_can_link_an_answer_to_its_respondent(tmp_path: Path) -> None:
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
        assert seen.respondents == 6 and seen.named == () and seen.questions[0].counts == (3, 3)
        replica.store.buffer.flush()
    assert len({state_hash(r.db, space) for r in circle.replicas()}) == 1

    members = circle.members
    keys = {n: survey_keys.survey_pseudonym(m.key, space, survey) for n, m in members.items()}
    devices = {n: m.key.device_id for n, m in members.items()}
    persons = {n: bytes(p) for n, p in (
        (n, circle.owner.db.execute("SELECT person FROM device_persons WHERE device = ?", (d,)).fetchone()[0])
        for n, d in devices.items()
    )}  # fmt: skip
    # The owner device alone opens the link, for every respondent.
    opened = {
        e.pseudonym: e.device for e in survey_keys.enrolled(circle.owner.db, space, survey, circle.owner.key)
    }
    assert opened == {keys[n].device_id: devices[n] for n in NAMES}

    # Every other member's file; the owner's too, whose file alone holds nothing either:
    # the link is in boxes only its device key (kept outside the database) opens.
    for observer in (*NAMES, "teacher"):
        path = tmp_path / f"{observer}.db"
        replica = members.get(observer, circle.owner)
        if observer != "teacher":
            assert survey_keys.enrolled(replica.db, space, survey, replica.key) == []  # no box opens
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
            assert keys[name].seed not in raw
        kinds = dict(replica.db.execute("SELECT op_id, kind FROM ops WHERE space = ?", (space,)).fetchall())
        member_devices = set(devices.values())
        for (header,) in replica.db.execute("SELECT header FROM ops WHERE space = ?", (space,)).fetchall():
            parsed = decode_header(header)
            if parsed.kind == "survey.respond":
                assert parsed.author not in member_devices
                assert {kinds[d] for d in parsed.deps} <= {
                    "survey.open",
                    "survey.admit",
                    "survey.respond",
                    "survey.close",
                }
            else:
                assert all(kinds.get(d) != "survey.respond" for d in parsed.deps), parsed.kind


def test_attacks_are_refused_or_not_counted() -> None:
    circle, survey = surveyed_circle()
    ann, ben, cat = (circle.members[n] for n in ("Ann", "Ben", "Cat"))
    space = circle.space

    # A pseudonym nobody admitted (here: a key of a non-member, its op written as if admitted).
    outsider = DeviceKey(seed("outsider"))
    from sync import pseudonym

    found = survey_keys.latest_admit(ann.db, space, survey)
    assert found is not None
    refused(Reason.NOT_PERMITTED, pseudonym.write_as, ann, outsider, space, "survey.respond",
            {"survey": survey, "answers": [0, 1, ""]}, deps=[OpId(survey), found[0]],
            now_ms=circle.clock())  # fmt: skip
    # A device answering an anonymous survey in its own name.
    refused(Reason.NOT_PERMITTED, writer.write, ann, space, "survey.answer",
            {"survey": survey, "answers": [0, 1, ""]}, now_ms=circle.clock())  # fmt: skip
    # A member's own device key used as the "pseudonym" is no pseudonym.
    refused(Reason.NOT_PERMITTED, pseudonym.write_as, ann, ann.key, space, "survey.respond",
            {"survey": survey, "answers": [0, 1, ""]}, deps=[OpId(survey), found[0]],
            now_ms=circle.clock())  # fmt: skip
    # Only the owner device admits; and never more keys than people who asked.
    refused(Reason.NOT_PERMITTED, writer.write, ann, space, "survey.admit",
            {"survey": survey, "pseudonyms": [outsider.device_id]}, now_ms=circle.clock())  # fmt: skip
    too_many = sorted([*found[1], outsider.device_id])
    refused(Reason.NOT_PERMITTED, writer.write, circle.owner, space, "survey.admit",
            {"survey": survey, "pseudonyms": too_many}, now_ms=circle.clock())  # fmt: skip
    # Bad answers.
    refused(Reason.BAD_CONTENT, respond, circle, ann, survey, [2, 1, ""])

    # A second answer by the same pseudonym replaces the first; it is not counted twice.
    respond(circle, ann, survey, [0, 5, "first"])
    respond(circle, ann, survey, [1, 2, "second thoughts"])
    respond(circle, ben, survey, [0, 3, ""])
    circle.sync_all()
    for replica in circle.replicas():
        seen = results(replica, circle, survey)
        assert seen.respondents == 2 and seen.questions[0].counts == (1, 1)
        assert seen.questions[2].texts == ("second thoughts",)

    # A removed member: Cat answers from a replica that has not seen her removal; the
    # owner's next admit drops her key, so no replica counts her answer (she cannot even
    # read that admit: it is sealed under the key rotated at her removal).
    writer.remove_member(circle.owner, space, cat.key.device_id, new_key=seed("k2"), now_ms=circle.clock())
    late = respond(circle, cat, survey, [1, 1, "from a removed member"])
    reconcile(cat, ann, space)  # a member relays it
    assert ann.db.execute("SELECT status FROM ops WHERE op_id = ?", (late,)).fetchone() == (0,)
    assert survey_keys.survey_pseudonym(cat.key, space, survey).device_id not in admit(circle, survey)
    circle.sync_all([circle.owner, ann, ben])
    for replica in (circle.owner, ann, ben):
        seen = results(replica, circle, survey)
        assert seen.respondents == 2 and "from a removed member" not in seen.questions[2].texts
    respond(circle, cat, survey, [0, 1, "again"])
    reconcile(cat, ann, space)
    circle.sync_all([circle.owner, ann, ben])
    assert results(ben, circle, survey).respondents == 2

    # After the close: refused.
    writer.write(circle.owner, space, "survey.close", {"survey": survey}, now_ms=circle.clock())
    circle.sync_all([circle.owner, ann, ben])
    refused(Reason.NOT_PERMITTED, respond, circle, ben, survey, [1, 1, "too late"])
    refused(Reason.NOT_PERMITTED, enrol, circle, ben, survey)
    assert results(ben, circle, survey).respondents == 2


def test_a_second_device_of_the_same_person_is_not_admitted_again() -> None:
    from tests.sync.test_persons import link

    circle = Circle.create(Clock())
    ann = circle.add("Ann")
    laptop = link(circle, ann, "ann-laptop")
    survey = open_survey(circle, circle.owner)
    circle.sync_all([circle.owner, ann, laptop])
    enrol(circle, ann, survey)
    enrol(circle, laptop, survey)
    circle.sync_all([circle.owner, ann, laptop])
    assert admit(circle, survey) == (survey_keys.survey_pseudonym(ann.key, circle.space, survey).device_id,)
    circle.sync_all([circle.owner, ann, laptop])
    respond(circle, ann, survey, [0, 3, ""])
    refused(Reason.NOT_PERMITTED, respond, circle, laptop, survey, [1, 3, ""])


def test_an_enrolment_is_sealed_to_the_owner_device_only() -> None:
    circle = Circle.create(Clock())
    ann = circle.add("Ann")
    circle.sync_all()
    survey = open_survey(circle, circle.owner)
    circle.sync_all()
    fields = survey_keys.enrolment_fields(ann.key, circle.space, survey, ann.key.device_id)
    refused(
        Reason.BAD_CONTENT, writer.write, ann, circle.space, "survey.enrol", fields, now_ms=circle.clock()
    )
    named = open_survey(circle, circle.owner, anonymous=False)
    circle.sync_all()
    refused(Reason.NOT_PERMITTED, enrol, circle, ann, named)
