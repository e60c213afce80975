"""Wake-ups between processes that share a data directory.

A process that wrote ops (a CLI command beside a running client or `serve`) tells every
process listening on the same data directory at once: an empty datagram to each Unix
socket in `<data dir>/wake/` (one per listening process, named by its pid; the folder
0700, each socket 0600, so only the device's own user can reach them). The sync service
listens instead of `stat`ing the database files every 10 ms. A wake-up is only a hint to
look in the database: one lost (a full socket buffer, a platform without Unix datagram
sockets, a data directory whose path is too long for a socket's) is covered by the
listener's slow poll.

`notify` runs on the writer's thread (non-blocking: a directory listing and one
`sendto` per listener); `listening` on the listener's trio task.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import trio

logger = logging.getLogger(__name__)

#: The longest socket path every platform with Unix sockets binds (macOS: 104 bytes).
MAX_SOCKET_PATH = 103


def directory_of(database_file: os.PathLike[str] | str) -> Path:
    """The wake-up folder of the data directory holding `database_file`."""
    return Path(database_file).parent / "wake"


def notify(directory: Path) -> int:
    """Wake every other process listening in `directory`; returns how many were reached.
    Sockets whose process is gone are removed."""
    family = getattr(socket, "AF_UNIX", None)
    if family is None:
        return 0
    try:
        names = [entry.name for entry in os.scandir(directory)]
    except OSError:  # nobody ever listened here
        return 0
    mine = str(os.getpid())
    reached = 0
    try:
        sender = socket.socket(family, socket.SOCK_DGRAM)
    except OSError:
        return 0
    with sender:
        sender.setblocking(False)
        for name in names:
            if name == mine or not name.isdigit():
                continue
            path = directory / name
            try:
                sender.sendto(b"", os.fsdecode(path))
                reached += 1
            except BlockingIOError:
                reached += 1  # its queue is full: it has wake-ups waiting already
            except ConnectionRefusedError:  # its process died without removing it
                with contextlib.suppress(OSError):
                    path.unlink()
            except OSError:
                continue
    return reached


class WakeUps:
    """The receiving end: `wait` returns once at least one wake-up arrived since the last."""

    def __init__(self, receiver: socket.socket | None) -> None:
        self._receiver = receiver

    @property
    def listening(self) -> bool:
        return self._receiver is not None

    async def wait(self) -> None:
        if self._receiver is None:
            await trio.sleep_forever()
            return
        while not self._drain():
            await trio.lowlevel.wait_readable(self._receiver.fileno())

    def _drain(self) -> bool:
        """Take every queued wake-up (many writes, one look); whether there was one."""
        assert self._receiver is not None
        woken = False
        while True:
            try:
                self._receiver.recv(16)
            except BlockingIOError:
                return woken
            woken = True


@asynccontextmanager
async def listening(directory: Path) -> AsyncIterator[WakeUps]:
    """Listen for wake-ups in `directory` while inside; a `WakeUps` that never wakes if
    this platform or path cannot (the caller's poll is then all there is)."""
    path = directory / str(os.getpid())
    receiver = _bind(path)
    try:
        yield WakeUps(receiver)
    finally:
        if receiver is not None:
            receiver.close()
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(OSError):  # left only while someone listens
                directory.rmdir()


def _bind(path: Path) -> socket.socket | None:
    family = getattr(socket, "AF_UNIX", None)
    if family is None or len(os.fsencode(path)) > MAX_SOCKET_PATH:
        logger.info("No wake-ups from other processes here (polling instead): %s", path)
        return None
    try:
        receiver = socket.socket(family, socket.SOCK_DGRAM)
    except OSError as error:  # Windows has Unix sockets, but only for streams
        logger.info("No wake-ups from other processes here (polling instead): %s", error)
        return None
    receiver.setblocking(False)
    try:
        try:
            _bind_in(receiver, path)
        except FileNotFoundError:  # the last other listener removed the folder as we made it
            _bind_in(receiver, path)
    except OSError as error:  # a read-only data directory, another user's folder
        receiver.close()
        logger.info("Could not listen for wake-ups at %s (polling instead): %s", path, error)
        return None
    return receiver


def _bind_in(receiver: socket.socket, path: Path) -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path.parent, 0o700)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a process with our pid that died
    receiver.bind(os.fsdecode(path))
    os.chmod(path, 0o600)
