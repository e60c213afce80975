"""The verify pool's worker processes, which never outlive the process that started them.

`worker_pool(workers)` is a `ProcessPoolExecutor` for the bulk preparation of ops
(`sync.prepare.prepare_chunk`). Two things a default pool gets wrong on Linux, where its
workers are forked:

- **Orphans.** Killed with SIGKILL, the parent runs no clean-up; its workers wait on their
  task queue for ever, since each holds the queue's write end itself. So every worker
  gets a *lifeline*: the read end of a pipe whose only write end stays in the parent. The
  kernel closes that end when the parent dies, however it dies; a thread in the worker
  blocked on the pipe then sees end-of-file and ends the worker at once. This works the
  same on every platform. (`prctl(PR_SET_PDEATHSIG)` was not used: Linux sends it when the
  *thread* that started the worker exits, and the pool starts workers from whichever
  thread submits work — here a trio worker thread, which exits after idling 10 s.)
- **Inherited descriptors.** A forked worker holds a copy of every descriptor of its
  parent, such as a serving peer's listening socket: the orphans of a killed `serve` kept
  its port, and the kernel handed them part of the next serve's incoming connections
  (py-libp2p listens with SO_REUSEPORT). Workers are started with the `spawn` method: a
  fresh interpreter that receives only the pipes the pool passes it.

Workers ignore SIGINT: Ctrl+C reaches the whole process group, and the parent, not each
worker, decides when work stops (`shutdown`). Runs wherever the pool is used; the lifeline
thread runs in each worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection

#: Exit status of a worker whose parent died (EX_SOFTWARE would suggest a bug; this is not one).
ORPHANED = 3


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers exit as soon as this process is gone."""

    def __init__(self, workers: int) -> None:
        lifeline, self._held_end = multiprocessing.Pipe(duplex=False)
        super().__init__(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(lifeline,),
        )
        self._lifeline = lifeline  # the read end, passed to each worker as it starts

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:  # no worker is left to start, so neither end is needed any more
            self._lifeline.close()
            self._held_end.close()


def _start_worker(lifeline: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()


def _exit_with_parent(lifeline: Connection) -> None:
    """Block until the parent's end of the pipe closes, then end this worker at once (a
    chunk half prepared is of no use to anyone: its results had nowhere to go)."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # nothing is ever sent: this returns only by raising
    os._exit(ORPHANED)
