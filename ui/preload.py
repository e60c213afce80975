"""The desktop client's non-Qt modules, imported before PySide6 is; and the import of
the network stack after it, past PySide6's import hook.

Once PySide6 is loaded, its import hook (`__feature__`) looks into every module imported
after it: it reads the module's whole source file (`inspect.getsource`) to see whether
it mentions PySide6, and the lines stay in `linecache` for the life of the process.

- Importing trio and the app/sync modules first took ~120 ms off a ~650 ms start on the
  startup bench's machine (median of five, `-X importtime` shows the hook).
  `python -m ui` (and bench/startup.py's client) import this module first; forgetting a
  module here costs only that module's share of the hook.
- The network stack (py-libp2p and its dependencies: ~800 modules) can only come after
  the window is up. `past_qt_hook()` imports it without the hook reading a file:
  the hook's reads cost 18–21 MB of resident memory that never went back to the system
  (dropping the `linecache` entries afterwards freed nothing: VmRSS unchanged), and
  ~0.2 s of CPU on the core thread, holding the GIL against the GUI thread.

Imports only; no Qt.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import trio  # noqa: F401

# What the window needs to open on My notes; a circle's page and its modules (e.g.
# app.discussion, app.resources) come when the first circle is opened (ui.main_window).
from app import (  # noqa: F401
    commands,
    database,
    helpdesk,
    identity,
    membership,
    notes,
    paging,
    paths,
    unread,
)
from sync import changes, ids, policy  # noqa: F401

# What PySide6's hook (`shibokensupport.feature.feature_imported`, 6.7–6.12) records for
# a module whose source does not mention PySide6: "ignore this module" in feature
# switching. A module in its table is not looked at again.
_NOT_QT = -1


@contextmanager
def past_qt_hook() -> Iterator[None]:
    """Within the block, the modules this thread imports (and everything they import)
    are modules that do not use Qt: PySide6's import hook is told so beforehand.

    The modules imported before PySide6 (this module's) are marked too: their names
    come up again in the new modules' import statements. Without PySide6 loaded, or
    with a PySide6 whose hook keeps no such table, the imports are plain imports.
    """
    table = _hook_table()
    if table is None:
        yield
        return
    for name in list(sys.modules):  # judged by the hook if imported after PySide6
        table.setdefault(name, _NOT_QT)
    marker = _MarkNotQt(table, threading.get_ident())
    sys.meta_path.insert(0, marker)
    try:
        yield
    finally:
        sys.meta_path.remove(marker)


def _hook_table() -> dict[str, int] | None:
    table = getattr(sys.modules.get("__feature__"), "pyside_feature_dict", None)
    return table if isinstance(table, dict) else None


class _MarkNotQt:
    """A `sys.meta_path` finder that marks each module the importing thread is about to
    load as not using Qt and finds nothing itself (the next finders load the module as
    usual). Imports on other threads meanwhile (the GUI thread's) are left to the hook.
    (Not an `importlib.abc.MetaPathFinder`: importing that module costs ~9 ms before
    the first paint, and a finder needs only `find_spec`.)"""

    def __init__(self, table: dict[str, int], thread: int) -> None:
        self._table = table
        self._thread = thread

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if threading.get_ident() == self._thread:
            self._table.setdefault(fullname, _NOT_QT)
        return None
