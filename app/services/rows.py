"""The typed rows that cross from the app to its clients (`ui/` and `app/cli/`): an item
(a chat line, a reply, a progress note), a thread, a help request and its answers, a
resource and its files, a note, a member, a helper, a circle. Services build them on the
database worker; views and printers read their attributes, never string keys.

Each row's `to_json()` is what the CLI's `--json` prints for it (docs/cli.md), key for
key and in the same order, so the document is the same bytes it was when rows were
dicts: optional keys (a title, tags, the moderation flags, a link…) are left out when
empty, as they always were.

Imports nothing heavy, but its many dataclasses take ~100 ms to make, so it is not
imported before the first paint: the rows `app.services.glance` builds (`NoteSummary`)
live in `app.services.glance_rows` and are re-exported here under the same names.
Values, safe on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.services.glance_rows import NoteSummary as NoteSummary
from sync.ids import DeviceId

if TYPE_CHECKING:  # only a type here (it brings msgpack): the services that build rows import it
    from sync.reducers.helpdesk import HelpStatus

__all__ = [
    "Answer",
    "AssessNews",
    "AssignmentDetail",
    "AssignmentSummary",
    "BoardRow",
    "CalibrationRow",
    "CircleRow",
    "CoachCycle",
    "CoachFeedback",
    "CoachGoal",
    "CoachObservation",
    "CoachOffer",
    "CoachProfile",
    "CriterionRow",
    "DeskProgress",
    "DeskRequest",
    "DeskStuck",
    "DeskView",
    "Device",
    "DirectMessage",
    "FileProgress",
    "GradeEntry",
    "HelpRequest",
    "HelpRequestSummary",
    "Helper",
    "Item",
    "ItemSource",
    "Member",
    "MyVersion",
    "Note",
    "NoteFile",
    "NoteLink",
    "NoteSource",
    "NoteSummary",
    "PairSummary",
    "ProgressBoard",
    "ReceivedReview",
    "RecognitionCircle",
    "RecognitionPage",
    "Resource",
    "ResourceFile",
    "ReviewTask",
    "SavedFile",
    "SurveyQuestionResult",
    "SurveyResults",
    "SurveySummary",
    "Thread",
    "ThreadSummary",
    "WrittenReview",
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
# NoteSummary: in app.services.glance_rows (the first paint builds it), imported above.


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


# -- assignments and peer assessment -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One rubric line: points 0..max, or named levels (a score is the level's index)."""

    name: str
    description: str
    max: int
    levels: tuple[str, ...]
    weight: int

    def to_json(self) -> Json:
        return {
            "name": self.name,
            "description": self.description,
            "max": self.max,
            "levels": list(self.levels),
            "weight": self.weight,
        }


@dataclass(frozen=True, slots=True)
class AssignmentSummary:
    assignment_id: str
    title: str
    phase: str
    round: int

    def to_json(self) -> Json:
        return {
            "assignment_id": self.assignment_id,
            "title": self.title,
            "phase": self.phase,
            "round": self.round,
        }


@dataclass(frozen=True, slots=True)
class AssignmentDetail:
    assignment_id: str
    circle_id: str
    title: str
    brief: str
    phase: str
    round: int
    criteria: tuple[CriterionRow, ...]
    reviewers: int
    rounds: int
    peer_weight: int
    submissions: int
    my_version: int  # 0: not submitted
    due: tuple[tuple[str, int], ...] = ()  # (phase, when, ms): the teacher's due dates

    def to_json(self) -> Json:
        return {
            "assignment_id": self.assignment_id,
            "circle_id": self.circle_id,
            "title": self.title,
            "brief": self.brief,
            "phase": self.phase,
            "round": self.round,
            "criteria": [c.to_json() for c in self.criteria],
            "reviewers": self.reviewers,
            "rounds": self.rounds,
            "peer_weight": self.peer_weight,
            "submissions": self.submissions,
            "my_version": self.my_version,
            "due": [[phase, ms] for phase, ms in self.due],
        }


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """A submission allocated to me in the current round; in a later round, what changed
    since the version I reviewed before (`diff`, unified) and the author's note."""

    submission_id: str
    version: int
    status: str  # "todo" | "done"
    text: str
    note: str
    previous_version: int  # 0: not reviewed by me before
    diff: str
    files: tuple[SubmittedFile, ...] = ()  # attached to the version (a PDF, an image)

    def to_json(self) -> Json:
        return {
            "submission_id": self.submission_id,
            "version": self.version,
            "status": self.status,
            "text": self.text,
            "note": self.note,
            "previous_version": self.previous_version,
            "diff": self.diff,
            "files": [file.to_json() for file in self.files],
        }


@dataclass(frozen=True, slots=True)
class ReceivedReview:
    """A review of my work: never who wrote it."""

    review_id: str
    round: int
    version: int
    scores: dict[str, int]
    comment: str
    notes: dict[str, str]
    helpful: int  # my rating, 0 if none

    def to_json(self) -> Json:
        return {
            "review_id": self.review_id,
            "round": self.round,
            "version": self.version,
            "scores": dict(self.scores),
            "comment": self.comment,
            "notes": dict(self.notes),
            "helpful": self.helpful,
        }


@dataclass(frozen=True, slots=True)
class GradeEntry:
    """One student's line of the gradebook (grades 0..100; None where there is none yet)."""

    name: str
    submission_id: str
    versions: int
    peer: float | None
    reviewing: float | None
    suggested: float | None
    grade: int | None
    comment: str

    def to_json(self) -> Json:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "name": self.name,
            "submission_id": self.submission_id,
            "versions": self.versions,
            "peer": rounded(self.peer),
            "reviewing": rounded(self.reviewing),
            "suggested": rounded(self.suggested),
            "grade": self.grade,
            "comment": self.comment,
        }


# -- the teacher's desk (app.services.desk) -------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeskRequest:
    """An unresolved help request on a teacher's or mentor's desk, with its age."""

    circle_id: str
    circle: str
    request_id: str
    title: str
    asker: str
    asker_id: str  # device id, hex (names may repeat)
    status: str  # "open", "claimed" or "escalated"
    escalated: bool
    claimed_by_me: bool
    answers: int
    age_ms: int  # since it was asked, by the asker's clock
    assignment_id: str  # "" unless linked to an assignment
    assignment: str  # that assignment's title

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "circle": self.circle,
            "request_id": self.request_id,
            "title": self.title,
            "asker": self.asker,
            "asker_id": self.asker_id,
            "status": self.status,
            "escalated": self.escalated,
            "claimed_by_me": self.claimed_by_me,
            "answers": self.answers,
            "age_ms": self.age_ms,
            "assignment_id": self.assignment_id,
            "assignment": self.assignment,
        }


@dataclass(frozen=True, slots=True)
class DeskProgress:
    """Where one assignment stands: submissions, and reviews in its latest review round."""

    circle_id: str
    circle: str
    assignment_id: str
    title: str
    phase: str
    round: int
    students: int
    submitted: int
    reviews_done: int  # in the latest review round opened (0 before one)
    reviews_allocated: int
    late: int  # reviews not done in an open round whose due date has passed
    requests: int  # unresolved help requests linked to it

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "circle": self.circle,
            "assignment_id": self.assignment_id,
            "title": self.title,
            "phase": self.phase,
            "round": self.round,
            "students": self.students,
            "submitted": self.submitted,
            "reviews_done": self.reviews_done,
            "reviews_allocated": self.reviews_allocated,
            "late": self.late,
            "requests": self.requests,
        }


@dataclass(frozen=True, slots=True)
class DeskStuck:
    """A member waiting for help: their unresolved requests in one circle, the oldest's age."""

    circle_id: str
    circle: str
    device: str  # the asker's device id, hex
    name: str
    waiting: int  # unresolved requests without an accepted answer
    unanswered: int  # of those, with no answer at all
    oldest_ms: int
    request_id: str  # the oldest one (what a click opens)

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "circle": self.circle,
            "device": self.device,
            "name": self.name,
            "waiting": self.waiting,
            "unanswered": self.unanswered,
            "oldest_ms": self.oldest_ms,
            "request_id": self.request_id,
        }


@dataclass(frozen=True, slots=True)
class DeskView:
    """Everything on the desk: across the circles where I am a teacher or mentor."""

    circles: int  # how many circles it covers
    circle_ids: tuple[str, ...]  # which (hex)
    requests: tuple[DeskRequest, ...]  # oldest first
    progress: tuple[DeskProgress, ...]  # teachers only
    stuck: tuple[DeskStuck, ...]  # waiting longest first

    def to_json(self) -> Json:
        return {
            "circles": self.circles,
            "circle_ids": list(self.circle_ids),
            "requests": [r.to_json() for r in self.requests],
            "progress": [p.to_json() for p in self.progress],
            "stuck": [s.to_json() for s in self.stuck],
        }


# -- a teacher's progress board (app.services.assessment_board) ------------------------------
@dataclass(frozen=True, slots=True)
class BoardRow:
    """One student on the board: their work, and reviews in the latest review round."""

    name: str
    person: str  # hex
    submission_id: str  # "" if nothing submitted
    version: int  # the latest (0: none)
    received: int  # reviews of their work written
    expected: int  # reviewers allocated to it
    given: int  # reviews they wrote (known on a teacher's device only)
    owed: int  # reviews allocated to them

    def to_json(self) -> Json:
        return {
            "name": self.name,
            "person": self.person,
            "submission_id": self.submission_id,
            "version": self.version,
            "received": self.received,
            "expected": self.expected,
            "given": self.given,
            "owed": self.owed,
        }


@dataclass(frozen=True, slots=True)
class ProgressBoard:
    """Where an assignment stands, for the teacher deciding to open its next phase."""

    phase: str
    round: int
    rounds: int
    reviewers: int
    next_phase: str | None
    students: int
    submitted: int
    revised: int  # submissions with a version newer than the one last allocated
    allocated: int  # reviews allocated in the latest review round
    done: int  # of those, written
    rows: tuple[BoardRow, ...]

    def to_json(self) -> Json:
        return {
            "phase": self.phase,
            "round": self.round,
            "rounds": self.rounds,
            "reviewers": self.reviewers,
            "next_phase": self.next_phase,
            "students": self.students,
            "submitted": self.submitted,
            "revised": self.revised,
            "allocated": self.allocated,
            "done": self.done,
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass(frozen=True, slots=True)
class MyVersion:
    """A version of my own submission."""

    version: int
    text: str
    note: str  # what changed (from version 2 on)
    created: str  # ISO time, UTC
    files: tuple[SubmittedFile, ...] = ()  # attached to the version (a PDF, an image)

    def to_json(self) -> Json:
        return {
            "version": self.version,
            "text": self.text,
            "note": self.note,
            "created": self.created,
            "files": [file.to_json() for file in self.files],
        }


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    """After a round: my scores of a work beside the other reviewers' (never who they are)."""

    submission_id: str
    round: int
    mine: dict[str, int]
    others: tuple[dict[str, int], ...]

    def to_json(self) -> Json:
        return {
            "submission_id": self.submission_id,
            "round": self.round,
            "mine": dict(self.mine),
            "others": [dict(o) for o in self.others],
        }


@dataclass(frozen=True, slots=True)
class WrittenReview:
    """A review as a teacher sees it: with who wrote it and whose work it is."""

    review_id: str
    round: int
    submission_id: str
    version: int
    author: str  # whose work
    writer: str  # who reviewed it
    scores: dict[str, int]
    comment: str
    notes: dict[str, str]
    helpful: int  # the author's rating, 0 if none
    flagged: bool

    def to_json(self) -> Json:
        return {
            "review_id": self.review_id,
            "round": self.round,
            "submission_id": self.submission_id,
            "version": self.version,
            "author": self.author,
            "writer": self.writer,
            "scores": dict(self.scores),
            "comment": self.comment,
            "notes": dict(self.notes),
            "helpful": self.helpful,
            "flagged": self.flagged,
        }


@dataclass(frozen=True, slots=True)
class AssessNews:
    """Something about an assignment that is news to me (`app.services.assessment_news`)."""

    event: str  # "phase", "review_assigned", "feedback" or "graded"
    op_id: str  # the op (hex): told of once
    assignment_id: str
    title: str
    phase: str  # for "phase" and "review_assigned"
    round: int
    reviews: int  # for "review_assigned": how many are mine to write

    def to_json(self) -> Json:
        return {
            "event": self.event,
            "op_id": self.op_id,
            "assignment_id": self.assignment_id,
            "title": self.title,
            "phase": self.phase,
            "round": self.round,
            "reviews": self.reviews,
        }


@dataclass(frozen=True, slots=True)
class RecognitionCircle:
    """What a person did in one circle (`app.services.recognition`)."""

    circle_id: str
    circle: str
    answers: int
    accepted: int
    thanks: int
    reviews: int  # reviews written (where this device may link them to the person)
    helpful: float | None  # the mean helpfulness (1..5) their authors gave those reviews

    def to_json(self) -> Json:
        return {
            "circle_id": self.circle_id,
            "circle": self.circle,
            "answers": self.answers,
            "accepted": self.accepted,
            "thanks": self.thanks,
            "reviews": self.reviews,
            "helpful": self.helpful,
        }


@dataclass(frozen=True, slots=True)
class RecognitionPage:
    """A person's contributions across the circles where this device may see them."""

    device_id: str
    name: str
    mine: bool
    circles: tuple[RecognitionCircle, ...]

    def to_json(self) -> Json:
        return {
            "device_id": self.device_id,
            "name": self.name,
            "mine": self.mine,
            "circles": [c.to_json() for c in self.circles],
        }


# -- peer coaching, surveys and direct messages (issue 18) ---------------------------------
@dataclass(frozen=True, slots=True)
class CoachProfile:
    """A circle member's coaching profile: what they can help with, what they want to work on."""

    device: DeviceId
    name: str
    can_help: tuple[str, ...]
    can_help_text: str
    wants: tuple[str, ...]
    wants_text: str

    def to_json(self) -> Json:
        return {
            "device_id": self.device.hex(),
            "name": self.name,
            "can_help": list(self.can_help),
            "can_help_text": self.can_help_text,
            "wants": list(self.wants),
            "wants_text": self.wants_text,
        }


@dataclass(frozen=True, slots=True)
class CoachOffer:
    """An offer to me (a pair or a direct conversation); `code` joins its space."""

    id: str
    circle: str
    from_name: str
    purpose: str
    code: str

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "circle_id": self.circle,
            "from": self.from_name,
            "purpose": self.purpose,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True)
class PairSummary:
    pair: str
    name: str
    people: tuple[str, ...]
    formed: bool
    ended: bool
    cycles: int
    closed_cycles: int
    ended_by: str = ""  # who ended it, when and their closing words ("" while it goes on)
    ended_at: str = ""  # ISO 8601, UTC
    end_text: str = ""
    circle: str = ""  # the circle it was formed in (where `coach share` copies to), if here
    circle_name: str = ""
    mode: str = ""  # "reciprocal" (both coach each other) or "coach-me" (people[0] asked to be coached)
    topic: str = ""  # what it is about, as proposed ("" if none)

    def to_json(self) -> Json:
        return {
            "pair_id": self.pair,
            "name": self.name,
            "people": list(self.people),
            "formed": self.formed,
            "ended": self.ended,
            "cycles": self.cycles,
            "closed_cycles": self.closed_cycles,
            "ended_by": self.ended_by,
            "ended_at": self.ended_at,
            "end_text": self.end_text,
            "circle_id": self.circle,
            "circle_name": self.circle_name,
            "mode": self.mode,
            "topic": self.topic,
        }


@dataclass(frozen=True, slots=True)
class CoachGoal:
    id: str
    goal: str
    success: str
    version: str
    agreed: bool
    agreed_by: tuple[str, ...]
    author_name: str = ""  # who set it (only they can share it with the circle)

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "goal": self.goal,
            "success": self.success,
            "version": self.version,
            "agreed": self.agreed,
            "agreed_by": list(self.agreed_by),
            "author_name": self.author_name,
        }


@dataclass(frozen=True, slots=True)
class CoachFeedback:
    id: str
    parent: str
    author_name: str
    text: str

    def to_json(self) -> Json:
        return {"id": self.id, "parent": self.parent, "author_name": self.author_name, "text": self.text}


@dataclass(frozen=True, slots=True)
class CoachObservation:
    id: str
    observer: str
    focus: str
    evidence: str
    questions: str
    feedback: tuple[CoachFeedback, ...]

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "observer": self.observer,
            "focus": self.focus,
            "evidence": self.evidence,
            "questions": self.questions,
            "feedback": [f.to_json() for f in self.feedback],
        }


@dataclass(frozen=True, slots=True)
class CoachCycle:
    id: str
    title: str
    observed: str
    goals: tuple[CoachGoal, ...]
    observations: tuple[CoachObservation, ...]
    reflections: tuple[tuple[str, str], ...]  # (author name, text)
    closed: bool
    met: tuple[str, ...]
    next: tuple[str, ...]
    reflection_threads: tuple[CoachReflection, ...] = ()  # the reflections with ids and comments

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "title": self.title,
            "observed": self.observed,
            "goals": [g.to_json() for g in self.goals],
            "observations": [o.to_json() for o in self.observations],
            "reflections": [r.to_json() for r in self.reflection_threads]
            or [{"author_name": who, "text": text} for who, text in self.reflections],
            "closed": self.closed,
            "met": list(self.met),
            "next": list(self.next),
        }


@dataclass(frozen=True, slots=True)
class SurveySummary:
    id: str
    title: str
    author_name: str
    anonymous: bool
    closed: bool
    respondents: int

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "title": self.title,
            "author_name": self.author_name,
            "anonymous": self.anonymous,
            "closed": self.closed,
            "respondents": self.respondents,
        }


@dataclass(frozen=True, slots=True)
class SurveyQuestionResult:
    kind: str
    prompt: str
    options: tuple[str, ...]  # the labels counted (a scale's values as text)
    counts: tuple[int, ...]
    texts: tuple[str, ...]

    def to_json(self) -> Json:
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "options": list(self.options),
            "counts": list(self.counts),
            "texts": list(self.texts),
        }


@dataclass(frozen=True, slots=True)
class SurveyResults:
    survey: SurveySummary
    questions: tuple[SurveyQuestionResult, ...]
    respondent_names: tuple[str, ...]  # empty for an anonymous survey
    admitted: int = 0  # anonymous: joins admitted under the current key

    @property
    def excess(self) -> bool:
        """More anonymous answers than admitted joins: the owner signed keys outside any
        admission (every peer sees it; docs/security.md, "Anonymous surveys")."""
        return self.survey.anonymous and self.survey.respondents > self.admitted

    def to_json(self) -> Json:
        return {
            **self.survey.to_json(),
            "questions": [q.to_json() for q in self.questions],
            "respondent_names": list(self.respondent_names),
            "admitted": self.admitted,
            "excess": self.excess,
        }


@dataclass(frozen=True, slots=True)
class DirectMessage:
    id: str
    author_name: str
    text: str
    created: str
    mine: bool

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "author_name": self.author_name,
            "text": self.text,
            "created": self.created,
            "mine": self.mine,
        }


@dataclass(frozen=True, slots=True)
class CoachReflection:
    """A reflection in a pair's cycle (written there or shared from a journal) with the
    partner's comments (`cycle.feedback` under it)."""

    id: str
    author_name: str
    text: str
    feedback: tuple[CoachFeedback, ...]

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "author_name": self.author_name,
            "text": self.text,
            "feedback": [f.to_json() for f in self.feedback],
        }


@dataclass(frozen=True, slots=True)
class CoachSuggestion:
    """A teacher's suggestion that I pair with someone: it forms nothing until one of us
    proposes and the other accepts."""

    id: str
    circle: str
    by_name: str
    other_name: str
    other_device: str
    text: str

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "circle_id": self.circle,
            "by": self.by_name,
            "other": self.other_name,
            "other_device_id": self.other_device,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class SurveyPart:
    """Where I stand in a survey: for an anonymous one, whether I have joined and my key
    is admitted; how many have joined and how many keys are admitted (public counts)."""

    anonymous: bool
    mine: bool  # I opened it (on an anonymous survey: the device that admits keys)
    joined: bool
    admitted: bool
    joined_count: int
    admitted_count: int

    def to_json(self) -> Json:
        return {
            "anonymous": self.anonymous,
            "mine": self.mine,
            "joined": self.joined,
            "admitted": self.admitted,
            "joined_count": self.joined_count,
            "admitted_count": self.admitted_count,
        }


@dataclass(frozen=True, slots=True)
class SubmittedFile:
    """A file attached to a submitted version (`submit --file` with a PDF, an image…)."""

    blob: str  # hex
    name: str
    size: int
    downloaded: bool = False  # its bytes held here for the circle (`sync.blobs.held_in`)

    def to_json(self) -> Json:
        return {"blob": self.blob, "name": self.name, "size": self.size, "downloaded": self.downloaded}


@dataclass(frozen=True, slots=True)
class VersionFiles:
    """The files attached to one version of a submission (`submission files`), for a reader
    who may read that version: never who wrote it."""

    submission_id: str
    version: int
    versions: int  # how many the submission has
    files: tuple[SubmittedFile, ...]

    def to_json(self) -> Json:
        return {
            "submission_id": self.submission_id,
            "version": self.version,
            "versions": self.versions,
            "files": [file.to_json() for file in self.files],
        }
