"""Reducers: one pure handler per content kind, folding valid ops into materialized tables.

Each handler states its CRDT so the tables are the same whatever order valid ops are
applied in: settings are last-writer-wins registers ordered by (hlc, op id); items
(threads, replies, chat, resources, help requests and answers, notes) are an add-wins
set keyed by the creating op, with author-owned last-writer-wins edits and a delete
tombstone; moderation marks and help-request steps are kept whole and resolved when
read; reactions are per-author registers. A handler's `check` judges the op over its
causal past only (what it refers to, who wrote it), never over later arrivals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync.errors import Reason, Refusal
from sync.ids import DeviceId, OpId, SpaceId


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
    # The space's reducer memory (`SpaceContext.memo`): what a reducer keeps between ops
    # to judge faster, dropped with the context (sync.reducers.assess_index).
    memo: dict[str, Any] = field(default_factory=dict)


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
