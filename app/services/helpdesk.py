"""The help desk: asking for help and the steps of a request (claim, answer, progress,
escalate, resolve with the answer that helped, reopen, "me too"), and what a request
looks like to the person asking.

Who may take which step is decided by the reducers for every replica alike; here the
input is checked and the refusal worded (`sync.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from app.errors import CommandError
from app.services.commands import Commands
from app.services.items import Found, as_row, find_item, my_devices, names_in, write_content
from app.services.rows import Answer, HelpRequest, HelpRequestSummary, Item
from app.services.tags import clean_tags
from sync import reads, views, writer
from sync.hlc import COUNTER_BITS
from sync.ids import OpId, SpaceId
from sync.policy import MODERATOR
from sync.reducers.helpdesk import STATUSES, HelpStatus, Status
from sync.replica import Replica
from sync.state import hidden_items

REQUEST = frozenset({"help"})
STEPS = ("claim", "escalate", "reopen", "metoo")


@dataclass(frozen=True, slots=True)
class Request:
    space: SpaceId
    item_id: OpId


async def ask(
    commands: Commands, space: SpaceId, title: str, text: str, tags: list[str], link: OpId | None = None
) -> OpId:
    if not title.strip():
        raise CommandError("A help request needs a title: say in a few words what you are stuck on.")
    fields: dict[str, Any] = {"title": title.strip(), "text": text, "tags": clean_tags(tags)}
    if link is not None:
        fields["link"] = link
    return await write_content(commands, space, "help.ask", fields)


async def find_request(commands: Commands, typed: str) -> Found:
    return await commands.database.run(
        lambda: find_item(commands.replica, typed, REQUEST, noun="help request")
    )


async def step(commands: Commands, request: Found, name: str) -> OpId:
    if name not in STEPS:
        raise ValueError(name)
    return await write_content(commands, request.space, f"help.{name}", {"request": request.item.item_id})


async def answer(commands: Commands, request: Found, text: str) -> OpId:
    if not text.strip():
        raise CommandError("An answer cannot be empty.")
    return await write_content(
        commands, request.space, "help.answer", {"request": request.item.item_id, "text": text}
    )


async def progress(commands: Commands, request: Found, text: str) -> OpId:
    if not text.strip():
        raise CommandError("A progress note cannot be empty.")
    return await write_content(
        commands, request.space, "help.progress", {"request": request.item.item_id, "text": text}
    )


async def resolve(commands: Commands, request: Found, accept: str | None) -> OpId:
    fields: dict[str, Any] = {"request": request.item.item_id}
    if accept:
        answers = (await detail(commands, request)).answers
        matches = [a for a in answers if a.id.startswith(accept.strip().lower())]
        if not matches:
            raise CommandError(f"No answer to this request has id {accept!r} (see `help show`).")
        if len(matches) > 1:
            raise CommandError(
                f"The id prefix {accept!r} matches {len(matches)} answers; give more characters."
            )
        fields["accept"] = bytes.fromhex(matches[0].id)
    return await write_content(commands, request.space, "help.resolve", fields)


def _listing(replica: Replica, space: SpaceId, status: str | None, mine: bool) -> list[HelpRequestSummary]:
    replica.refresh()
    level = writer.my_level(replica, space)
    names = names_in(replica, space)
    mine_by = my_devices(replica, space)  # a request from my other device is mine too
    return [
        as_row(
            HelpRequestSummary,
            request.item,
            names,
            **_status_fields(request.status, names),
            answers=request.answers,
        )
        for request in views.help_requests(replica.db, space, level, status=status)
        if not mine or request.item.author in mine_by
    ]


async def listing(
    commands: Commands, space: SpaceId, *, status: str | None = None, mine: bool = False
) -> list[HelpRequestSummary]:
    if status is not None and status not in STATUSES:
        raise CommandError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
    return await commands.database.run(_listing, commands.replica, space, status, mine)


class _StatusFields(TypedDict):
    """The fields a help request row adds for where it stands (`rows._HelpState`)."""

    status: HelpStatus
    claimed_by: tuple[str, ...]
    claimed_by_ids: tuple[str, ...]
    escalated: bool
    accepted_answer: str | None
    me_too: int


def _status_fields(status: Status, names: dict[bytes, str]) -> _StatusFields:
    return {
        "status": status.status,
        "claimed_by": tuple(names.get(device, device.hex()) for device in status.claimed_by),
        "claimed_by_ids": tuple(device.hex() for device in status.claimed_by),  # names may repeat
        "escalated": status.escalated,
        "accepted_answer": status.accepted.hex() if status.accepted else None,
        "me_too": len(status.me_too),
    }


def _detail(replica: Replica, request: Found) -> HelpRequest:
    replica.refresh()
    names = names_in(replica, request.space)
    shown = views.help_detail(replica.db, request.space, request.item, request.level)
    mine = my_devices(replica, request.space)  # what my other devices did counts as mine
    thanked = views.reacted_by(replica.db, request.space, mine, "thanks")
    answers = tuple(
        as_row(
            Answer,
            row,
            names,
            thanks=shown.thanks.get(row.item_id, 0),
            accepted=row.item_id == shown.status.accepted,
            thanked_by_me=row.item_id in thanked,
        )
        for row in shown.answers
    )
    progress = tuple(as_row(Item, row, names) for row in shown.progress)
    return as_row(
        HelpRequest,
        shown.request,
        names,
        **_status_fields(shown.status, names),
        answers=answers,
        progress=progress,
        me_too_by_me=bool(mine & shown.status.me_too),
    )


async def detail(commands: Commands, request: Found) -> HelpRequest:
    return await commands.database.run(_detail, commands.replica, request)


@dataclass(frozen=True, slots=True)
class HelpNews:
    """Something that happened to a help request: for desktop notifications."""

    event: str  # "asked", "answered", "escalated"; or a teacher's mark on my post: "hide", "lock", "redact"
    op_id: str  # the op that did it (hex): tell of each once
    request: str  # the request's id (hex); for a mark: the thread or request the post belongs to
    title: str
    by: str  # who did it (display name)
    by_me: bool
    for_me: bool  # the request is mine (for a mark: the post is)
    tab: str = "help"  # where `request` opens: "help" (the help desk) or "thread" (the discussion)
    item_type: str = ""  # for a mark: the post's type ("reply", "answer", "thread", …)


def _news(replica: Replica, space: SpaceId, since_ms: int) -> tuple[str, int, list[HelpNews]]:
    replica.refresh()
    db, me = replica.db, my_devices(replica, space)
    level = writer.my_level(replica, space)
    since = since_ms << COUNTER_BITS
    found = reads.help_events_since(db, space, since)
    hidden = hidden_items(db, space) if level < MODERATOR and found else set()
    names = names_in(replica, space)
    news = []
    for event, op_id, request, who in found:
        row = reads.title_and_author(db, space, request)
        if row is None or request in hidden or op_id in hidden:
            continue
        news.append(
            HelpNews(event, op_id.hex(), request.hex(), row[0], names.get(who, ""), who in me, row[1] in me)
        )
    news += _moderated(replica, space, since, me, names)
    return replica.context(space).name, level, news


def _moderated(
    replica: Replica, space: SpaceId, since: int, me: frozenset[bytes], names: dict[bytes, str]
) -> list[HelpNews]:
    """A teacher's marks on what I wrote (issue 17: the author was never told)."""
    db, devices = replica.db, replica.context(space).devices
    found = []
    for op_id, item, mark, author in reads.marks_since(db, space, since):
        brief = reads.item_brief(db, space, item)
        if brief is None:  # every mark is returned; `ui.notifications` tells of hide, lock, redact
            continue
        type_, _, text, author_device, parent = brief
        opens = parent if type_ in ("reply", "answer", "progress") and parent is not None else item
        where = reads.item_brief(db, space, opens) if opens != item else brief
        label = (where[1] if where is not None else "") or " ".join(text.split())[:60]
        who = devices.get(author)
        tab = "thread" if (where is not None and where[0] in ("thread", "reply")) else "help"
        by = names.get(who, "") if who else ""
        mine = author_device in me  # only the author is told (`ui.notifications.notices`)
        found.append(HelpNews(mark, op_id.hex(), opens.hex(), label, by, who in me, mine, tab, type_))
    return found


async def news(commands: Commands, space: SpaceId, *, since_ms: int) -> tuple[str, int, list[HelpNews]]:
    """The circle's name, my level in it, and what happened to its help requests from
    `since_ms` on (by the writers' clocks): requests asked, answers given, escalations."""
    return await commands.database.run(_news, commands.replica, space, since_ms)
