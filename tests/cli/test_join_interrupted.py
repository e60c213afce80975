"""`circle join` killed with SIGKILL at each of its steps, as a real process over
py-libp2p on 127.0.0.1: the device never shows itself as a member while no member
holds its join, and the next run (`circle join` again, `sync`, or `serve`) finishes
the join — the inviter lists the joiner and the joiner's `sync` succeeds — or says in
one sentence what is missing.

The process is stopped at an exact step by a pause point (`app.pause_points`): it
prints `studycircle: paused at <step>` and blocks; the test then kills its process
group (the process and its verification workers) with SIGKILL.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import identity
from app.pause_points import PAUSE_ENV
from tests.cli.helpers import DEADLINE, read_line, run_process, serving, stop, studycircle

LISTEN = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0"]
LOOPBACK = [*LISTEN, "--timeout", "30"]


def read_error_line(process: subprocess.Popen[str]) -> str:
    """The next line `process` writes on stderr, waiting at most DEADLINE seconds."""
    assert process.stderr is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        if selector.select(timeout=DEADLINE):
            return process.stderr.readline()
    raise AssertionError(f"no line on stderr from {process.args} within {DEADLINE} s")


def join_killed_at(home: Path, code: str, step: str) -> None:
    """Run `circle join` on `home` until it reaches `step`, then SIGKILL it."""
    join = subprocess.Popen(
        [*studycircle(), "--home", str(home), "circle", "join", code, *LOOPBACK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, PAUSE_ENV: step, "STUDYCIRCLE_LOG": "ERROR"},
        start_new_session=True,  # its own process group: the kill takes its workers too
    )
    try:
        assert read_error_line(join) == f"studycircle: paused at {step}\n"
    finally:
        os.killpg(join.pid, signal.SIGKILL)
        join.wait(timeout=DEADLINE)
    assert join.returncode == -signal.SIGKILL


def members(home: Path, circle: str) -> dict[str, str]:
    rows = run_process(home, "circle", "members", circle, "--json").json()["members"]
    return {row["name"]: row["role"] for row in rows}


def roles(home: Path) -> dict[str, str]:
    return {
        row["circle_id"]: row["role"]
        for row in run_process(home, "circle", "list", "--json").json()["circles"]
    }


def owner_with_circle(tmp_path: Path) -> tuple[Path, Path, str]:
    ana, tom = tmp_path / "ana", tmp_path / "tom"
    run_process(ana, "init", "--name", "Ana").ok()
    identity.create(tom, "Tom")
    circle = run_process(ana, "circle", "create", "Physics", "--json").json()["circle_id"]
    return ana, tom, circle


def assert_joined(ana: Path, tom: Path, circle: str, address: str) -> None:
    """The inviter lists Tom, Tom lists himself as a member, and his `sync` succeeds."""
    assert members(ana, circle) == {"Ana": "owner", "Tom": "member"}
    run_process(tom, "sync", "--connect", address, "--timeout", "30").ok()
    assert roles(tom) == {circle: "member"}
    assert members(tom, circle) == {"Ana": "owner", "Tom": "member"}


@pytest.mark.parametrize(
    "step", ["join.accepted", "join.fetched", "join.signed", "join.signed+held", "join.confirmed"]
)
def test_a_join_killed_at_any_step_is_finished_by_the_next_join(tmp_path: Path, step: str) -> None:
    """`join.signed+held`: killed once the join was signed, and Ana got it (here from an
    export file) — as when the kill comes after the join was sent but before Ana's answer."""
    ana, tom, circle = owner_with_circle(tmp_path)
    with serving(ana, *LISTEN) as address:
        code = run_process(ana, "circle", "invite", circle, "--uses", "1", "--json").json()["code"]
        join_killed_at(tom, code, step.removesuffix("+held"))
        if step != "join.confirmed":  # no member has answered that it holds the join
            assert roles(tom) == {circle: "joining"}
            if step != "join.accepted":  # the history is here, but Tom is not listed as a member
                assert "Tom" not in members(tom, circle)
        if step == "join.signed+held":
            export = tmp_path / "tom.scx"
            run_process(tom, "circle", "export", circle, str(export)).ok()
            run_process(ana, "circle", "import", str(export)).ok()
        elif step != "join.confirmed":
            assert "Tom" not in members(ana, circle)

        rerun = run_process(tom, "circle", "join", code, *LOOPBACK, "--json")
        assert rerun.json() == {"circle_id": circle, "status": "joined"}
        assert_joined(ana, tom, circle, address)


@contextmanager
def serving_with_events(home: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`serve --events` on `home`: its first listen address, and the process to read events from."""
    serve = subprocess.Popen(
        [*studycircle(), "--home", str(home), "serve", "--events", *LISTEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield json.loads(read_line(serve))["listen"][0], serve
    finally:
        stop(serve, signal.SIGINT)
    assert serve.returncode == 0


def test_a_signed_join_killed_before_delivery_is_delivered_by_serve(tmp_path: Path) -> None:
    ana, tom, circle = owner_with_circle(tmp_path)
    with serving_with_events(ana) as (address, ana_serve):
        code = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
        join_killed_at(tom, code, "join.signed")
        with serving(tom, *LISTEN, "--connect", address):  # presents the invite until Ana holds the join
            event = json.loads(read_line(ana_serve))
            assert event["event"] == "ops" and event["circle_id"] == circle
        assert_joined(ana, tom, circle, address)


def test_sync_or_serve_finish_a_join_signed_or_not(tmp_path: Path) -> None:
    """A join interrupted before or after it was signed is finished by the next contact with
    a member — `sync` (Tom: signed; Sue: history fetched, unsigned) or `serve` (Uma: only
    the keys taken) — and `serve` with nobody to meet says the join is waiting."""
    ana, tom, circle = owner_with_circle(tmp_path)
    sue, uma = tmp_path / "sue", tmp_path / "uma"
    identity.create(sue, "Sue")
    identity.create(uma, "Uma")
    uma_code = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
    with serving(ana, *LISTEN) as address:
        signed = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
        join_killed_at(tom, signed, "join.signed")
        run_process(tom, "sync", "--connect", address, "--timeout", "30").ok()  # delivers the join
        assert_joined(ana, tom, circle, address)

        unsigned = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
        join_killed_at(sue, unsigned, "join.fetched")
        run_process(sue, "sync", "--connect", address, "--timeout", "30").ok()  # signs and delivers
        assert roles(sue) == {circle: "member"}
        assert members(ana, circle) == {"Ana": "owner", "Sue": "member", "Tom": "member"}

        join_killed_at(uma, uma_code, "join.accepted")
    serve = subprocess.Popen(  # Ana is away: Uma's serve says the join waits
        [*studycircle(), "--home", str(uma), "serve", *LISTEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "STUDYCIRCLE_LOG": "ERROR"},
    )
    try:
        read_line(serve)  # listening
        assert read_error_line(serve) == (
            "studycircle: Your join to «Physics» is waiting to meet a member; it is"
            " finished automatically when this device reaches one.\n"
        )
    finally:
        stop(serve, signal.SIGINT)
    with serving_with_events(ana) as (address, ana_serve), serving(uma, *LISTEN, "--connect", address):
        event = json.loads(read_line(ana_serve))  # Uma's join, fetched, signed and delivered by serve
        assert event["event"] == "ops" and event["circle_id"] == circle
    assert members(ana, circle) == {"Ana": "owner", "Sue": "member", "Tom": "member", "Uma": "member"}


def test_sync_counts_every_op_it_brings_by_its_session_or_by_gossip(tmp_path: Path) -> None:
    """The count is of ops admitted while `sync` ran, however they came: ops that gossip
    delivered as the connection opened were once reported as "0 new ops"."""
    ana, tom, circle = owner_with_circle(tmp_path)
    with serving(ana, *LISTEN) as address:
        code = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
        run_process(tom, "circle", "join", code, *LOOPBACK).ok()
        for title in ("Exam on Friday", "Room 12"):
            run_process(ana, "thread", "new", circle, "--title", title).ok()
        synced = run_process(tom, "sync", "--connect", address, "--timeout", "30", "--json").json()
        assert synced["ops_received"] == 2
        again = run_process(tom, "sync", "--connect", address, "--timeout", "30")
        assert again.ok().out.startswith(f"Synced with {synced['peer_id']}: 0 new ops, 0 new files")
