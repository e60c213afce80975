"""Errors as one sentence a person can act on (the same wording the CLI prints).

Pure functions; any thread.
"""

from __future__ import annotations

from app.errors import CommandError
from app.identity import IdentityError
from sync.errors import Rejected


def innermost(error: BaseException) -> BaseException:
    """trio wraps errors raised inside a nursery in groups; a lone error is the real one."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def describe(error: BaseException) -> str:
    error = innermost(error)
    if isinstance(error, CommandError | IdentityError):
        return str(error)
    if isinstance(error, Rejected):
        text = (error.detail or error.reason.value).strip()
        return (text[:1].upper() + text[1:]).rstrip(".") + "."
    if type(error).__module__.startswith("p2p."):  # network errors are worded for people
        return str(error)
    return f"Unexpected error ({type(error).__name__}: {error}). Please report it."
