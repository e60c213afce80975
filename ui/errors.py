"""Errors as one sentence a person can act on (the same wording the CLI prints, in the
window's language where `ui.error_words` knows the sentence).

Owns `describe` and `worded` (pure; any thread) and `attempt`, which runs work and returns its result
or that sentence, logging an unexpected error once (on whichever trio run awaits it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


def innermost(error: BaseException) -> BaseException:
    """trio wraps errors raised inside a nursery in groups; a lone error is the real one."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def worded(error: BaseException) -> str | None:
    """The sentence the app or the network gave `error` for people (in the window's
    language where `ui.error_words` knows it), or None for an unexpected error."""
    # Imported here, not with the module: the window's first paint comes before the app's
    # modules are loaded (ui.launcher), and an error to word comes after.
    from app.errors import CommandError
    from app.identity import IdentityError
    from sync.errors import Rejected
    from ui.error_words import translated

    error = innermost(error)
    if isinstance(error, CommandError | IdentityError):
        return translated(str(error))
    if isinstance(error, Rejected):
        text = (error.detail or error.reason.value).strip()
        return translated((text[:1].upper() + text[1:]).rstrip(".") + ".")
    if type(error).__module__.startswith("p2p."):  # network errors are worded for people
        return str(error)
    return None


def describe(error: BaseException) -> str:
    known = worded(error)
    if known is not None:
        return known
    error = innermost(error)
    from PySide6.QtCore import QCoreApplication

    text = QCoreApplication.translate("Errors", "Unexpected error ({kind}: {error}). Please report it.")
    return text.format(kind=type(error).__name__, error=error)


async def attempt(work: Callable[[], Awaitable[Any]], *, where: str) -> tuple[bool, Any]:
    """(True, what `work` returned) or (False, its error worded for a person); an
    unexpected error is logged with its traceback as happening in `where`."""
    try:
        return True, await work()
    except Exception as error:
        if worded(error) is None:  # by the error, not its words: they may be translated
            log.error("Unexpected error in %s", where, exc_info=error)
        return False, describe(error)
