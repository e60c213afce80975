"""Tags as people type them ("#Algebra", "exam prep") turned into the stored form, with
the core's limits (`sync.fields`: 64 characters, 32 tags) as sentences a person can act
on. Used by every feature that takes tags: notes, threads, help requests, resources."""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import CommandError
from sync import fields


def clean_tags(tags: Iterable[str], *, where: str = "") -> list[str]:
    """Lower case, no leading '#', inner spaces as '-', repeats and blanks dropped.
    `where` prefixes the error (e.g. "notes.md: " when importing a vault)."""
    cleaned: list[str] = []
    for typed in tags:
        tag = "-".join(typed.strip().lstrip("#").lower().split())
        if not tag:
            continue
        if len(tag) > fields.MAX_TAG:
            raise CommandError(
                f"{where}The tag {tag[:20]!r}… is too long (at most {fields.MAX_TAG} characters)."
            )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > fields.MAX_TAGS:
        raise CommandError(f"{where}Give at most {fields.MAX_TAGS} tags, not {len(cleaned)}.")
    return cleaned
