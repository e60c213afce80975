"""Body schemas of the content kinds: discussion, chat, resources, help requests,
reactions, moderation and personal notes.

Each kind's body is a canonical msgpack map; its parser returns a frozen value or
refuses the op with BAD_CONTENT. Which role may write a kind, and what it refers to,
is the reducers' business (`sync.reducers`); here is only what a well-formed body is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import fields as f
from sync.errors import Reason, Rejected
from sync.ids import HASH_LEN, OpId, SpaceId

MAX_FILES = 16
MAX_FILE_BYTES = 50 * 1024 * 1024
REACTIONS = frozenset({"thanks", "like", "insightful", "same"})


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file kept as a blob addressed by the hash of its bytes."""

    blob: bytes
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class Source:
    """Where a shared or saved item came from (provenance)."""

    space: SpaceId
    item: OpId


@dataclass(frozen=True, slots=True)
class ItemPut:
    """item.put: a discussion thread."""

    title: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """item.reply: a reply to a thread, a resource or another reply."""

    parent: OpId
    text: str


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """item.edit: the author's new title, text and tags for their item, replacing all three."""

    item: OpId
    title: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemRef:
    """item.delete and the moderation kinds: an act on one item."""

    item: OpId


@dataclass(frozen=True, slots=True)
class ChatLine:
    text: str


@dataclass(frozen=True, slots=True)
class Resource:
    """resource.add: a link, a note or files in the circle's library."""

    title: str
    text: str
    url: str
    tags: tuple[str, ...]
    files: tuple[FileRef, ...]
    source: Source | None


@dataclass(frozen=True, slots=True)
class HelpAsk:
    """help.ask: a learner's problem, optionally linked to a task or resource."""

    title: str
    text: str
    tags: tuple[str, ...]
    link: OpId | None


@dataclass(frozen=True, slots=True)
class HelpText:
    """help.answer (by a helper) and help.progress (by the learner)."""

    request: OpId
    text: str


@dataclass(frozen=True, slots=True)
class HelpStep:
    """help.claim, help.escalate, help.reopen and help.metoo."""

    request: OpId


@dataclass(frozen=True, slots=True)
class HelpResolve:
    """help.resolve: the learner closes the request, naming the answer that helped."""

    request: OpId
    accept: OpId | None


@dataclass(frozen=True, slots=True)
class Reaction:
    """react.set: this author's reaction on an item, on or off."""

    item: OpId
    reaction: str
    on: bool


@dataclass(frozen=True, slots=True)
class NotePut:
    """note.put: a Markdown note in a personal store; `[[links]]` live in the text."""

    title: str
    text: str
    tags: tuple[str, ...]
    files: tuple[FileRef, ...]
    source: Source | None


def _files(fields: dict[str, Any]) -> tuple[FileRef, ...]:
    value = fields.get("files", [])
    if not isinstance(value, list) or len(value) > MAX_FILES:
        raise Rejected(Reason.BAD_CONTENT, f"files must be a list of at most {MAX_FILES}")
    refs = []
    for entry in value:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], bytes)
            and len(entry[0]) == HASH_LEN
            and isinstance(entry[1], str)
            and 0 < len(entry[1]) <= f.MAX_NAME
            and type(entry[2]) is int
            and 0 <= entry[2] <= MAX_FILE_BYTES
        ):
            raise Rejected(Reason.BAD_CONTENT, "a file is [blob hash, name, size up to 50 MiB]")
        refs.append(FileRef(entry[0], entry[1], entry[2]))
    return tuple(refs)


def _source(fields: dict[str, Any]) -> Source | None:
    value = fields.get("source")
    if value is None:
        return None
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(part, bytes) and len(part) == HASH_LEN for part in value)
    ):
        raise Rejected(Reason.BAD_CONTENT, "source is [space id, item id]")
    return Source(SpaceId(value[0]), OpId(value[1]))


def _url(fields: dict[str, Any]) -> str:
    url = f.optional_text(fields, "url", f.MAX_URL)
    if url and not url.startswith(("https://", "http://")):
        raise Rejected(Reason.BAD_CONTENT, "a link must start with http:// or https://")
    return url


def _title(fields: dict[str, Any]) -> str:
    return f.text(fields, "title", f.MAX_TITLE, empty_ok=False)


def _body_text(fields: dict[str, Any]) -> str:
    return f.text(fields, "text", f.MAX_TEXT)


def _item_put(fields: dict[str, Any]) -> ItemPut:
    return ItemPut(_title(fields), _body_text(fields), f.tags(fields))


def _reply(fields: dict[str, Any]) -> Reply:
    return Reply(f.op_ref(fields, "parent"), f.text(fields, "text", f.MAX_TEXT, empty_ok=False))


def _item_edit(fields: dict[str, Any]) -> ItemEdit:
    return ItemEdit(
        f.op_ref(fields, "item"),
        f.text(fields, "title", f.MAX_TITLE),
        _body_text(fields),
        f.tags(fields),
    )


def _item_ref(fields: dict[str, Any]) -> ItemRef:
    return ItemRef(f.op_ref(fields, "item"))


def _chat(fields: dict[str, Any]) -> ChatLine:
    return ChatLine(f.text(fields, "text", 10_000, empty_ok=False))


def _resource(fields: dict[str, Any]) -> Resource:
    resource = Resource(
        _title(fields), _body_text(fields), _url(fields), f.tags(fields), _files(fields), _source(fields)
    )
    if not (resource.text.strip() or resource.url or resource.files):
        raise Rejected(Reason.BAD_CONTENT, "a resource needs a link, a text or a file")
    return resource


def _help_ask(fields: dict[str, Any]) -> HelpAsk:
    return HelpAsk(_title(fields), _body_text(fields), f.tags(fields), f.optional_ref(fields, "link"))


def _help_text(fields: dict[str, Any]) -> HelpText:
    return HelpText(f.op_ref(fields, "request"), f.text(fields, "text", f.MAX_TEXT, empty_ok=False))


def _help_step(fields: dict[str, Any]) -> HelpStep:
    return HelpStep(f.op_ref(fields, "request"))


def _help_resolve(fields: dict[str, Any]) -> HelpResolve:
    return HelpResolve(f.op_ref(fields, "request"), f.optional_ref(fields, "accept"))


def _reaction(fields: dict[str, Any]) -> Reaction:
    reaction, on = fields.get("reaction"), fields.get("on")
    if not isinstance(reaction, str) or reaction not in REACTIONS or type(on) is not bool:
        raise Rejected(Reason.BAD_CONTENT, f"a reaction is one of {sorted(REACTIONS)}, on or off")
    return Reaction(f.op_ref(fields, "item"), reaction, on)


def _note(fields: dict[str, Any]) -> NotePut:
    return NotePut(_title(fields), _body_text(fields), f.tags(fields), _files(fields), _source(fields))


HELP_STEPS = ("help.claim", "help.escalate", "help.reopen", "help.metoo")
MODERATION = ("mod.hide", "mod.unhide", "mod.lock", "mod.unlock", "mod.redact")

PARSERS = {
    "item.put": _item_put,
    "item.reply": _reply,
    "item.edit": _item_edit,
    "item.delete": _item_ref,
    "chat.say": _chat,
    "resource.add": _resource,
    "help.ask": _help_ask,
    "help.answer": _help_text,
    "help.progress": _help_text,
    **{kind: _help_step for kind in HELP_STEPS},
    "help.resolve": _help_resolve,
    "react.set": _reaction,
    **{kind: _item_ref for kind in MODERATION},
    "note.put": _note,
}
