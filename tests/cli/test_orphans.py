"""Nothing outlives its process: `kill -9` of a CLI process whose verify pool is working.

Each test starts a real `studycircle` process, waits (on /proc, with a deadline) until it
has started its verify-pool workers, kills it with SIGKILL, and then waits for every
process it had started to be gone. For `serve`, the port must then be free: a new serve
on the same fixed port answers every one of ten raw TCP dials with libp2p's multistream
greeting (the orphans of a killed serve used to hold the listening socket, and the
kernel handed them 7 of 10 connections). Linux only: the process tree is read from /proc.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import identity
from sync import writer
from sync.ids import SpaceId
from tests.cli.conftest import now_ms
from tests.cli.helpers import (
    DEADLINE,
    InProcess,
    join_in_process,
    open_replica,
    read_line,
    run_process,
    studycircle,
)

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc (Linux)"
)

#: How long the workers of a killed process may take to go (the property says "a few seconds").
ORPHAN_DEADLINE = 5.0
#: Enough ops for several verify chunks (256 ops each), so the pool starts.
HISTORY_OPS = 3000
DIALS = 10
MULTISTREAM = b"/multistream/1.0.0\n"

Started = tuple[int, int]  # pid, start time in clock ticks (a pid can be reused)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, start time) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and ')'
    return fields[0], int(fields[1]), int(fields[19])


def descendants(root: int) -> set[Started]:
    """Every living process below `root` in the process tree."""
    children: dict[int, list[Started]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None and stat[0] != "Z":
            children.setdefault(stat[1], []).append((int(entry), stat[2]))
    found: set[Started] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def living(processes: set[Started]) -> set[Started]:
    """Those still running (a zombie has exited; a reused pid is another process)."""
    alive = set()
    for pid, start in processes:
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z" and stat[2] == start:
            alive.add((pid, start))
    return alive


def wait_until(predicate: object, *, deadline: float, what: str) -> float:
    """Poll `predicate` until it holds; return how long that took."""
    assert callable(predicate)
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > deadline:
            raise AssertionError(f"{what}: not within {deadline} s")
        time.sleep(0.05)  # polling a state, not waiting for it to happen by itself
    return time.monotonic() - start


@pytest.fixture
def reaper() -> Iterator[set[Started]]:
    """Processes a test saw; whatever of them is left at the end is killed (on the old code,
    the orphans would otherwise outlive the test run)."""
    seen: set[Started] = set()
    yield seen
    for pid, _ in living(seen):
        os.kill(pid, signal.SIGKILL)


def is_worker(process: Started) -> bool:
    """A pool worker, not multiprocessing's resource tracker (which a spawned pool also starts)."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{process[0]}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False


def kill_with_workers(
    process: subprocess.Popen[str], reaper: set[Started], *, workers: int = 2
) -> set[Started]:
    """Wait until `process` runs its verify workers, SIGKILL it, and return what it had started."""
    started: set[Started] = set()

    def workers_running() -> bool:
        assert process.poll() is None, f"{process.args!r} ended before its pool started"
        started.update(descendants(process.pid))
        return sum(map(is_worker, living(started))) >= workers

    wait_until(workers_running, deadline=DEADLINE, what="the verify pool's workers")
    started.update(descendants(process.pid))
    reaper.update(started)
    process.kill()
    process.wait(timeout=DEADLINE)
    return started


def assert_none_outlive(started: set[Started]) -> float:
    return wait_until(
        lambda: not living(started),
        deadline=ORPHAN_DEADLINE,
        what=f"the children of a killed process ({sorted(living(started))}) exiting",
    )


def a_circle_with_history(
    tmp_path: Path, cli: InProcess, *, ben: Path | None = None
) -> tuple[Path, Path, str]:
    """Ana's circle with Ben in it, and HISTORY_OPS threads by Ana that Ben does not have yet."""
    ana, ben = tmp_path / "ana", ben or tmp_path / "ben"
    cli(ana, "init", "--name", "Ana").ok()
    identity.create(ben, "Ben")
    circle = cli(ana, "circle", "create", "Physics", "--json").json()["circle_id"]
    code = cli(ana, "circle", "invite", circle, "--json").json()["code"]
    join_in_process(ana, ben, code, now_ms=now_ms())
    replica = open_replica(ana)
    try:
        thread = {"text": "Notes " * 20, "tags": []}
        batch = [("item.put", {"title": f"Week {n}", **thread}) for n in range(HISTORY_OPS)]
        writer.write_many(replica, SpaceId(bytes.fromhex(circle)), batch, now_ms=now_ms())
    finally:
        replica.store.close()
    return ana, ben, circle


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(home: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*studycircle(), "--home", str(home), "serve", "--no-mdns", "--listen", f"/ip4/127.0.0.1/tcp/{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "STUDYCIRCLE_LOG": "ERROR"},
    )
    return process, json.loads(read_line(process))["listen"][0]


def stop_serving(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=DEADLINE)


def greeted(port: int) -> bool:
    """Whether a TCP dial to `port` is answered with libp2p's multistream greeting (a
    listener that nobody accepts on completes the TCP handshake but never answers)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as dial:
        received = b""
        try:
            while len(received) < len(MULTISTREAM) + 1:
                chunk = dial.recv(64)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            pass
    return MULTISTREAM in received


def test_a_killed_serve_leaves_no_process_and_its_port_answers_every_dial(
    tmp_path: Path, cli: InProcess, reaper: set[Started]
) -> None:
    ana, ben, _ = a_circle_with_history(tmp_path, cli)
    port = free_port()
    server, address = serve(ben, port)
    try:
        run_process(ana, "sync", "--connect", address).ok()  # Ben verifies Ana's history in his pool
        started = kill_with_workers(server, reaper)
    finally:
        if server.poll() is None:
            server.kill()
    took = assert_none_outlive(started)
    print(f"{len(started)} children of the killed serve gone {took:.2f} s after its SIGKILL")

    again, _ = serve(ben, port)
    try:
        answered = sum(greeted(port) for _ in range(DIALS))
    finally:
        stop_serving(again)
    assert answered == DIALS


def test_a_killed_import_leaves_no_process(tmp_path: Path, cli: InProcess, reaper: set[Started]) -> None:
    ana, ben, circle = a_circle_with_history(tmp_path, cli)
    export = tmp_path / "physics.scx"
    cli(ana, "circle", "export", circle, str(export)).ok()
    importer = subprocess.Popen(
        [*studycircle(), "--home", str(ben), "circle", "import", str(export)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = kill_with_workers(importer, reaper)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert_none_outlive(started)


def test_a_killed_join_leaves_no_process(tmp_path: Path, cli: InProcess, reaper: set[Started]) -> None:
    ana, _, circle = a_circle_with_history(tmp_path, cli)
    sue = tmp_path / "sue"
    identity.create(sue, "Sue")
    server, _ = serve(ana, 0)
    try:
        # The code carries the addresses of Ana's running serve.
        code = run_process(ana, "circle", "invite", circle, "--json").json()["code"]
        joiner = subprocess.Popen(
            [*studycircle(), "--home", str(sue), "circle", "join", code, "--no-mdns"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            started = kill_with_workers(joiner, reaper)
        finally:
            if joiner.poll() is None:
                joiner.kill()
        assert_none_outlive(started)
    finally:
        stop_serving(server)
