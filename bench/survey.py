"""An anonymous survey of a whole class: what the blind signatures cost, next to anchors
measured in the same run.

A class of N students (default 300) and its teacher: the teacher opens an anonymous
survey (deriving its blind-signing key), every student joins (blinding), the teacher
admits everyone (signing), every student answers (unblinding, checking the token,
writing as its pseudonym). One process writes as each person in turn over one store,
as `bench/assessment.py` does; every op is real (signed, encrypted, admitted).

    python bench/survey.py [--students N] [--json]

Figures: `key_ms` (deriving the owner's 2048-bit key, cold), `join_ms` (a student's
join: blinding and writing, median), `admit_ms` (the teacher's admission of the whole
class: re-deriving the key is cached, then one signature a join), `sign_ms` (one blind
signature), `answer_ms` (a student's answer: unblinding, checking, writing, median),
`token_check_us` (one token check as every peer does it) next to `ed25519_verify_us`
(one op signature check, the anchor), and `join_ops_per_s` (a fresh member device
ingesting the survey's ops) next to `anchor_ops_per_s` (as many plain posts ingested the
same way), `ratio` (anchor time ÷ survey time) and `cpu_ratio` (the same in CPU time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assessment import build_class, plain_anchor, timed_ingest
from workload import Clock, seed

from sync import blind_token, survey_keys, writer
from sync.coaching_views import survey_results
from sync.frontier import all_envelopes
from sync.identity import signature_ok
from sync.state import items

QUESTIONS = [
    ["choice", "Is peer feedback useful?", ["yes", "no", "not sure"]],
    ["scale", "Confidence", [1, 5]],
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    clock = Clock()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        room, space, keys, setup = build_class(directory / "class.db", args.students, clock)
        teacher = room.key

        blind_token.derive_signer.cache_clear()
        start = time.perf_counter()
        key = survey_keys.key_fields(teacher, space, seed("survey")[:16])
        key_s = time.perf_counter() - start
        fields = {"title": "Start of term", "anonymous": True, "questions": QUESTIONS, **key}
        survey = writer.write(room, space, "survey.open", fields, now_ms=clock())[0].op_id
        current = survey_keys.current_key(room.db, space, survey)
        assert current is not None

        joins = []
        for student in keys:
            room.key = student
            start = time.perf_counter()
            joined = survey_keys.enrolment_fields(student, space, survey, current)
            writer.write(room, space, "survey.enrol", joined, now_ms=clock())
            joins.append(time.perf_counter() - start)

        room.key = teacher
        start = time.perf_counter()
        _, waiting = survey_keys.waiting(room.db, space, survey)
        for offset in range(0, len(waiting), 500):
            made = survey_keys.grant_fields(teacher, space, survey, current, waiting[offset : offset + 500])
            writer.write(room, space, "survey.admit", made, now_ms=clock())
        admit_s = time.perf_counter() - start
        signer = blind_token.derive_signer(survey_keys._signer_secret(teacher, space, current.nonce))
        start = time.perf_counter()
        for join in waiting[:50]:
            signer.sign_blinded(join.blinded)
        sign_s = (time.perf_counter() - start) / min(50, len(waiting))

        answers = []
        for number, student in enumerate(keys):
            room.key = student
            start = time.perf_counter()
            answer = {"survey": survey, "answers": [number % 3, 1 + number % 5]}
            survey_keys.respond(room, space, survey, answer, now_ms=clock())
            answers.append(time.perf_counter() - start)
        room.key = teacher
        row = next(r for r in items(room.db, space) if r.item_id == survey)
        seen = survey_results(room.db, space, row)
        if (seen.respondents, seen.admitted) != (args.students, args.students):
            raise SystemExit(f"counted {seen.respondents} answers of {seen.admitted} admitted")

        # One token check, as every peer makes for each answer, beside one op signature check.
        token = survey_keys.token(room.db, space, survey, keys[0])
        assert token is not None
        from sync.reducers.coaching import answer_message

        message = answer_message(
            survey, current.op_id, survey_keys.survey_pseudonym(keys[0], space, survey).device_id
        )
        rounds = 2000
        start = time.perf_counter()
        for _ in range(rounds):
            blind_token.token_ok(current.public, message, token)
        token_s = (time.perf_counter() - start) / rounds
        signed = teacher.sign(message)
        start = time.perf_counter()
        for _ in range(rounds):
            signature_ok(teacher.device_id, message, signed)
        ed25519_s = (time.perf_counter() - start) / rounds

        everything = all_envelopes(room, space)
        survey_ops = [e for e in everything if e not in set(setup)]
        room.store.close()
        join_s, join_cpu = timed_ingest(directory / "joiner.db", space, setup, survey_ops, "joining-member")
        anchor_s, anchor_cpu = plain_anchor(directory, space, teacher, keys, setup, len(survey_ops))
    figures = {
        "students": args.students,
        "ops": len(survey_ops),
        "key_ms": round(1000 * key_s, 1),
        "join_ms": round(1000 * statistics.median(joins), 2),
        "admit_ms": round(1000 * admit_s, 1),
        "sign_ms": round(1000 * sign_s, 2),
        "answer_ms": round(1000 * statistics.median(answers), 2),
        "token_check_us": round(1e6 * token_s, 1),
        "ed25519_verify_us": round(1e6 * ed25519_s, 1),
        "join_ops_per_s": round(len(survey_ops) / join_s),
        "anchor_ops_per_s": round(len(survey_ops) / anchor_s),
        "ratio": round(anchor_s / join_s, 2),
        "cpu_ratio": round(anchor_cpu / join_cpu, 2),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:>18}: {value}")


if __name__ == "__main__":
    main()
