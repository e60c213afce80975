"""Reducers: one pure handler per content kind, folding valid ops into materialized tables.

Each handler states its CRDT so the tables are the same whatever order valid ops are
applied in: settings are last-writer-wins registers ordered by (hlc, op id); items
(threads, replies, chat, resources, help requests and answers, notes) are an add-wins
set keyed by the creating op, with author-owned last-writer-wins edits and a delete
tombstone (the author is the person: any of its devices, `Applied.by_author_of`);
moderation marks and help-request steps are kept whole and resolved when read;
reactions are per-author registers. A handler's `check` judges the op over its
causal past only (what it refers to, who wrote it), never over later arrivals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sync.errors import Reason, Refusal
from sync.ids import DeviceId, OpId, SpaceId

if TYPE_CHECKING:
    from sync.auth import AuthState


# The memo's entry for the space's `device_persons` table as reducers read it (device ->
# person); the replica drops it whenever it rewrites the table.
PERSONS_MEMO = "device_persons"


@dataclass(frozen=True, slots=True)
class Applied:
    """What a reducer needs to know about the op it folds in."""

    space: SpaceId
    op_id: OpId
    author: int
    device: DeviceId
    seq: int
    hlc: int
    clock: dict[int, int]
    level: int
    auth: AuthState | None = None  # the space's authority: who is whose device
    # The space's reducer memory (`SpaceContext.memo`): what a reducer keeps between ops
    # to judge faster, dropped with the context (sync.reducers.assess_index).
    memo: dict[str, Any] = field(default_factory=dict)

    def by_author_of(self, author: int) -> bool:
        """Whether this op may act as `author` (the author index of an item or step): the
        same device, or another device of the same person, both accepted as that person's
        in this op's causal past (`AuthState.same_person_at`). The author-only rules
        (edit, delete, resolve, progress, ...) ask this, never a device comparison.
        A pseudonym is no person's device: it is only itself."""
        if author == self.author:
            return True
        return self.auth is not None and self.auth.same_person_at(author, self.author, self.clock)


@dataclass(frozen=True, slots=True)
class Handler:
    action: str | None
    check: Callable[[sqlite3.Connection, Applied, Any], Reason | Refusal | None]
    apply: Callable[[sqlite3.Connection, Applied, Any], None]


MATERIALIZED_TABLES = (
    "members",
    "settings",
    "items",
    "item_tags",
    "item_marks",
    "help_steps",
    "reactions",
    "note_links",
    "note_search",
    # Assignments (sync.reducers.assess.TABLES)
    "assign_tasks",
    "assign_phases",
    "assign_enrolments",
    "assign_versions",
    "assign_allocation",
    "assign_reallocations",
    "assign_reviews",
    "assign_ratings",
    "assign_grades",
    "assign_scores",
    # peer coaching and surveys (issue 18)
    "coaching_steps",
    "coach_profiles",
    "survey_answers",
)


def clear(db: sqlite3.Connection, space: SpaceId) -> None:
    for table in MATERIALIZED_TABLES:
        db.execute(f"DELETE FROM {table} WHERE space = ?", (space,))


def handlers() -> dict[str, Handler]:
    from sync.reducers import assess, coaching, helpdesk, items, marks, notes, reactions, settings

    return {
        **items.HANDLERS,
        **helpdesk.HANDLERS,
        **marks.HANDLERS,
        **reactions.HANDLERS,
        **notes.HANDLERS,
        **settings.HANDLERS,
        **assess.HANDLERS,
        **coaching.HANDLERS,  # peer coaching and surveys (issue 18)
    }
