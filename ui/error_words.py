"""The app's and the core's error sentences in the window's language. `app/` and `sync/`
word their errors in English for the CLI (docs/cli.md); the window shows them through
`ui.errors.describe`, which passes each through `translated` here: a sentence this table
knows is shown translated (context "Errors"), any other as it came, in English.

The table holds the sentences a person meets from the window: a title or a text left
empty, a bad link, a search with no word, an invite or room code that is not valid, a
file that cannot be read. A new error sentence raised by a service the window calls
belongs here too (then `make translations`).

Owns `translated`. Pure; any thread (after the QCoreApplication exists, for its
translator).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate  # named so lupdate finds the strings


def _exact() -> dict[str, str]:
    """Whole sentences, as raised, and each one in the window's language."""
    return {
        # notes
        "A note needs a title.": translate("Errors", "A note needs a title."),
        "This note is empty: write something in it before sharing it.": translate(
            "Errors", "This note is empty: write something in it before sharing it."
        ),
        "That item's text was redacted by a teacher; there is nothing to save.": translate(
            "Errors", "That item's text was redacted by a teacher; there is nothing to save."
        ),
        "Give at least one word to search for.": translate("Errors", "Give at least one word to search for."),
        # discussion and chat
        "A thread needs a title.": translate("Errors", "A thread needs a title."),
        "A reply cannot be empty.": translate("Errors", "A reply cannot be empty."),
        "Replies go under a thread, a resource or a help request.": translate(
            "Errors", "Replies go under a thread, a resource or a help request."
        ),
        "A chat message cannot be empty.": translate("Errors", "A chat message cannot be empty."),
        "A chat message is at most 10,000 characters; post a thread for longer text.": translate(
            "Errors", "A chat message is at most 10,000 characters; post a thread for longer text."
        ),
        "It needs a title.": translate("Errors", "It needs a title."),
        "The text cannot be empty; delete the post instead.": translate(
            "Errors", "The text cannot be empty; delete the post instead."
        ),
        "Nothing to change.": translate("Errors", "Nothing to change."),
        "A message cannot be empty.": translate("Errors", "A message cannot be empty."),
        "Only its author can edit this; a teacher may hide or redact it.": translate(
            "Errors", "Only its author can edit this; a teacher may hide or redact it."
        ),
        "Only its author can delete this; a teacher may hide or redact it.": translate(
            "Errors", "Only its author can delete this; a teacher may hide or redact it."
        ),
        # the help desk
        "A help request needs a title: say in a few words what you are stuck on.": translate(
            "Errors", "A help request needs a title: say in a few words what you are stuck on."
        ),
        "An answer cannot be empty.": translate("Errors", "An answer cannot be empty."),
        "A progress note cannot be empty.": translate("Errors", "A progress note cannot be empty."),
        # resources
        "A resource needs a title.": translate("Errors", "A resource needs a title."),
        "A link must start with http:// or https://.": translate(
            "Errors", "A link must start with http:// or https://."
        ),
        "A resource needs a link, a text or a file.": translate(
            "Errors", "A resource needs a link, a text or a file."
        ),
        "This resource was redacted by a teacher; its files are not shared.": translate(
            "Errors", "This resource was redacted by a teacher; its files are not shared."
        ),
        "No resource of this circle shares that file now (deleted or redacted?).": translate(
            "Errors", "No resource of this circle shares that file now (deleted or redacted?)."
        ),
        # circles, people and devices
        "A circle needs a name.": translate("Errors", "A circle needs a name."),
        "A circle's description may be at most 2,000 characters.": translate(
            "Errors", "A circle's description may be at most 2,000 characters."
        ),
        "A title cannot be empty.": translate("Errors", "A title cannot be empty."),
        "A display name cannot be empty.": translate("Errors", "A display name cannot be empty."),
        "This is the device you are using; unlink it from another of your devices.": translate(
            "Errors", "This is the device you are using; unlink it from another of your devices."
        ),
        "A person's contributions are shown to them and to their teachers only.": translate(
            "Errors", "A person's contributions are shown to them and to their teachers only."
        ),
        "You share no circle with that person.": translate("Errors", "You share no circle with that person."),
        # assignments and coaching
        "Two criteria have the same name.": translate("Errors", "Two criteria have the same name."),
        "Only teachers see who wrote each review.": translate(
            "Errors", "Only teachers see who wrote each review."
        ),
        "A goal cannot be empty: say what to work on.": translate(
            "Errors", "A goal cannot be empty: say what to work on."
        ),
        "Feedback cannot be empty.": translate("Errors", "Feedback cannot be empty."),
        "A reflection cannot be empty.": translate("Errors", "A reflection cannot be empty."),
        "A survey needs a title.": translate("Errors", "A survey needs a title."),
    }


def _patterns() -> list[tuple[re.Pattern[str], Callable[[], str]]]:
    """Sentences with a part that varies (a code's fault, a file's path): the part is
    kept as it came and put into the translated sentence."""
    return [
        (
            re.compile(r"This invite code is not valid: (?P<detail>.*)\.", re.DOTALL),
            lambda: translate("Errors", "This invite code is not valid: {detail}."),
        ),
        (
            re.compile(r"This room code is not valid: (?P<detail>.*)\.", re.DOTALL),
            lambda: translate("Errors", "This room code is not valid: {detail}."),
        ),
        (
            re.compile(r"This link code is not valid: (?P<detail>.*)\.", re.DOTALL),
            lambda: translate("Errors", "This link code is not valid: {detail}."),
        ),
        (
            re.compile(r"Cannot read (?P<path>.+): (?P<detail>[^:]*)\.", re.DOTALL),
            lambda: translate("Errors", "Cannot read {path}: {detail}."),
        ),
        (
            re.compile(r"Cannot save (?P<path>.+): (?P<detail>[^:]*)\.", re.DOTALL),
            lambda: translate("Errors", "Cannot save {path}: {detail}."),
        ),
        (
            re.compile(r"There is no file (?P<path>.+)\.", re.DOTALL),
            lambda: translate("Errors", "There is no file {path}."),
        ),
    ]


def translated(message: str) -> str:
    """`message` in the window's language if this table knows it; else as it is."""
    known = _exact().get(message)
    if known is not None:
        return known
    for pattern, template in _patterns():
        found = pattern.fullmatch(message)
        if found is not None:
            return template().format(**found.groupdict())
    return message
