"""Done-when 4 of the desktop issue: two clients on one machine with different `--home`
directories, started from the command line, find each other and sync a help request
both ways.

One side is the desktop client as its own process (`python -m ui --home A --connect
ADDRESS`, offscreen), the other `studycircle serve` on home B. Each side writes with
the CLI into its own data directory (a running peer publishes what another process
wrote there); each request must reach the other side's database, which the CLI reads.
Real py-libp2p over 127.0.0.1. The client then stops on SIGTERM like a closed window.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.helpers import DEADLINE, run_process, serving, stop

LOOPBACK = ["--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0"]


def titles(home: Path, circle: str) -> set[str]:
    listing = run_process(home, "help", "list", circle, "--json").json()
    return {row["title"] for row in listing["requests"]}


def wait_for(home: Path, circle: str, title: str) -> None:
    """Poll the data directory through the CLI (each look is a process start) until `title` shows."""
    end = time.monotonic() + DEADLINE
    while title not in titles(home, circle):
        assert time.monotonic() < end, f"{title!r} never reached {home.name}"


def test_a_desktop_client_and_a_cli_peer_sync_a_help_request_both_ways(tmp_path: Path) -> None:
    ana, ben = tmp_path / "ana", tmp_path / "ben"
    run_process(ben, "init", "--name", "Ben").ok()
    run_process(ana, "init", "--name", "Ana").ok()
    circle = run_process(ben, "circle", "create", "Optics", "--json").json()["circle_id"]
    with serving(ben, *LOOPBACK) as address:
        code = run_process(ben, "circle", "invite", circle, "--json").json()["code"]  # carries address
        run_process(ana, "circle", "join", code, *LOOPBACK, "--timeout", "30", "--json").ok()
        client = subprocess.Popen(
            [sys.executable, "-m", "ui", "--home", str(ana), "--connect", address],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYCIRCLE_LOG": "ERROR"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            run_process(ben, "help", "ask", circle, "--title", "Why is the sky blue?").ok()
            wait_for(ana, circle, "Why is the sky blue?")  # served by ben, taken in by the client
            run_process(ana, "help", "ask", circle, "--title", "Snell's law sign?").ok()
            wait_for(ben, circle, "Snell's law sign?")  # published by the client process
            assert client.poll() is None, client.stderr.read() if client.stderr else ""
        finally:
            stop(client, signal.SIGTERM)
        assert client.returncode == 0, client.stderr.read() if client.stderr else ""
