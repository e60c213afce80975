"""`studycircle` — the command line: a headless peer, scripting, and testing without a screen.

Every command that shows data takes `--json` and then prints exactly one JSON document
on stdout. Errors go to stderr as one line, with a non-zero exit code. Commands that do
not need the network run the core on an in-process network with no peers.

Usage: see `studycircle --help` and docs/cli.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import trio

from app import identity
from app.clock import SystemClock
from app.commands import CommandError, Commands
from app.database import Database
from app.identity import IdentityError
from app.paths import data_home, database_path

SERVING_FILE = "serving.json"


def _print(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    print(json.dumps(document) if args.json else text, flush=True)


def _serving_addresses(home: Path) -> list[str]:
    try:
        return list(json.loads((home / SERVING_FILE).read_text())["listen"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


# -- commands ----------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace, home: Path) -> None:
    me = identity.create(home, args.name)
    _print(args, {"name": me.name, "device_id": me.key.device_id.hex()}, f"Created {me.name} in {home}")


async def cmd_whoami(args: argparse.Namespace, core: Commands) -> None:
    from p2p.identity import peer_id_from_seed

    me = core.identity
    document = {
        "name": me.name,
        "device_id": me.key.device_id.hex(),
        "peer_id": peer_id_from_seed(me.key.seed),
    }
    _print(args, document, f"{me.name}\ndevice {document['device_id']}\npeer   {document['peer_id']}")


async def cmd_circle_create(args: argparse.Namespace, core: Commands) -> None:
    space = await core.create_circle(args.name)
    _print(args, {"circle_id": space.hex()}, space.hex())


async def cmd_circle_list(args: argparse.Namespace, core: Commands) -> None:
    rows = [{"circle_id": space.hex(), "name": name} for space, name in await core.circles()]
    _print(args, {"circles": rows}, "\n".join(f"{r['circle_id'][:12]}  {r['name']}" for r in rows))


async def cmd_circle_invite(args: argparse.Namespace, core: Commands) -> None:
    space = await core.resolve_circle(args.circle)
    code = await core.invite(
        space,
        role=args.role,
        uses=args.uses,
        expires_hours=args.expires_hours,
        addresses=_serving_addresses(args.home_path),
    )
    _print(args, {"code": code}, code)


async def cmd_circle_join(args: argparse.Namespace, core: Any) -> None:
    space = await core.join(args.code, timeout=args.timeout)
    _print(args, {"circle_id": space.hex()}, f"Joined {space.hex()}")


async def cmd_circle_state(args: argparse.Namespace, core: Commands) -> None:
    space = await core.resolve_circle(args.circle)
    state = await core.state(space)
    document = {"state_hash": state.state_hash, "ops": state.ops, "frontier": state.frontier}
    _print(args, document, f"{state.state_hash}  ({state.ops} ops)")


async def cmd_thread_new(args: argparse.Namespace, core: Commands) -> None:
    space = await core.resolve_circle(args.circle)
    item = await core.post(space, args.title, args.body)
    _print(args, {"thread_id": item.hex()}, item.hex())


async def cmd_sync(args: argparse.Namespace, core: Any) -> None:
    peer = await core.host.connect(args.connect)
    total = 0
    for space in await core.database.run(core.database.replica.spaces):
        report = await core.sync.reconcile(peer, space)
        total += report.ops_accepted
    _print(args, {"peer_id": peer, "ops_received": total}, f"Synced with {peer}: {total} new ops")


async def cmd_serve(args: argparse.Namespace, core: Any) -> None:
    from p2p.errors import P2PError

    for address in args.connect:
        try:
            await core.host.connect(address)
        except P2PError as error:
            print(f"studycircle: could not connect to {address}: {error}", file=sys.stderr, flush=True)
    listen = list(core.host.listen_addrs())
    (args.home_path / SERVING_FILE).write_text(json.dumps({"listen": listen}))
    print(json.dumps({"peer_id": core.host.peer_id, "listen": listen}), flush=True)
    if args.events:  # one line per batch of ops admitted from peers; time.time() when stored
        core.sync.add_listener(
            lambda changes: print(
                json.dumps(
                    {
                        "event": "ops",
                        "circle_id": changes.space.hex(),
                        "ops": [op_id.hex() for op_id in changes.added],
                        "time": time.time(),
                    }
                ),
                flush=True,
            )
        )
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            break
    (args.home_path / SERVING_FILE).unlink(missing_ok=True)


# -- plumbing ----------------------------------------------------------------------------
NETWORKED = {cmd_serve, cmd_sync, cmd_circle_join}


async def _run(args: argparse.Namespace, command: Callable[..., Coroutine[Any, Any, None]]) -> None:
    if command not in NETWORKED:  # files only: no network stack to start (or import)
        me = identity.load(args.home_path)
        database = Database(database_path(args.home_path), me.key)
        try:
            await command(args, Commands(database=database, identity=me, clock=SystemClock()))
        finally:
            database.close()
        return
    from app.core import Core
    from p2p.config import HostConfig
    from p2p.host import Libp2pNetwork

    listen = tuple(args.listen or ()) or ("/ip4/0.0.0.0/tcp/0",)
    mdns = not getattr(args, "no_mdns", False) and command is not cmd_sync
    config = HostConfig(listen_addrs=listen, mdns=mdns)
    async with Core.open(home=args.home_path, network=Libp2pNetwork(), host_config=config) as core:
        await command(args, core)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studycircle", description="StudyCircle: peer-assisted learning, no server."
    )
    parser.add_argument("--home", help="data directory (default: $STUDYCIRCLE_HOME or the platform's)")
    parser.add_argument("--version", action="version", version="studycircle 0.1.0")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Any, *, json_flag: bool = True, parent: Any = commands, **kw: Any) -> Any:
        sub = parent.add_parser(name, **kw)
        sub.set_defaults(handler=handler)
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON document")
        return sub

    init = add("init", cmd_init, help="create this device's identity")
    init.add_argument("--name", required=True)
    add("whoami", cmd_whoami, help="show name, device id and peer id")
    serve = add("serve", cmd_serve, json_flag=False, help="run a headless peer until SIGINT/SIGTERM")
    serve.add_argument("--listen", action="append", metavar="MULTIADDR")
    serve.add_argument("--connect", action="append", default=[], metavar="MULTIADDR")
    serve.add_argument("--no-mdns", action="store_true")
    serve.add_argument("--events", action="store_true", help="print a JSON line per batch of ops received")
    sync = add("sync", cmd_sync, help="reconcile shared circles with one peer, then exit")
    sync.add_argument("--connect", required=True, metavar="MULTIADDR")
    sync.add_argument("--listen", action="append", metavar="MULTIADDR")

    circle = commands.add_parser("circle", help="circles").add_subparsers(
        dest="circle_command", required=True
    )
    create = add("create", cmd_circle_create, parent=circle)
    create.add_argument("name")
    add("list", cmd_circle_list, parent=circle)
    invite = add("invite", cmd_circle_invite, parent=circle)
    invite.add_argument("circle")
    invite.add_argument("--role", default="member", choices=["member", "mentor", "teacher"])
    invite.add_argument("--uses", type=int, default=1)
    invite.add_argument("--expires-hours", type=float, default=72.0)
    join = add("join", cmd_circle_join, parent=circle)
    join.add_argument("code")
    join.add_argument("--timeout", type=float, default=60.0)
    join.add_argument("--listen", action="append", metavar="MULTIADDR")
    join.add_argument("--no-mdns", action="store_true")
    state = add("state", cmd_circle_state, parent=circle)
    state.add_argument("circle")

    thread = commands.add_parser("thread", help="discussion threads").add_subparsers(
        dest="thread_command", required=True
    )
    new = add("new", cmd_thread_new, parent=thread)
    new.add_argument("circle")
    new.add_argument("--title", required=True)
    new.add_argument("--body", default="")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.home_path = data_home(args.home)
    logging.basicConfig(level=os.environ.get("STUDYCIRCLE_LOG", "WARNING"), stream=sys.stderr)
    try:
        if args.handler is cmd_init:
            cmd_init(args, args.home_path)
        else:
            trio.run(_run, args, args.handler)
    except (CommandError, IdentityError) as error:
        print(f"studycircle: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        if type(error).__module__.startswith("p2p"):  # network errors are worded for people
            print(f"studycircle: {error}", file=sys.stderr)
            return 1
        raise
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
