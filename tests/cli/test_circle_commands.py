"""Circle management and offline exchange through the CLI, in-process on real data
directories. Joins are done between the directories directly (the network flow is in
test_processes.py); every refusal is one line, a non-zero exit code, and writes nothing.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.clock import Clock
from app.services.commands import CommandError, parse_invite
from sync import writer
from sync.policy import Level
from sync.wire.export import ExportFile, decode_export, encode_export
from sync.wire.op import decode_envelope, encode_envelope
from tests.cli.conftest import Room, now_ms
from tests.cli.helpers import InProcess, fingerprint, join_in_process, open_replica


@dataclass
class FakeClock:
    now: int = 1_700_000_000_000

    def now_ms(self) -> int:
        return self.now


def test_members_lists_everyone_with_roles(room: Room) -> None:
    assert room.members("sue") == {"Ana": "owner", "Tom": "teacher", "Sue": "member", "Sam": "member"}
    text = room.cli(room.homes["sue"], "circle", "members", room.circle[:8]).out
    assert text.splitlines()[0].split()[1:] == ["owner", "Ana"]
    assert any(line.endswith("Sue  (you)") for line in text.splitlines())


def test_a_student_may_neither_remove_nor_change_roles_and_nothing_is_written(room: Room) -> None:
    sue = room.homes["sue"]
    before = fingerprint(sue)
    room.cli(sue, "circle", "remove", room.circle, "Sam").refused(
        "Your role here (member) may not remove members."
    )
    room.cli(sue, "circle", "role", room.circle, "Sam", "mentor").refused(
        "Your role here (member) may not change the role of members."
    )
    room.cli(sue, "circle", "remove", room.circle, "Tom").refused("may not remove members")
    room.cli(sue, "circle", "remove", room.circle, "Ana").refused("Nobody can remove the circle's owner.")
    room.cli(sue, "circle", "remove", room.circle, "Sue").refused("You cannot remove yourself.")
    assert fingerprint(sue) == before


def test_a_teacher_appoints_a_mentor_and_everyone_sees_it(room: Room) -> None:
    tom = room.homes["tom"]
    result = room.cli(tom, "circle", "role", room.circle, "sue", "mentor", "--json").json()
    assert result["role"] == "mentor"
    room.sync()
    for who in ("ana", "tom", "sue", "sam"):
        assert room.members(who)["Sue"] == "mentor"
    states = {
        room.cli(room.homes[who], "circle", "state", room.circle, "--json").json()["state_hash"]
        for who in room.homes
    }
    assert len(states) == 1


def test_a_teacher_may_not_grant_teacher_nor_touch_the_owner(room: Room) -> None:
    tom = room.homes["tom"]
    before = fingerprint(tom)
    room.cli(tom, "circle", "role", room.circle, "Sue", "teacher").refused(
        "Your role here (teacher) may not change the role of members."
    )
    room.cli(tom, "circle", "role", room.circle, "Ana", "member").refused(
        "Nobody can change the role of the circle's owner."
    )
    room.cli(tom, "circle", "role", room.circle, "Sue", "member").refused("Sue is already a member here.")
    room.cli(tom, "circle", "role", room.circle, "Zoe", "mentor").refused("No member named or with id 'Zoe'")
    assert fingerprint(tom) == before


def test_the_owner_grants_teacher_by_device_id_prefix(room: Room) -> None:
    sam = room.cli(room.homes["sam"], "whoami", "--json").json()["device_id"]
    room.cli(room.homes["ana"], "circle", "role", room.circle, sam[:10], "teacher").ok()
    assert room.members("ana")["Sam"] == "teacher"


def test_a_teacher_removes_a_student_who_then_is_gone_everywhere(room: Room) -> None:
    tom = room.homes["tom"]
    out = room.cli(tom, "circle", "remove", room.circle, "Sam")
    assert out.code == 0 and "Removed Sam" in out.out
    room.sync()
    assert "Sam" not in room.members("ana")
    assert "Sam" not in room.members("sue")


def test_leaving(room: Room) -> None:
    sue = room.homes["sue"]
    assert room.cli(sue, "circle", "leave", room.circle, "--json").json()["left"] is True
    room.sync()
    assert "Sue" not in room.members("ana")
    before = fingerprint(sue)
    room.cli(sue, "circle", "leave", room.circle).refused("You are not a member of this circle.")
    assert fingerprint(sue) == before
    ana = room.homes["ana"]
    before = fingerprint(ana)
    room.cli(ana, "circle", "leave", room.circle).refused(
        "You own this circle, and an owner cannot leave it."
    )
    assert fingerprint(ana) == before


def test_two_members_with_one_name_are_told_apart_by_id(room: Room, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    room.cli(twin, "init", "--name", "Sam").ok()
    code = room.cli(room.homes["ana"], "circle", "invite", room.circle, "--json").json()["code"]
    join_in_process(room.homes["ana"], twin, code, now_ms=now_ms())
    ana = room.homes["ana"]
    before = fingerprint(ana)
    room.cli(ana, "circle", "remove", room.circle, "sam").refused(
        "2 members are named 'sam'; give an id prefix instead"
    )
    assert fingerprint(ana) == before
    twin_id = room.cli(twin, "whoami", "--json").json()["device_id"]
    assert room.cli(ana, "circle", "remove", room.circle, twin_id[:12]).code == 0
    assert room.members("ana")["Sam"] == "member"  # the other Sam stays


# -- invites ------------------------------------------------------------------------------
def test_invite_options_are_validated(room: Room) -> None:
    ana = room.homes["ana"]
    before = fingerprint(ana)
    for argv, message in (
        (["--uses", "0"], "An invite allows from 1 to 10000 uses, not 0."),
        (["--uses", "10001"], "not 10001"),
        (["--expires-hours", "0"], "must expire in the future"),
        (["--expires-hours", "-1"], "must expire in the future"),
        (["--expires-hours", "nan"], "must expire in the future"),
        (["--expires-hours", "100000"], "at most 8784 hours"),
    ):
        room.cli(ana, "circle", "invite", room.circle, *argv).refused(message)
    room.cli(room.homes["sue"], "circle", "invite", room.circle, "--role", "mentor").refused(
        "Your role may not invite a mentor."
    )
    room.cli(room.homes["tom"], "circle", "invite", room.circle, "--role", "teacher").refused(
        "may not invite a teacher"
    )
    assert fingerprint(ana) == before


def test_garbage_invite_codes_are_refused_before_anything_starts(
    room: Room, tmp_path: Path, cli: InProcess
) -> None:
    joiner = tmp_path / "joiner"
    cli(joiner, "init", "--name", "Joe").ok()
    before = fingerprint(joiner)
    code = cli(room.homes["ana"], "circle", "invite", room.circle, "--json").json()["code"]
    flipped = code[:40] + ("A" if code[40] != "A" else "B") + code[41:]
    for garbage, message in (
        ("", "not a StudyCircle invite code"),
        ("hello", "not a StudyCircle invite code"),
        ("sc1.", "damaged or incomplete"),
        ("sc1.!!!*", "damaged"),
        ("sc1." + base64.urlsafe_b64encode(b"\x93\x01\x02\x03").decode(), "damaged or incomplete"),
        (code[: len(code) // 2], "not valid"),
        (flipped, "not valid"),
    ):
        cli(joiner, "circle", "join", garbage, "--timeout", "1").refused(
            "This invite code is not valid", message
        )
    assert fingerprint(joiner) == before


def test_a_code_mistyped_in_its_last_characters_is_refused_at_once(
    room: Room, tmp_path: Path, cli: InProcess
) -> None:
    """The end of a code is the circle's keys, which the inviter's signature does not cover:
    the check characters are what catch a typo there, before any waiting for peers."""
    joiner = tmp_path / "joiner"
    cli(joiner, "init", "--name", "Joe").ok()
    before = fingerprint(joiner)
    code = cli(room.homes["ana"], "circle", "invite", room.circle, "--json").json()["code"]
    for at in (len(code) - 8, len(code) - 20):
        typo = code[:at] + ("x" if code[at] != "x" else "y") + code[at + 1 :]
        started = time.monotonic()
        cli(joiner, "circle", "join", typo, "--timeout", "60").refused(
            "This invite code is not valid", "check characters do not match"
        )
        assert time.monotonic() - started < 1.0
    assert fingerprint(joiner) == before


def test_an_expired_invite_is_refused_with_its_date(room: Room, tmp_path: Path, cli: InProcess) -> None:
    owner = open_replica(room.homes["ana"])
    try:
        invite = writer.invite(
            owner,
            bytes.fromhex(room.circle),  # type: ignore[arg-type]
            role=Level.MEMBER,
            uses=1,
            expires_ms=1_714_730_400_000,  # 3 May 2024, 10:00 UTC
            nonce=bytes(16),
        )
    finally:
        owner.store.close()
    joiner = tmp_path / "late"
    cli(joiner, "init", "--name", "Lee").ok()
    before = fingerprint(joiner)
    cli(joiner, "circle", "join", invite.code()).refused(
        "This invite expired on 03 May 2024 at 10:00 UTC; ask for a new one."
    )
    assert fingerprint(joiner) == before


def test_an_invite_expires_by_the_clock_it_is_checked_against(room: Room) -> None:
    clock: Clock = FakeClock()
    code = room.cli(
        room.homes["ana"], "circle", "invite", room.circle, "--expires-hours", "0.001", "--json"
    ).json()["code"]
    invite = parse_invite(code, now_ms=now_ms())  # minted just now: 3.6 s to go
    assert isinstance(clock, FakeClock)
    clock.now = invite.token.expires_ms
    assert parse_invite(code, now_ms=clock.now_ms()) == invite  # valid up to the last millisecond
    clock.now += 1
    with pytest.raises(CommandError, match="This invite expired on"):
        parse_invite(code, now_ms=clock.now_ms())


def test_a_used_up_invite_is_refused_and_the_second_joiner_keeps_nothing(
    room: Room, tmp_path: Path, cli: InProcess
) -> None:
    code = cli(room.homes["ana"], "circle", "invite", room.circle, "--uses", "1", "--json").json()["code"]
    first, second = tmp_path / "first", tmp_path / "second"
    for path, name in ((first, "Fay"), (second, "Gus")):
        cli(path, "init", "--name", name).ok()
        cli(path, "circle", "list")
    join_in_process(room.homes["ana"], first, code, now_ms=now_ms())
    before = fingerprint(room.homes["ana"])
    with pytest.raises(Exception, match=r"this invite has been used up \(1 of 1\)"):
        join_in_process(room.homes["ana"], second, code, now_ms=now_ms())
    assert fingerprint(room.homes["ana"]) == before


# -- export and import --------------------------------------------------------------------
def test_export_then_import_brings_a_member_up_to_date_and_twice_changes_nothing(
    room: Room, tmp_path: Path
) -> None:
    ana, sue = room.homes["ana"], room.homes["sue"]
    for number in range(3):
        room.cli(ana, "thread", "new", room.circle, "--title", f"Week {number}").ok()
    file = tmp_path / "physics.scx"
    exported = room.cli(ana, "circle", "export", room.circle[:6], str(file), "--json").json()
    state = room.cli(ana, "circle", "state", room.circle, "--json").json()
    assert exported["ops"] == state["ops"]

    first = room.cli(sue, "circle", "import", str(file), "--json").json()
    assert first["ops_new"] == 3 and first["ops_refused"] == 0
    assert first["ops_known"] == exported["ops"] - 3
    assert room.cli(sue, "circle", "state", room.circle, "--json").json()["state_hash"] == state["state_hash"]
    before = fingerprint(sue)
    second = room.cli(sue, "circle", "import", str(file), "--json").json()
    assert second["ops_new"] == 0 and second["ops_known"] == exported["ops"]
    assert fingerprint(sue) == before


def test_corrupt_and_foreign_files_are_refused_and_nothing_is_written(room: Room, tmp_path: Path) -> None:
    ana, sue = room.homes["ana"], room.homes["sue"]
    room.cli(ana, "thread", "new", room.circle, "--title", "News").ok()
    good = tmp_path / "good.scx"
    room.cli(ana, "circle", "export", room.circle, str(good)).ok()
    data = good.read_bytes()
    cases = {
        "flipped.scx": (data[:100] + bytes([data[100] ^ 0x20]) + data[101:], "damaged or truncated"),
        "short.scx": (data[: len(data) // 2], "damaged or truncated"),
        "notes.md": (b"# Notes\n\nNot an export at all.\n", "not a StudyCircle export file"),
        "empty.scx": (b"", "not a StudyCircle export file"),
        "future.scx": (b"SCX9" + data[4:], "format b'9'"),
    }
    before = fingerprint(sue)
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        room.cli(sue, "circle", "import", str(tmp_path / name)).refused(message, "nothing was imported")
    room.cli(sue, "circle", "import", str(tmp_path / "missing.scx")).refused("There is no file")
    room.cli(sue, "circle", "import", str(tmp_path)).refused("is a directory")
    assert fingerprint(sue) == before


def test_a_file_of_a_circle_not_joined_is_refused(room: Room, tmp_path: Path, cli: InProcess) -> None:
    file = tmp_path / "physics.scx"
    room.cli(room.homes["ana"], "circle", "export", room.circle, str(file)).ok()
    outsider = tmp_path / "outsider"
    cli(outsider, "init", "--name", "Olga").ok()
    cli(outsider, "circle", "list")
    before = fingerprint(outsider)
    cli(outsider, "circle", "import", str(file)).refused("which this device has not joined")
    assert fingerprint(outsider) == before


def test_export_never_overwrites_a_file_that_is_not_an_export(room: Room, tmp_path: Path) -> None:
    ana = room.homes["ana"]
    notes = tmp_path / "notes.md"
    notes.write_text("my precious notes")
    room.cli(ana, "circle", "export", room.circle, str(notes)).refused(
        "exists and is not a StudyCircle export"
    )
    assert notes.read_text() == "my precious notes"
    room.cli(ana, "circle", "export", room.circle, str(tmp_path / "nowhere" / "x.scx")).refused(
        "There is no folder"
    )
    room.cli(ana, "circle", "export", room.circle, str(tmp_path)).refused("is a directory")
    file = tmp_path / "physics.scx"
    room.cli(ana, "circle", "export", room.circle, str(file)).ok()
    room.cli(ana, "thread", "new", room.circle, "--title", "Later").ok()
    assert (
        room.cli(ana, "circle", "export", room.circle, str(file), "--json").json()["ops"] > 0
    )  # an old export: replaced
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files left


def test_a_forged_op_in_a_well_formed_file_is_refused_and_reported(room: Room, tmp_path: Path) -> None:
    ana, sue = room.homes["ana"], room.homes["sue"]
    for title in ("One", "Two"):
        room.cli(ana, "thread", "new", room.circle, "--title", title).ok()
    file = tmp_path / "physics.scx"
    room.cli(ana, "circle", "export", room.circle, str(file)).ok()
    export = decode_export(file.read_bytes())
    header, signature, body = decode_envelope(export.envelopes[-1])
    forged = encode_envelope(header, bytes([signature[0] ^ 1]) + signature[1:], body)
    file.write_bytes(encode_export(ExportFile(export.space, (*export.envelopes[:-1], forged))))

    result = room.cli(sue, "circle", "import", str(file), "--json")
    assert result.code == 1
    assert json.loads(result.out)["ops_refused"] == 1 and json.loads(result.out)["ops_new"] == 1
    assert (
        result.err.count("\n") == 1
        and "1 ops in" in result.err
        and "were refused (bad-signature)" in result.err
    )


def test_circle_list_shows_my_role_and_description_and_hides_circles_i_left(
    room: Room, cli: InProcess
) -> None:
    ana, sue = room.homes["ana"], room.homes["sue"]
    described = cli(ana, "circle", "create", "Exam prep", "--description", "Past papers, Tuesdays", "--json")
    exam = described.json()["circle_id"]
    rows = {r["circle_id"]: r for r in cli(ana, "circle", "list", "--json").json()["circles"]}
    assert rows[exam] == {
        "circle_id": exam,
        "name": "Exam prep",
        "role": "owner",
        "description": "Past papers, Tuesdays",
    }
    assert rows[room.circle]["role"] == "owner"
    assert [r["role"] for r in cli(sue, "circle", "list", "--json").json()["circles"]] == ["member"]
    cli(sue, "circle", "leave", room.circle).ok()
    assert cli(sue, "circle", "list", "--json").json()["circles"] == []
    kept = cli(sue, "circle", "list", "--all", "--json").json()["circles"]
    assert [(r["circle_id"], r["role"]) for r in kept] == [(room.circle, "none (left or removed)")]


def test_a_room_code_needs_this_device_running_and_writes_nothing_otherwise(
    room: Room, cli: InProcess
) -> None:
    before = fingerprint(room.homes["ana"])
    cli(room.homes["ana"], "circle", "invite", room.circle, "--short").refused(
        "only while this device is on the network", "studycircle serve"
    )
    assert fingerprint(room.homes["ana"]) == before  # no invite op minted for nothing


@pytest.mark.parametrize(
    ("code", "says"),
    [("7-guitr-harbor", "“guitr” is not one of the room-code words"), ("0-guitar-harbor", "from 1 to 99")],
)
def test_a_mistyped_room_code_is_refused_before_the_network_starts(
    tmp_path: Path, cli: InProcess, code: str, says: str
) -> None:
    joiner = tmp_path / "joiner"
    cli(joiner, "init", "--name", "Joe").ok()
    before = fingerprint(joiner)
    started = time.monotonic()
    cli(joiner, "circle", "join", code).refused("This room code is not valid", says)
    assert time.monotonic() - started < 1.0
    assert fingerprint(joiner) == before
