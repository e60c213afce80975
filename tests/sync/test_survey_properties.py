"""Convergence of anonymous surveys over random histories (issue 18): the owner opens an
anonymous survey; members join, the owner admits, members answer and answer again, the
owner renews the key, removes a member and closes the survey, everyone syncing only now
and then; a hostile member sometimes signs what it may not (an admit of its own, an
answer with a forged token, a second join). Whatever happened, any permutation and
duplication of the circle's ops gives the same state hash, the same verdict per op and
the same results (answers, admitted count, counts per option).
"""

from __future__ import annotations

import contextlib

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sync import coaching_views as cv
from sync import pseudonym, survey_keys, writer
from sync.errors import Rejected
from sync.frontier import all_envelopes
from sync.identity import DeviceKey
from sync.ids import OpId
from sync.replica import Replica
from sync.state import items
from tests.sync.helpers import Circle, Clock, hash_of, new_replica, reconcile, seed
from tests.sync.test_properties import verdicts

NAMES = ("Ann", "Ben", "Cat")
VERBS = (
    ["join"] * 4 + ["admit"] * 3 + ["answer"] * 4
    + ["rekey", "remove", "close", "forge", "own-admit", "sync", "sync"]
)  # fmt: skip
QUESTIONS = [["choice", "Useful?", ["yes", "no"]]]


def _results(replica: Replica, circle: Circle, survey: bytes) -> tuple[int, int, tuple[int, ...]]:
    row = next(r for r in items(replica.db, circle.space) if r.item_id == survey)
    seen = cv.survey_results(replica.db, circle.space, row)
    return seen.respondents, seen.admitted, seen.questions[0].counts


def play(data: st.DataObject) -> tuple[Circle, bytes]:
    circle = Circle.create(Clock())
    for name in NAMES:
        circle.add(name)
    circle.sync_all()
    owner, space = circle.owner, circle.space
    fields = {"title": "Pulse", "anonymous": True, "questions": QUESTIONS}
    fields.update(survey_keys.key_fields(owner.key, space, seed("n0")[:16]))
    survey = writer.write(owner, space, "survey.open", fields, now_ms=circle.clock())[0].op_id
    circle.sync_all()
    removed: set[str] = set()
    steps = data.draw(
        st.lists(st.tuples(st.sampled_from(VERBS), st.sampled_from(NAMES)), min_size=15, max_size=40)
    )
    for number, (verb, name) in enumerate(steps):
        member = circle.members[name]
        with contextlib.suppress(Rejected):
            if verb == "join":
                current = survey_keys.current_key(member.db, space, survey)
                if current is not None:
                    joined = survey_keys.enrolment_fields(member.key, space, survey, current)
                    writer.write(
                        member,
                        space,
                        "survey.enrol",
                        joined,
                        now_ms=circle.clock(),
                        allow_invalid=data.draw(st.booleans()),
                    )
            elif verb == "admit":
                for other in circle.members.values():  # the owner hears of the joins first
                    if data.draw(st.booleans()):
                        reconcile(owner, other, space)
                made = survey_keys.admit_fields(owner.db, space, survey, owner.key)
                if made is not None:
                    writer.write(owner, space, "survey.admit", made, now_ms=circle.clock())
            elif verb == "answer":
                if data.draw(st.booleans()):
                    reconcile(owner, member, space)  # the admission reaches the member
                answer = {"survey": survey, "answers": [data.draw(st.integers(0, 1))]}
                survey_keys.respond(member, space, survey, answer, now_ms=circle.clock())
            elif verb == "rekey" and data.draw(st.integers(0, 2)) == 0:
                nonce = seed(data.draw(st.sampled_from(["n1", "n2"])))[:16]
                renewed = {"survey": survey, **survey_keys.key_fields(owner.key, space, nonce)}
                writer.write(owner, space, "survey.rekey", renewed, now_ms=circle.clock())
            elif verb == "remove" and name not in removed and len(removed) < 1:
                writer.remove_member(
                    owner, space, member.key.device_id, new_key=seed(f"k-{name}"), now_ms=circle.clock()
                )
                removed.add(name)
            elif verb == "close" and number >= len(steps) * 4 // 5:  # late: what came before counts
                writer.write(owner, space, "survey.close", {"survey": survey}, now_ms=circle.clock())
            elif verb == "forge":
                current = survey_keys.current_key(member.db, space, survey)
                if current is not None:
                    fake = DeviceKey(seed(f"fake-{len(steps)}-{name}"))
                    pseudonym.write_as(
                        member,
                        fake,
                        space,
                        "survey.respond",
                        {"survey": survey, "answers": [0], "key": current.op_id, "token": bytes([3]) * 256},
                        deps=[OpId(survey), current.op_id],
                        now_ms=circle.clock(),
                        allow_invalid=True,
                    )
            elif verb == "own-admit":
                joins = survey_keys.grants(member.db, space, survey)
                if joins:
                    enrol, signed = next(iter(joins.items()))
                    writer.write(
                        member,
                        space,
                        "survey.admit",
                        {"survey": survey, "grants": [[enrol, signed]]},
                        now_ms=circle.clock(),
                        allow_invalid=True,
                    )
            elif verb == "sync":
                reconcile(owner, member, space)
    return circle, survey


def observer(circle: Circle, label: str) -> Replica:
    """A fresh replica holding every key of the circle (as another device of its owner)."""
    replica = new_replica(label)
    with replica.store.transaction():
        replica.db.execute("INSERT INTO spaces (space) VALUES (?)", (circle.space,))
        replica.db.executemany(
            "INSERT OR IGNORE INTO keyring (space, ref, key) VALUES (?, ?, ?)",
            circle.owner.db.execute(
                "SELECT space, ref, key FROM keyring WHERE space = ?", (circle.space,)
            ).fetchall(),
        )
    return replica


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_any_order_and_duplication_gives_the_same_survey_results(data: st.DataObject) -> None:
    circle, survey = play(data)
    envelopes = list(dict.fromkeys(e for r in circle.replicas() for e in all_envelopes(r, circle.space)))
    reference = observer(circle, "reference")
    reference.ingest(circle.space, envelopes)
    shuffled = list(data.draw(st.permutations(envelopes)))
    shuffled += data.draw(st.lists(st.sampled_from(envelopes), max_size=len(envelopes)))
    chunk = data.draw(st.integers(1, 20))
    other = observer(circle, "shuffled")
    for start in range(0, len(shuffled), chunk):
        other.ingest(circle.space, shuffled[start : start + chunk])
    seen = _results(reference, circle, survey)
    event(f"answers counted: {seen[0]}, admitted: {seen[1]}")
    assert seen[0] <= seen[1]  # no owner signed outside an admission here
    assert hash_of(other, circle.space) == hash_of(reference, circle.space)
    assert verdicts(other) == verdicts(reference)
    assert _results(other, circle, survey) == seen
