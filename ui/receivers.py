"""Whose callback is it: the Qt objects of views a UI callback would touch (widgets,
models), and whether they have been destroyed since the work was started.

Owns `receiver_gone` and `all_receivers_gone`. A view hands `on_done`/`on_error` to work
that runs on trio (`ui.runtime`, `ui.core_thread`); a person may close the window,
dialog or view before the result arrives, and Qt deletes its C++ objects. The callback
then has nobody to show the result to: the runtime drops it silently — before the call
when every such object it holds is gone, or when the call fails with PySide6's "Internal
C++ object … already deleted" (or "Signal source has been deleted") while one of them is
gone — instead of logging a failure.

The receivers are found without the views saying so: the object a bound method belongs
to, the objects a closure or lambda captured (`self` above all) or took as a default,
the arguments of a `functools.partial`, and — a few levels down — the same for what
those hold (a `LiveQuery`'s `show`, a session's wrapper around `on_done`). The session
and the runtime (`OUTLIVES_VIEWS = True`) are not receivers: they outlive every view.

Runs on the GUI thread.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterator
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

DEPTH = 8  # wrappers around wrappers: runtime -> core thread -> session -> LiveQuery -> view


def receiver_gone(callback: Callable[..., Any]) -> bool:
    """True when a receiver `callback` holds has been destroyed."""
    return any(not shiboken6.isValid(found) for found in receivers(callback))


def all_receivers_gone(callback: Callable[..., Any]) -> bool:
    """True when `callback` holds receivers and every one has been destroyed."""
    found = list(receivers(callback))
    return bool(found) and not any(shiboken6.isValid(receiver) for receiver in found)


def receivers(callback: Callable[..., Any]) -> Iterator[QObject]:
    """The Qt objects of views that `callback` holds (its owner, what it captured):
    widgets, and models and other QObjects, but not those marked `OUTLIVES_VIEWS`."""
    for found in _walk(callback, DEPTH, set()):
        if not getattr(type(found), "OUTLIVES_VIEWS", False):
            yield found


def _walk(thing: Any, depth: int, seen: set[int]) -> Iterator[QObject]:
    if id(thing) in seen:
        return
    seen.add(id(thing))
    if isinstance(thing, QObject):
        yield thing
        return
    if depth <= 0:
        return
    for inner in _held(thing):
        yield from _walk(inner, depth - 1, seen)


def _held(thing: Any) -> list[Any]:
    """What a callable holds that may be, or lead to, a receiver."""
    if isinstance(thing, types.MethodType):
        owner = thing.__self__
        if isinstance(owner, QObject):
            return [owner]
        return [owner, *(v for v in _attributes(owner) if isinstance(v, QObject) or callable(v))]
    if isinstance(thing, functools.partial):
        return [thing.func, *thing.args, *thing.keywords.values()]
    if isinstance(thing, types.FunctionType):
        cells = []
        for cell in thing.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # a cell not filled yet
                continue
        return [*cells, *(thing.__defaults__ or ())]
    return []


def _attributes(owner: Any) -> list[Any]:
    try:
        return list(vars(owner).values())
    except TypeError:  # no __dict__ (slots, builtins)
        return []
