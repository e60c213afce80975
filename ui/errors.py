"""Errors as one sentence a person can act on (the same wording the CLI prints).

Owns `describe` (pure; any thread) and `attempt`, which runs work and returns its result
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


def describe(error: BaseException) -> str:
    # Imported here, not with the module: the window's first paint comes before the app's
    # modules are loaded (ui.launcher), and an error to word comes after.
    from app.errors import CommandError
    from app.identity import IdentityError
    from sync.errors import Rejected

    error = innermost(error)
    if isinstance(error, CommandError | IdentityError):
        return str(error)
    if isinstance(error, Rejected):
        text = (error.detail or error.reason.value).strip()
        return (text[:1].upper() + text[1:]).rstrip(".") + "."
    if type(error).__module__.startswith("p2p."):  # network errors are worded for people
        return str(error)
    from PySide6.QtCore import QCoreApplication

    text = QCoreApplication.translate("Errors", "Unexpected error ({kind}: {error}). Please report it.")
    return text.format(kind=type(error).__name__, error=error)


async def attempt(work: Callable[[], Awaitable[Any]], *, where: str) -> tuple[bool, Any]:
    """(True, what `work` returned) or (False, its error worded for a person); an
    unexpected error is logged with its traceback as happening in `where`."""
    try:
        return True, await work()
    except Exception as error:
        message = describe(error)
        if message.startswith("Unexpected"):
            log.error("Unexpected error in %s", where, exc_info=error)
        return False, message
