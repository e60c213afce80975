"""CLI conventions every command follows: where data lives, one JSON document with
`--json`, one line on stderr and a non-zero exit code for any error, ids by prefix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import CommandError
from app.paths import ENV_HOME, data_home
from app.services.lookup import resolve_name_or_prefix, resolve_prefix
from tests.cli.helpers import InProcess, fingerprint


def test_home_is_the_flag_else_the_environment_else_the_platforms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_HOME, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_home(None) == tmp_path / "xdg" / "studycircle"
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "env"))
    assert data_home(None) == tmp_path / "env"
    assert data_home(str(tmp_path / "flag")) == tmp_path / "flag"


def test_the_environment_variable_picks_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    monkeypatch.setenv(ENV_HOME, str(tmp_path / "env-home"))
    assert main(["init", "--name", "Eve", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Eve"
    assert (tmp_path / "env-home" / "device.key").exists()


def test_every_command_that_shows_data_prints_one_json_document(
    home: Path, cli: InProcess, tmp_path: Path
) -> None:
    circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    documents = {
        "whoami": cli(home, "whoami", "--json").json(),
        "list": cli(home, "circle", "list", "--json").json(),
        "members": cli(home, "circle", "members", circle[:6], "--json").json(),
        "invite": cli(home, "circle", "invite", circle, "--json").json(),
        "state": cli(home, "circle", "state", circle, "--json").json(),
        "thread": cli(home, "thread", "new", circle, "--title", "Hi", "--json").json(),
        "export": cli(home, "circle", "export", circle, str(tmp_path / "x.scx"), "--json").json(),
        "import": cli(home, "circle", "import", str(tmp_path / "x.scx"), "--json").json(),
    }
    assert documents["whoami"]["name"] == "Ana"
    assert documents["list"]["circles"] == [
        {"circle_id": circle, "name": "Physics", "role": "owner", "description": ""}
    ]
    me = documents["whoami"]["device_id"]
    assert documents["members"]["members"] == [
        {"device_id": me, "name": "Ana", "role": "owner", "person_id": me, "devices": 1, "device_ids": [me]}
    ]
    assert documents["invite"]["code"].startswith("sc2.")
    assert documents["state"]["ops"] == 1  # before the thread
    assert documents["export"]["ops"] == 2
    assert documents["import"]["ops_known"] == 2 and documents["import"]["ops_new"] == 0


def test_wrong_usage_is_one_line_with_exit_code_2(home: Path, cli: InProcess) -> None:
    cli(home, "circle", "invite", "ab", "--uses", "many").refused("--uses", "invalid int value")
    assert cli(home, "circle", "invite", "ab", "--uses", "many").code == 2
    cli(home, "circle", "role", "ab", "Ben", "owner").refused("invalid choice: 'owner'")
    cli(home, "circle").refused("required")


def test_a_missing_identity_is_one_line_and_creates_nothing(tmp_path: Path, cli: InProcess) -> None:
    nobody = tmp_path / "nobody"
    nobody.mkdir()
    for argv in (
        ["whoami"],
        ["circle", "list"],
        ["circle", "import", "x.scx"],
        ["sync", "--connect", "/ip4/127.0.0.1/tcp/1"],
    ):
        cli(nobody, *argv).refused("No identity in", "init --name NAME")
    assert list(nobody.iterdir()) == []


def test_empty_names_are_refused_and_nothing_is_written(tmp_path: Path, home: Path, cli: InProcess) -> None:
    cli(tmp_path / "blank", "init", "--name", "  ").refused("display name cannot be empty")
    assert not (tmp_path / "blank").exists()
    before = fingerprint(home)
    cli(home, "circle", "create", "").refused("A circle needs a name.")
    cli(home, "circle", "create", " \t ").refused("A circle needs a name.")
    assert fingerprint(home) == before
    circle = cli(home, "circle", "create", "Physics", "--json").json()["circle_id"]
    before = fingerprint(home)
    cli(home, "thread", "new", circle, "--title", "  ").refused("A thread needs a title")
    cli(home, "circle", "members", circle, "--json")  # reads only
    assert fingerprint(home) == before


# -- ids by prefix ------------------------------------------------------------------------
def test_prefix_resolution_says_what_is_wrong() -> None:
    ids = [
        (bytes.fromhex("ab12"), "first"),
        (bytes.fromhex("ab34"), "second"),
        (bytes.fromhex("cd00"), "third"),
    ]
    assert resolve_prefix("AB1", ids, noun="circle") == "first"
    assert resolve_prefix("cd00", ids, noun="circle") == "third"
    with pytest.raises(CommandError, match=r"The id prefix 'ab' matches 2 circles; give more characters\."):
        resolve_prefix("ab", ids, noun="circle")
    with pytest.raises(CommandError, match=r"No circle with id 'ef' \(see `circle list`\)\."):
        resolve_prefix("ef", ids, noun="circle", hint="see `circle list`")
    with pytest.raises(CommandError, match="hexadecimal"):
        resolve_prefix("xyz", ids, noun="circle")
    with pytest.raises(CommandError, match="Give a circle id"):
        resolve_prefix(" ", ids, noun="circle")


def test_names_win_over_prefixes_and_duplicates_ask_for_an_id() -> None:
    people = [
        (bytes.fromhex("ace0"), "Ben", "ben"),
        (bytes.fromhex("ab00"), "ace", "ace-the-person"),
        (bytes.fromhex("1100"), "Sam", "sam-1"),
        (bytes.fromhex("1200"), "sam", "sam-2"),
    ]
    assert resolve_name_or_prefix("ace", people, noun="member") == "ace-the-person"
    assert resolve_name_or_prefix("BEN", people, noun="member") == "ben"
    assert resolve_name_or_prefix("ac", people, noun="member") == "ben"
    assert resolve_name_or_prefix("12", people, noun="member") == "sam-2"
    with pytest.raises(CommandError, match="2 members are named 'Sam'; give an id prefix instead"):
        resolve_name_or_prefix("Sam", people, noun="member")
    with pytest.raises(CommandError, match="The id prefix '1' matches 2 members"):
        resolve_name_or_prefix("1", people, noun="member")
    with pytest.raises(CommandError, match="No member named or with id 'Zoe'"):
        resolve_name_or_prefix("Zoe", people, noun="member")


def test_unknown_ids_and_ambiguous_prefixes_change_nothing(
    home: Path, cli: InProcess, tmp_path: Path
) -> None:
    circles = [cli(home, "circle", "create", f"Circle {n}", "--json").json()["circle_id"] for n in range(17)]
    shared = next(c[0] for c in circles if sum(other[0] == c[0] for other in circles) > 1)  # 17 > 16 digits
    count = sum(c[0] == shared for c in circles)
    unknown = next(
        f"{digit}" * 8 for digit in "0123456789abcdef" if not any(c.startswith(digit * 8) for c in circles)
    )
    target = tmp_path / "out.scx"
    before = fingerprint(home)
    for typed in (shared, unknown, "not-hex", unknown * 8):
        for argv in (
            ["circle", "members", typed],
            ["circle", "state", typed, "--json"],
            ["circle", "invite", typed],
            ["circle", "leave", typed],
            ["circle", "remove", typed, "Ana"],
            ["circle", "role", typed, "Ana", "mentor"],
            ["circle", "export", typed, str(target)],
            ["thread", "new", typed, "--title", "T"],
        ):
            line = cli(home, *argv).refused()
            if typed == shared:
                assert f"The id prefix {shared!r} matches {count} circles; give more characters." in line
            else:
                assert f"No circle with id {typed!r}" in line
    assert fingerprint(home) == before
    assert not target.exists()
