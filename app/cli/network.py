"""Command group: running as a peer (`serve`, `sync`)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

import trio

from app.cli.base import CommandLine, Needs, emit
from app.errors import CommandError
from app.services.membership import waiting_circles
from sync.ids import SpaceId, short

SERVING_FILE = "serving.json"


def serving_addresses(home: Path) -> list[str]:
    """The addresses a `serve` running on this data directory listens on (none if not running)."""
    try:
        return list(json.loads((home / SERVING_FILE).read_text())["listen"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


async def cmd_sync(args: argparse.Namespace, core: Any) -> None:
    from app.core import SessionRefused

    received: list[bytes] = []  # every op admitted while we run: by our sessions or by gossip
    core.sync.add_listener(lambda changes: received.extend(changes.added))
    refusals: list[str] = []
    held = await core.held_files()
    unsigned: set[SpaceId] = set()
    with trio.move_on_after(args.timeout) as deadline:
        peer = await core.host.connect(args.connect)
        await core.waiting_joins.advance_all()  # joins that waited for a member: this may be one
        unsigned = await core.unsigned_joins()
        shared = set(await core.shared_spaces())
        for space in await core.synced_spaces():  # My notes too, once linked to another device
            if space in unsigned:
                continue  # nothing of ours to deliver yet; said below
            if space not in shared and peer not in await core.sync.member_peers(space):
                continue  # My notes: only with my own devices
            try:
                await core.sync.reconcile(peer, space)
            except SessionRefused as refused:
                refusals.append(f"{peer} would not sync circle {short(space, 12)}: {refused}")
                continue
            await core.blobs.fetch_wanted(space, peers=[peer])  # the files its items name, too
    total = len(set(received))
    if deadline.cancelled_caught:
        raise CommandError(
            f"Could not finish syncing with {args.connect} within {args.timeout:g} s"
            f" ({total} new ops kept); is the peer running and reachable?"
        )
    if unsigned:
        names = dict(await waiting_circles(core.commands))
        first = min(unsigned)
        refusals.insert(0, f"{_waiting_sentence(first, names.get(first, ''))}: {peer} did not serve it")
    if refusals:  # one sentence a person can act on, not the session's exception
        others = f" ({total} new ops from the other circles kept)" if total else ""
        raise CommandError(f"{refusals[0]}{others}.")
    files = await core.held_files() - held
    emit(
        args,
        {"peer_id": peer, "ops_received": total, "files_received": files},
        f"Synced with {peer}: {total} new op{'' if total == 1 else 's'},"
        f" {files} new file{'' if files == 1 else 's'}",
    )


async def cmd_serve(args: argparse.Namespace, core: Any) -> None:
    from app.launch import P2PError

    # Taken before the listen line is printed: whoever reads it may stop us at once, and a
    # SIGINT that arrived before the receiver exited 130 instead of a clean 0.
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        for address in args.connect:
            try:
                await core.sync.connect(address)  # redialed with backoff if it drops
            except P2PError as error:
                print(f"studycircle: could not connect to {address}: {error}", file=sys.stderr, flush=True)
        listen = list(core.host.listen_addrs())
        (args.home_path / SERVING_FILE).write_text(json.dumps({"listen": listen}))
        print(json.dumps({"peer_id": core.host.peer_id, "listen": listen}), flush=True)
        names = dict(await waiting_circles(core.commands))
        for space in sorted(await core.unsigned_joins()):
            sentence = _waiting_sentence(space, names.get(space, ""))
            print(f"studycircle: {sentence}.", file=sys.stderr, flush=True)
        if args.events:  # one line per batch of ops admitted from peers; time.time() when stored
            core.sync.add_listener(lambda changes: print(_event_line(changes), flush=True))
        async for _ in signals:
            break
    (args.home_path / SERVING_FILE).unlink(missing_ok=True)


def _waiting_sentence(space: SpaceId, name: str) -> str:
    circle = f"«{name}»" if name else f"circle {short(space, 12)}"
    return (
        f"Your join to {circle} is waiting to meet a member; it is finished"
        " automatically when this device reaches one"
    )


def _event_line(changes: Any) -> str:
    ops = [op_id.hex() for op_id in changes.added]
    return json.dumps({"event": "ops", "circle_id": changes.space.hex(), "ops": ops, "time": time.time()})


def register(cli: CommandLine) -> None:
    serve = cli.command(
        "serve",
        cmd_serve,
        help="run a headless peer until SIGINT/SIGTERM",
        needs=Needs.NETWORK,
        json_flag=False,
    )
    serve.add_argument("--listen", action="append", metavar="MULTIADDR")
    serve.add_argument("--connect", action="append", default=[], metavar="MULTIADDR")
    serve.add_argument("--no-mdns", action="store_true")
    serve.add_argument("--events", action="store_true", help="print a JSON line per batch of ops received")
    sync = cli.command(
        "sync", cmd_sync, help="reconcile shared circles with one peer, then exit", needs=Needs.NETWORK
    )
    sync.add_argument("--connect", required=True, metavar="MULTIADDR")
    sync.add_argument("--timeout", type=float, default=60.0, metavar="S", help="give up after S seconds")
    sync.add_argument("--listen", action="append", metavar="MULTIADDR")
    sync.set_defaults(no_mdns=True)  # one known peer: no need to look for others
