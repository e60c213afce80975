"""`device link` and `device join` as separate processes over py-libp2p on 127.0.0.1:
the laptop waits with a code, the new lab PC joins with it and holds the circle and My
notes at once; a wrong code is one line, changes nothing, and three lock the code (the waiting
`device link` then ends, saying so)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import identity
from sync.room_code import WORDS, parse_room_code
from tests.cli.helpers import fingerprint, read_line, run_process, serving, stop, studycircle

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0"]


@contextmanager
def linking(home: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, object]]]:
    """`device link --json` running on `home`, and its first line (the code)."""
    process = subprocess.Popen(
        [*studycircle(), "--home", str(home), "device", "link", "--json", *LOOPBACK],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process, json.loads(read_line(process))
    finally:
        if process.poll() is None:
            stop(process, signal.SIGINT)


def test_a_new_device_is_linked_and_holds_everything_at_once(tmp_path: Path) -> None:
    laptop, lab = tmp_path / "laptop", tmp_path / "lab"
    run_process(laptop, "init", "--name", "Ana").ok()
    identity.create(lab, "Ana's lab PC")
    circle = run_process(laptop, "circle", "create", "Physics", "--json").json()["circle_id"]
    run_process(laptop, "note", "add", "--title", "Vectors", "--body", "from the laptop").ok()
    with linking(laptop) as (process, first):
        assert set(first) == {"code", "minutes", "addresses"}
        address = first["addresses"][0]  # type: ignore[index]
        joined = run_process(
            lab, "device", "join", str(first["code"]), *LOOPBACK, "--connect", address, "--json"
        )
        assert joined.json()["spaces"] == 2
        assert joined.json()["name"] == "Ana"
        second = json.loads(read_line(process))
        assert second["linked"] == identity.load(lab).key.device_id.hex()
        assert (second["name"], second["spaces"], second["refused"]) == ("Ana's lab PC", 2, [])
        assert process.wait(timeout=30) == 0
    circles = run_process(lab, "circle", "list", "--json").json()["circles"]
    assert [(row["circle_id"], row["role"]) for row in circles] == [(circle, "owner")]  # the person's role
    assert [row["title"] for row in run_process(lab, "note", "list", "--json").json()["notes"]] == ["Vectors"]
    devices = run_process(lab, "device", "list", "--json").json()["devices"]
    assert [(row["name"], row["this"], row["circles"]) for row in devices] == [
        ("Ana's lab PC", True, 1),
        ("Ana", False, 1),
    ]
    # Later: a note written on the laptop reaches the lab PC by `sync`, and back.
    with serving(laptop, *LOOPBACK) as served:
        run_process(laptop, "note", "add", "--title", "Matrices", "--body", "later, on the laptop").ok()
        run_process(lab, "note", "add", "--title", "Series", "--body", "on the lab PC").ok()
        run_process(lab, "sync", "--connect", served).ok()
        titles = {row["title"] for row in run_process(lab, "note", "list", "--json").json()["notes"]}
        assert titles == {"Vectors", "Matrices", "Series"}
    titles = {row["title"] for row in run_process(laptop, "note", "list", "--json").json()["notes"]}
    assert titles == {"Vectors", "Matrices", "Series"}
    # Unlinked from the laptop; the laptop cannot be unlinked from itself.
    lab_id = identity.load(lab).key.device_id.hex()
    run_process(laptop, "device", "unlink", identity.load(laptop).key.device_id.hex()[:8]).refused(
        "This is the device you are using"
    )
    assert run_process(laptop, "device", "unlink", lab_id[:8], "--json").json() == {
        "device_id": lab_id,
        "spaces": 2,
    }
    assert len(run_process(laptop, "device", "list", "--json").json()["devices"]) == 1


def test_a_wrong_link_code_is_one_line_changes_nothing_and_three_lock_it(tmp_path: Path) -> None:
    laptop, gus = tmp_path / "laptop", tmp_path / "gus"
    identity.create(laptop, "Ana")
    identity.create(gus, "Gus")
    run_process(laptop, "circle", "create", "Physics").ok()
    run_process(gus, "device", "join", "7-notaword-harbor").refused("This link code is not valid")
    with linking(laptop) as (process, first):
        code = parse_room_code(str(first["code"]))
        address = str(first["addresses"][0])  # type: ignore[index]
        others = [word for word in WORDS if word not in code.words]
        before = None
        for attempt in range(3):
            wrong = f"{code.channel}-{others[2 * attempt]}-{others[2 * attempt + 1]}"
            run_process(gus, "device", "join", wrong, *LOOPBACK, "--connect", address).refused(
                "Wrong link code", "after 3 the code stops working"
            )
            # The first run makes the empty database and lock file any networked command makes.
            before = before or fingerprint(gus)
        assert fingerprint(gus) == before
        assert run_process(gus, "circle", "list", "--json").json() == {"circles": []}
        assert run_process(gus, "note", "list", "--json").json() == {"notes": []}
        # The laptop stops waiting at once: the code is dead, and it says so (one line).
        assert process.wait(timeout=30) == 1
        assert process.stderr is not None
        assert process.stderr.read().splitlines()[-1] == (
            "studycircle: No device was linked: this link code was locked after 3 wrong tries;"
            " make a new one."
        )


def test_device_link_is_refused_while_serve_runs_on_the_same_home(tmp_path: Path) -> None:
    laptop = tmp_path / "laptop"
    identity.create(laptop, "Ana")
    with serving(laptop, *LOOPBACK):
        run_process(laptop, "device", "link", *LOOPBACK).refused("This device is already running")


def test_device_join_run_again_on_a_linked_device_says_so_and_fetches_the_rest(tmp_path: Path) -> None:
    laptop, lab, bob = tmp_path / "laptop", tmp_path / "lab", tmp_path / "bob"
    run_process(laptop, "init", "--name", "Ana").ok()
    identity.create(lab, "Ana's lab PC")
    identity.create(bob, "Bob")
    run_process(laptop, "circle", "create", "Physics").ok()
    with linking(laptop) as (process, first):
        code = str(first["code"])
        address = str(first["addresses"][0])  # type: ignore[index]
        run_process(lab, "device", "join", code, *LOOPBACK, "--connect", address, "--json").ok()
        assert process.wait(timeout=30) == 0
    with serving(laptop, *LOOPBACK) as served:
        run_process(laptop, "note", "add", "--title", "Matrices", "--body", "written after the link").ok()
        again = run_process(lab, "device", "join", code, *LOOPBACK, "--connect", served).ok()
        assert again.out.splitlines() == [
            "This device is already linked to Ana (the link code is not needed again); fetching the rest"
            " of the history…",
            "Linked to Ana; 2 spaces are up to date.",
        ]
        assert [row["title"] for row in run_process(lab, "note", "list", "--json").json()["notes"]] == [
            "Matrices"
        ]
        document = run_process(lab, "device", "join", *LOOPBACK, "--connect", served, "--json").json()
        assert (document["already_linked"], document["name"], document["spaces"]) == (True, "Ana", 2)
    assert len(run_process(laptop, "device", "list", "--json").json()["devices"]) == 2
    # Bob's code on Ana's lab PC: refused in one line, nothing linked; Bob's `device link` ends.
    with linking(bob) as (waiting, offered):
        bob_address = str(offered["addresses"][0])  # type: ignore[index]
        dial = ["--connect", bob_address]
        run_process(lab, "device", "join", str(offered["code"]), *LOOPBACK, *dial).refused(
            "This device is already linked to Ana, and a device belongs to one person for good",
            "is open on Bob's device",
            "Nothing was linked.",
        )
        assert waiting.wait(timeout=30) == 1
    assert len(run_process(bob, "device", "list", "--json").json()["devices"]) == 1
    assert len(run_process(lab, "device", "list", "--json").json()["devices"]) == 2
