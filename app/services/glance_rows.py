"""The rows the desktop's first paint builds (`app.services.glance`): kept apart from
`app.services.rows`, whose ~50 dataclasses take ~100 ms to import and are not needed
until the core is up (bench/startup.py, docs/benchmarks.md). `app.services.rows`
re-exports each of them under the same name: services, views and the CLI import them
from there as from anywhere else.

Imports nothing but `dataclasses` and `typing`. Values, safe on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Json", "NoteSummary"]

# A JSON document's values as `json.dumps` takes them (what `to_json` returns).
Json = dict[str, Any]


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
