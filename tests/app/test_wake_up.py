"""Wake-ups between processes sharing a data directory (`app.wake_up`): a write in one
process wakes a listener in another at once; its own process is never woken; sockets
are the user's alone; a dead listener's socket is cleared."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import trio

from app import wake_up

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")

NOTIFY = "import sys, pathlib; from app import wake_up; print(wake_up.notify(pathlib.Path(sys.argv[1])))"


def notify_from_another_process(directory: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", NOTIFY, str(directory)], capture_output=True, text=True, check=True, timeout=30
    )
    return int(done.stdout)


async def test_another_process_wakes_a_listener(tmp_path: Path) -> None:
    directory = wake_up.directory_of(tmp_path / "studycircle.sqlite")
    async with wake_up.listening(directory) as wakeups:
        assert wakeups.listening
        reached = await trio.to_thread.run_sync(notify_from_another_process, directory)
        assert reached == 1
        with trio.fail_after(10):
            await wakeups.wait()
    assert not directory.exists()  # the socket and its folder go with the last listener


async def test_a_process_does_not_wake_itself(tmp_path: Path) -> None:
    async with wake_up.listening(tmp_path / "wake") as wakeups:
        assert wake_up.notify(tmp_path / "wake") == 0
        with trio.move_on_after(0.2) as waited:  # nothing arrives: a bound on the wait, not a sleep
            await wakeups.wait()
        assert waited.cancelled_caught


async def test_many_wake_ups_are_one_look(tmp_path: Path) -> None:
    directory = tmp_path / "wake"
    async with wake_up.listening(directory) as wakeups:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            for _ in range(5):
                sender.sendto(b"", str(directory / str(os.getpid())))
        with trio.fail_after(10):
            await wakeups.wait()
        with trio.move_on_after(0.2) as waited:
            await wakeups.wait()
        assert waited.cancelled_caught


async def test_only_the_user_can_reach_the_sockets(tmp_path: Path) -> None:
    directory = tmp_path / "wake"
    async with wake_up.listening(directory):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE((directory / str(os.getpid())).stat().st_mode) == 0o600


def test_a_dead_listeners_socket_is_cleared(tmp_path: Path) -> None:
    directory = tmp_path / "wake"
    directory.mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(directory / "999999999"))
    dead.close()  # its process died without removing it
    assert wake_up.notify(directory) == 0
    assert list(directory.iterdir()) == []


def test_no_listener_ever_costs_nothing(tmp_path: Path) -> None:
    assert wake_up.notify(tmp_path / "wake") == 0
    assert not (tmp_path / "wake").exists()


async def test_a_path_too_long_for_a_socket_falls_back_to_polling(tmp_path: Path) -> None:
    directory = tmp_path / ("x" * 120) / "wake"
    async with wake_up.listening(directory) as wakeups:
        assert not wakeups.listening
