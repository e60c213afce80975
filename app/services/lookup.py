"""Finding a thing from what a person typed: a full id, a unique id prefix, or a name.

Every command that takes an id (a circle, a member, a thread, a help request, a note)
resolves it here, so the answers read the same everywhere: "No circle with id …" or
"The id prefix … matches 3 circles; give more characters."
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import TypeVar

from app.errors import CommandError

T = TypeVar("T")
_HEX = frozenset(string.hexdigits)


def resolve_prefix(
    typed: str,
    candidates: Iterable[tuple[bytes, T]],
    *,
    noun: str,
    plural: str | None = None,
    hint: str = "",
) -> T:
    """The one candidate whose id (hex) starts with `typed`.

    `candidates` are (id, value) pairs; `noun` names the kind of thing in messages
    ("circle"), `hint` says where to look ("see `circle list`").
    """
    prefix = "".join(typed.split()).lower()
    where = f" ({hint})" if hint else ""
    if not prefix:
        raise CommandError(f"Give a {noun} id{where}.")
    if not set(prefix) <= _HEX:
        raise CommandError(f"No {noun} with id {typed!r}: ids are hexadecimal{where}.")
    matches = [value for key, value in candidates if key.hex().startswith(prefix)]
    return _one(matches, typed, noun=noun, plural=plural, where=where)


def resolve_name_or_prefix(
    typed: str,
    candidates: Iterable[tuple[bytes, str, T]],
    *,
    noun: str,
    plural: str | None = None,
    hint: str = "",
) -> T:
    """The one candidate named `typed` (ignoring case), or else whose id starts with it.

    `candidates` are (id, name, value). A name that matches exactly wins over id
    prefixes, so a member called "ace" is found even though "ace" is also hex.
    """
    text = typed.strip()
    where = f" ({hint})" if hint else ""
    if not text:
        raise CommandError(f"Give a {noun}'s name or id{where}.")
    rows = list(candidates)
    named = [value for _, name, value in rows if name.strip().casefold() == text.casefold()]
    if len(named) > 1:
        raise CommandError(
            f"{len(named)} {plural or noun + 's'} are named {text!r}; give an id prefix instead{where}."
        )
    if named:
        return named[0]
    prefix = text.lower()
    matches = [value for key, _, value in rows if set(prefix) <= _HEX and key.hex().startswith(prefix)]
    if not matches:
        raise CommandError(f"No {noun} named or with id {typed!r}{where}.")
    return _one(matches, typed, noun=noun, plural=plural, where=where)


def _one(matches: list[T], typed: str, *, noun: str, plural: str | None, where: str) -> T:
    if not matches:
        raise CommandError(f"No {noun} with id {typed!r}{where}.")
    if len(matches) > 1:
        raise CommandError(
            f"The id prefix {typed!r} matches {len(matches)} {plural or noun + 's'}; give more characters."
        )
    return matches[0]
