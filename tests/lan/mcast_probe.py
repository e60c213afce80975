"""A tiny multicast peer that proves a NetLab LAN carries multicast between namespaces.

Run inside one namespace (via `NetLab.spawn`). It joins a multicast group, announces its
name there every `--interval` seconds, and after every announcement prints one JSON line to
stdout:

    {"name": "h0", "rounds": 12, "heard": {"h1": 11, "h2": 12}}

`rounds` counts its own announcement attempts (sent or refused by a downed link), `heard`
counts announcements received per peer since start. The first line is printed only after
the group is joined, so "has printed a line" means "is listening". The default port 55353
keeps clear of real mDNS on 5353.

Like a naive peer, it names no interface: the kernel picks one from the namespace's route
for the group, so the probe also proves that route is there.

Single-threaded: one select() loop that both receives and times the announcements. It exits
by itself after `--lifetime` seconds so a probe orphaned by a crash cannot keep a namespace
alive.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import select
import socket
import sys
import time

MAGIC = "studycircle-lan-probe"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="this probe's name, e.g. h0")
    parser.add_argument("--group", default="224.0.0.251")
    parser.add_argument("--port", type=int, default=55353)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between sends")
    parser.add_argument("--lifetime", type=float, default=60.0, help="exit after this long")
    return parser.parse_args(argv)


def open_socket(*, group: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", port))
    membership = socket.inet_aton(group) + socket.inet_aton("0.0.0.0")
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    # Our own announcements would only be noise in `heard`.
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    sock.setblocking(False)
    return sock


def peer_name(datagram: bytes) -> str | None:
    """The sender's name if the datagram is a probe announcement, else None."""
    try:
        message = json.loads(datagram)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("probe") != MAGIC:
        return None
    name = message.get("name")
    return name if isinstance(name, str) else None


def run(args: argparse.Namespace) -> None:
    sock = open_socket(group=args.group, port=args.port)
    announcement = json.dumps({"probe": MAGIC, "name": args.name}).encode()
    heard: dict[str, int] = {}
    rounds = 0
    started = time.monotonic()
    next_send = started
    while time.monotonic() - started < args.lifetime:
        wait = max(0.0, next_send - time.monotonic())
        readable, _, _ = select.select([sock], [], [], wait)
        if readable:
            while True:
                try:
                    datagram = sock.recv(2048)
                except BlockingIOError:
                    break
                name = peer_name(datagram)
                if name is not None and name != args.name:
                    heard[name] = heard.get(name, 0) + 1
        if time.monotonic() >= next_send:
            rounds += 1
            # A downed link (NetLab.link_down) refuses the send: keep trying, as a peer would.
            with contextlib.suppress(OSError):
                sock.sendto(announcement, (args.group, args.port))
            # No catch-up burst after a stall: the next round is one interval from now at most.
            next_send = max(next_send + args.interval, time.monotonic())
            line = {"name": args.name, "rounds": rounds, "heard": dict(sorted(heard.items()))}
            print(json.dumps(line), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The test stopped reading or stopped us: nothing is left to report.
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
