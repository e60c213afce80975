"""Newline-delimited JSON from child processes, read against a deadline and never by sleeping.

Owns the read buffers of the children it wraps. Runs on the test's thread; the only waiting
is in select(), bounded by the caller's deadline (an instant on `time.monotonic()`).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

_READ_SIZE = 65536
_STRAY_LINES_KEPT = 20


class DeadlineExceeded(AssertionError):
    """What was awaited did not happen in time; the message shows each child's last words."""


class ChildExited(AssertionError):
    """A child closed its output while a test was still waiting on it."""


class JsonLines:
    """The JSON objects a child prints, one per line, in order.

    `latest` is the last object read. Lines that are not JSON objects (log lines, a
    traceback) are kept in `stray` for error messages.
    """

    def __init__(self, process: subprocess.Popen[bytes], *, label: str) -> None:
        if process.stdout is None:
            raise ValueError(f"{label}: spawn the process with stdout=subprocess.PIPE")
        self.process = process
        self.label = label
        self.latest: dict[str, Any] | None = None
        self.stray: deque[str] = deque(maxlen=_STRAY_LINES_KEPT)
        self.closed = False
        self._fd = process.stdout.fileno()
        self._partial = b""
        self._unread: deque[dict[str, Any]] = deque()
        os.set_blocking(self._fd, False)

    def fileno(self) -> int:
        return self._fd

    def drain(self) -> None:
        """Read whatever the child has printed so far, without waiting; updates `latest`."""
        while not self.closed:
            try:
                chunk = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return
            if not chunk:
                self.closed = True
                chunk = b"\n"  # a last line without its newline still counts
            *lines, self._partial = (self._partial + chunk).split(b"\n")
            for line in lines:
                self._take(line)

    def skip_to_latest(self) -> None:
        """Drain, and mark everything read so far as seen: `next` will not return it."""
        self.drain()
        self._unread.clear()

    def next(self, *, deadline: float) -> dict[str, Any]:
        """The next JSON object the child prints, waiting at most until `deadline`."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            while True:
                self.drain()
                if self._unread:
                    return self._unread.popleft()
                if self.closed:
                    raise ChildExited(f"{self.describe()} exited before printing a JSON line")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DeadlineExceeded(f"no JSON line in time from {self.describe()}")
                selector.select(remaining)

    def describe(self) -> str:
        code = self.process.poll()
        state = "running" if code is None else f"exited with {code}"
        text = f"{self.label} ({state}), latest: {json.dumps(self.latest)}"
        if self.stray:
            text += "\n    other output:\n      " + "\n      ".join(self.stray)
        return text

    def _take(self, raw: bytes) -> None:
        text = raw.decode(errors="replace").rstrip()
        if not text:
            return
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, dict):
            self.latest = value
            self._unread.append(value)
        else:
            self.stray.append(text)


def wait_until(
    streams: Sequence[JsonLines],
    condition: Callable[[], bool],
    *,
    deadline: float,
    what: str,
) -> None:
    """Read all streams until `condition()` holds, judged on their `latest` lines.

    Raises DeadlineExceeded at `deadline`, and ChildExited as soon as a child's output ends
    while the condition does not hold yet; both messages show every child's state.
    """
    with selectors.DefaultSelector() as selector:
        for stream in streams:
            if not stream.closed:
                selector.register(stream, selectors.EVENT_READ)
        while True:
            for stream in streams:
                stream.skip_to_latest()
            if condition():
                return
            ended = [stream for stream in streams if stream.closed]
            if ended:
                raise ChildExited(_report(f"{ended[0].label} ended while waiting for", what, streams))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded(_report("timed out waiting for", what, streams))
            selector.select(remaining)


def _report(headline: str, what: str, streams: Sequence[JsonLines]) -> str:
    return f"{headline} {what}\n  " + "\n  ".join(stream.describe() for stream in streams)
