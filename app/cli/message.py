"""Command group: direct messages between two members of a shared circle — start a
conversation (offered sealed, like a pair), list, send, read (docs/cli.md, "Direct messages")."""

from __future__ import annotations

import argparse

from app.cli.base import CommandLine, emit
from app.cli.network import serving_addresses
from app.services import coaching, messages
from app.services.commands import Commands


async def cmd_start(args: argparse.Namespace, commands: Commands) -> None:
    circle = await commands.resolve_circle(args.circle)
    addresses = serving_addresses(args.home_path)
    conversation, offer = await coaching.propose(
        commands, circle, args.member, purpose="direct", addresses=addresses
    )
    if args.text:
        await messages.send(commands, conversation, args.text)
    emit(args, {"conversation_id": conversation.hex(), "offer_id": offer.hex()},
         f"Conversation {conversation.hex()[:12]} offered; they read it once they join.")  # fmt: skip


async def cmd_list(args: argparse.Namespace, commands: Commands) -> None:
    rows = await messages.conversations(commands)
    emit(args, {"conversations": [{"conversation_id": s.hex(), "name": n} for s, n in rows]},
         "\n".join(f"{s.hex()[:12]}  {n}" for s, n in rows) or "No conversations yet.")  # fmt: skip


async def cmd_send(args: argparse.Namespace, commands: Commands) -> None:
    conversation = await messages.resolve(commands, args.conversation)
    op = await messages.send(commands, conversation, args.text)
    emit(args, {"message_id": op.hex()}, "Sent.")


async def cmd_read(args: argparse.Namespace, commands: Commands) -> None:
    conversation = await messages.resolve(commands, args.conversation)
    rows = await messages.read(commands, conversation)
    text = "\n".join(f"{r.created}  {r.author_name}: {r.text}" for r in rows) or "No messages yet."
    emit(args, {"conversation_id": conversation.hex(), "messages": [r.to_json() for r in rows]}, text)


def register(cli: CommandLine) -> None:
    cli.group("message", help="direct messages with a member of a shared circle")
    start = cli.command("message start", cmd_start, help="start a conversation with a member")
    start.add_argument("circle")
    start.add_argument("member")
    start.add_argument("--text", default="")
    cli.command("message list", cmd_list, help="your conversations")
    send = cli.command("message send", cmd_send, help="send a message in a conversation")
    send.add_argument("conversation")
    send.add_argument("text")
    cli.command("message read", cmd_read, help="a conversation's messages").add_argument("conversation")
