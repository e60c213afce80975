"""The typed rows that cross from the app to its clients (`ui/` and `app/cli/`): an item
(a chat line, a reply, a progress note), a thread, a help request and its answers, a
resource and its files, a note, a member, a helper, a circle. Services build them on the
database worker; views and printers read their attributes, never string keys.

Each row's `to_json()` is what the CLI's `--json` prints for it (docs/cli.md), key for
key and in the same order, so the document is the same bytes it was when rows were
dicts: optional keys (a title, tags, the moderation flags, a link…) are left out when
empty, as they always were.

Imports nothing heavy: `app.services.glance` builds `NoteSummary` rows for the first
paint, before the core's modules are imported. Values, safe on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync.ids import DeviceId

if TYPE_CHECKING:  # only a type here (it brings msgpack): the services that build rows import it
    from sync.reducers.helpdesk import HelpStatus

__all__ = [
    "Answer",
    "CircleRow",
    "Device",
    "FileProgress",
    "HelpRequest",
    "HelpRequestSummary",
    "Helper",
    "Item",
    "ItemSource",
    "Member",
    "Note",
    "NoteFile",
    "NoteLink",
    "NoteSource",
    "NoteSummary",
    "Resource",
    "ResourceFile",
    "SavedFile",
    "Thread",
    "ThreadSummary",
]

# A JSON document's values as `json.dumps` takes them (what `to_json` returns).
Json = dict[str, Any]


# -- circle items ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ItemSource:
    """Where a shared or saved item came from: circle (space) id and item id, hex."""

    circle: str
    item: str

    def to_json(self) -> Json:
        return {"circle": self.circle, "item": self.item}


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """An item of a circle as a person sees it: a chat line, a reply, a progress note, and
    the common part of every richer row below. A redacted item's `text` is empty."""

    id: str  # hex
    type: str  # "chat", "reply", "thread", "help", "answer", "progress", "resource"
    author: str  # device id, hex
    author_name: str  # "" if the circle never named the device
    created: str  # ISO 8601, UTC, seconds
    text: str
    title: str = ""
    parent: str = ""  # hex; replies only
    tags: tuple[str, ...] = ()
    hidden: bool = False
    locked: bool = False
    redacted: bool = False
    url: str = ""  # resources' link
    source: ItemSource | None = None  # a resource shared from someone's notes
    link: str = ""  # a help request's linked item (hex)

    def to_json(self) -> Json:
        data: Json = {
            "id": self.id,
            "type": self.type,
            "author": self.author,
            "author_name": self.author_name,
            "created": self.created,
            "text": self.text,
        }
        if self.title:
            data["title"] = self.title
        if self.parent:
            data["parent"] = self.parent
        if self.tags:
            data["tags"] = list(self.tags)
        if self.hidden:
            data["hidden"] = True
        if self.locked:
            data["locked"] = True
        if self.redacted:
            data["redacted"] = True
        if self.url:
            data["url"] = self.url
        if self.source is not None:
            data["source"] = self.source.to_json()
        if self.link:
            data["link"] = self.link
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadSummary(Item):
    """A thread as the list shows it: with how many replies it has."""

    replies: int

    def to_json(self) -> Json:
        return Item.to_json(self) | {"replies": self.replies}


@dataclass(frozen=True, slots=True, kw_only=True)
class Thread(Item):
    """A thread (or a resource, which takes replies too) with its replies, oldest first."""

    replies: tuple[Item, ...]

    def to_json(self) -> Json:
        return Item.to_json(self) | {"replies": [reply.to_json() for reply in self.replies]}


# -- the help desk --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class _HelpState(Item):
    """A help request with where it stands (the fold of its steps, `sync.reducers.helpdesk`)."""

    status: HelpStatus
    claimed_by: tuple[str, ...]  # display names (two members may share one)
    claimed_by_ids: tuple[str, ...]  # device ids, hex
    escalated: bool
    accepted_answer: str | None  # hex
    me_too: int

    def to_json(self) -> Json:
        return Item.to_json(self) | {
            "status": self.status.value,
            "claimed_by": list(self.claimed_by),
            "claimed_by_ids": list(self.claimed_by_ids),
            "escalated": self.escalated,
            "accepted_answer": self.accepted_answer,
            "me_too": self.me_too,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpRequestSummary(_HelpState):
    """A help request as the list shows it: with how many answers it has."""

    answers: int

    def to_json(self) -> Json:
        return _HelpState.to_json(self) | {"answers": self.answers}


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer(Item):
    """An answer to a help request, with its thanks and whether the asker accepted it."""

    thanks: int
    accepted: bool
    thanked_by_me: bool = False  # the viewer's own thanks: for the client, not in the JSON

    def to_json(self) -> Json:
        return Item.to_json(self) | {"thanks": self.thanks, "accepted": self.accepted}


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpRequest(_HelpState):
    """A help request with its answers and the asker's progress notes."""

    answers: tuple[Answer, ...]
    progress: tuple[Item, ...]
    me_too_by_me: bool = False  # the viewer said "me too": for the client, not in the JSON

    def to_json(self) -> Json:
        return _HelpState.to_json(self) | {
            "answers": [answer.to_json() for answer in self.answers],
            "progress": [note.to_json() for note in self.progress],
        }


@dataclass(frozen=True, slots=True)
class Helper:
    """How one member person helped in a circle (`sync.views.recognition`): what all of
    their devices wrote, added up."""

    device_id: str  # hex: the person's id (its first device)
    name: str
    answers: int
    accepted: int
    thanks: int

    def to_json(self) -> Json:
        return {
            "device_id": self.device_id,
            "name": self.name,
            "answers": self.answers,
            "accepted": self.accepted,
            "thanks": self.thanks,
        }


# -- the resource library -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ResourceFile:
    """A file a resource names, and whether its bytes are held here for this circle."""

    blob: str  # hex
    name: str
    size: int
    downloaded: bool

    def to_json(self) -> Json:
        return {"blob": self.blob, "name": self.name, "size": self.size, "downloaded": self.downloaded}


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource(Item):
    """A resource of the library with its files."""

    files: tuple[ResourceFile, ...]

    def to_json(self) -> Json:
        return Item.to_json(self) | {"files": [file.to_json() for file in self.files]}


@dataclass(frozen=True, slots=True)
class FileProgress:
    """How far one of a circle's files has come to this device while it arrives from a
    member: `received` of `total` bytes; `state` "arriving", then "arrived" (stored, and
    now listed as downloaded) or "stopped" (the peer left or refused midway: it is asked
    again later)."""

    space: str  # hex
    blob: str  # hex
    received: int
    total: int
    state: str = "arriving"

    @property
    def percent(self) -> int:
        return 100 if self.total <= 0 else min(100, self.received * 100 // self.total)

    def to_json(self) -> Json:
        return {
            "space": self.space,
            "blob": self.blob,
            "received": self.received,
            "total": self.total,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class SavedFile:
    """A resource's file written into a folder (`resource get`)."""

    name: str
    size: int
    path: str

    def to_json(self) -> Json:
        return {"name": self.name, "size": self.size, "path": self.path}


# -- my notes -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class NoteSummary:
    """A note as lists show it (My notes, search results, backlinks, `[[` completion)."""

    note_id: str  # hex
    title: str
    tags: tuple[str, ...]
    created: str  # ISO 8601, UTC, seconds

    def to_json(self) -> Json:
        return {
            "note_id": self.note_id,
            "title": self.title,
            "tags": list(self.tags),
            "created": self.created,
        }


@dataclass(frozen=True, slots=True)
class NoteSource:
    """Where a saved note came from: the circle (space) and the item, hex."""

    space: str
    item: str

    def to_json(self) -> Json:
        return {"space": self.space, "item": self.item}


@dataclass(frozen=True, slots=True)
class NoteFile:
    """A file a note carries (a saved resource's)."""

    blob: str  # hex
    name: str
    size: int

    def to_json(self) -> Json:
        return {"blob": self.blob, "name": self.name, "size": self.size}


@dataclass(frozen=True, slots=True)
class NoteLink:
    """A `[[Title]]` in a note's text and the notes that title names (none: dangling)."""

    title: str
    note_ids: tuple[str, ...]

    def to_json(self) -> Json:
        return {"title": self.title, "note_ids": list(self.note_ids)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Note(NoteSummary):
    """A note with its text, provenance, files, outgoing links and backlinks."""

    text: str
    source: NoteSource | None = None
    files: tuple[NoteFile, ...] | None = None  # None: the note names no files (no key printed)
    links: tuple[NoteLink, ...] = ()
    backlinks: tuple[NoteSummary, ...] = ()

    def to_json(self) -> Json:
        data = NoteSummary.to_json(self) | {"text": self.text}
        if self.source is not None:
            data["source"] = self.source.to_json()
        if self.files is not None:
            data["files"] = [file.to_json() for file in self.files]
        data["links"] = [link.to_json() for link in self.links]
        data["backlinks"] = [row.to_json() for row in self.backlinks]
        return data


# -- circles and members --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CircleRow:
    """A circle this device is (or was) in, with its role there (`circle list`)."""

    circle_id: str  # hex
    name: str
    role: str  # a role's name, "joining", or "none (left or removed)"
    description: str

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "name": self.name,
            "role": self.role,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class Member:
    """A current member *person* of a circle and its role's name (`circle members`): one
    entry however many devices the person uses. `device` is the one acted on (a role or a
    removal applies to the whole person): the person's first device while it is linked,
    else another of theirs; `devices` are all of the person's current devices."""

    device: DeviceId
    name: str
    role: str
    person: DeviceId | None = None  # the person's id (its first device); None: `device`
    devices: tuple[DeviceId, ...] = ()  # () : just `device`

    @property
    def all_devices(self) -> tuple[DeviceId, ...]:
        return self.devices or (self.device,)

    def has_device(self, device: bytes) -> bool:
        """Whether `device` is one of this person's current devices."""
        return device in self.all_devices

    def to_json(self) -> Json:
        return {
            "device_id": self.device.hex(),
            "name": self.name,
            "role": self.role,
            "person_id": (self.person or self.device).hex(),
            "devices": len(self.all_devices),
            "device_ids": [device.hex() for device in self.all_devices],
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An item of a circle found by a search (`app.services.search`)."""

    circle_id: str  # hex
    circle_name: str
    item_id: str  # hex
    type: str  # "thread", "reply", "help", "answer", "progress", "resource", "chat"
    title: str  # its own title, or its thread's or request's
    snippet: str  # one line of its text around the first word searched for
    author_name: str
    created: str  # ISO 8601, UTC, seconds
    opens: str  # hex: the thread or request to open for it (itself for those, and others)

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "circle_name": self.circle_name,
            "item_id": self.item_id,
            "type": self.type,
            "title": self.title,
            "snippet": self.snippet,
            "author_name": self.author_name,
            "created": self.created,
            "opens": self.opens,
        }


@dataclass(frozen=True, slots=True)
class Device:
    """One current device of this device's person (`device list`): the circles it is in
    through the person, and whether it is the device asking."""

    device: DeviceId
    name: str  # as that device told us when linked; else the person's name
    this: bool
    circles: int

    def to_json(self) -> Json:
        return {"device_id": self.device.hex(), "name": self.name, "this": self.this, "circles": self.circles}
