"""Command groups: discussion threads (`thread new|list|show`), `reply`, the circle
chat (`chat CIRCLE TEXT`, `chat log CIRCLE`), `thank`, and teachers' moderation (`mod`).
"""

from __future__ import annotations

import argparse

from app.cli.base import CommandLine, emit
from app.errors import CommandError
from app.services import discussion
from app.services.commands import Commands


async def cmd_thread_new(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    item = await discussion.new_thread(commands, space, args.title, args.body, args.tag)
    emit(args, {"thread_id": item.hex()}, item.hex())


async def cmd_thread_list(args: argparse.Namespace, commands: Commands) -> None:
    space = await commands.resolve_circle(args.circle)
    rows = (await discussion.threads(commands, space)).rows[::-1]  # oldest first, as printed always
    lines = [
        f"{r.id[:12]}  {r.title}  — {r.author_name}, {r.replies} replies"
        + "".join(f" [{flag}]" for flag in ("hidden", "locked") if getattr(r, flag))
        for r in rows
    ]
    emit(args, {"circle_id": space.hex(), "threads": [r.to_json() for r in rows]}, "\n".join(lines))


async def cmd_thread_show(args: argparse.Namespace, commands: Commands) -> None:
    target = await discussion.find(commands, args.thread, frozenset({"thread", "resource"}), "thread")
    data = await discussion.thread(commands, target)
    lines = [f"{data.title}  — {data.author_name}", data.text]
    for reply in data.replies:
        flags = "".join(f" [{flag}]" for flag in ("hidden", "redacted") if getattr(reply, flag))
        lines.append(f"\n{reply.id[:12]}  {reply.author_name}{flags}\n{reply.text}")
    emit(args, data.to_json(), "\n".join(lines))


async def cmd_reply(args: argparse.Namespace, commands: Commands) -> None:
    target = await discussion.find(commands, args.item)
    reply = await discussion.reply(commands, target, args.body)
    emit(args, {"reply_id": reply.hex()}, reply.hex())


async def cmd_chat(args: argparse.Namespace, commands: Commands) -> None:
    words = list(args.words)
    if words[0] == "log":
        if len(words) != 2:
            raise CommandError("Usage: chat log CIRCLE")
        space = await commands.resolve_circle(words[1])
        rows = await discussion.chat_log(commands, space, args.limit)
        lines = [f"{r.created[11:16]}  {r.author_name}: {r.text}" for r in rows]
        emit(args, {"circle_id": space.hex(), "messages": [r.to_json() for r in rows]}, "\n".join(lines))
        return
    if len(words) < 2:
        raise CommandError("Usage: chat CIRCLE TEXT (or chat log CIRCLE)")
    space = await commands.resolve_circle(words[0])
    message = await discussion.chat(commands, space, " ".join(words[1:]))
    emit(args, {"message_id": message.hex()}, "")


async def cmd_thank(args: argparse.Namespace, commands: Commands) -> None:
    target = await discussion.find(commands, args.item)
    await discussion.thank(commands, target, on=not args.undo)
    emit(args, {"item_id": target.item.item_id.hex(), "thanked": not args.undo}, "")


def _moderate(action: str, done: str):
    async def handler(args: argparse.Namespace, commands: Commands) -> None:
        target = await discussion.find(commands, args.item)
        op = await discussion.moderate(commands, target, action)
        emit(args, {"item_id": target.item.item_id.hex(), "op_id": op.hex()}, done)

    return handler


def register(cli: CommandLine) -> None:
    cli.group("thread", help="discussion threads")
    new = cli.command("thread new", cmd_thread_new, help="start a discussion thread")
    new.add_argument("circle")
    new.add_argument("--title", required=True)
    new.add_argument("--body", default="")
    new.add_argument("--tag", action="append", default=[], metavar="TAG")
    cli.command("thread list", cmd_thread_list, help="threads of a circle").add_argument("circle")
    cli.command("thread show", cmd_thread_show, help="a thread with its replies").add_argument("thread")

    reply = cli.command("reply", cmd_reply, help="reply to a thread or resource (on a help request: answer)")
    reply.add_argument("item")
    reply.add_argument("--body", required=True)

    chat = cli.command("chat", cmd_chat, help="`chat CIRCLE TEXT` says something; `chat log CIRCLE` shows it")
    chat.add_argument("words", nargs="+", metavar="CIRCLE TEXT | log CIRCLE")
    chat.add_argument("--limit", type=int, default=200, help="chat log: how many of the last messages")

    thank = cli.command("thank", cmd_thank, help="thank someone for a post or answer that helped")
    thank.add_argument("item")
    thank.add_argument("--undo", action="store_true")

    cli.group("mod", help="moderation by teachers")
    for action, done in (
        ("hide", "Hidden from everyone but teachers."),
        ("unhide", "Shown again."),
        ("lock", "Locked: no new replies or answers."),
        ("unlock", "Unlocked."),
        ("redact", "Redacted: its text is no longer shown to anyone."),
    ):
        cli.command(f"mod {action}", _moderate(action, done), help=f"{action} an item").add_argument("item")
