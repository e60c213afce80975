"""The desktop client's non-Qt modules: the few the first paint needs, imported before
PySide6 is; trio and the app/sync modules after the first paint, and the network stack
after that, both past PySide6's import hook.

Once PySide6 is loaded, its import hook (`__feature__`) looks into every module imported
after it: it reads the module's whole source file (`inspect.getsource`) to see whether
it mentions PySide6, and the lines stay in `linecache` for the life of the process.

- The first paint reads the data through `app.services.glance` (plain sqlite3): this module
  imports it before PySide6. `python -m ui` (and bench/startup.py's client) import this
  module first.
- trio and the app/sync modules take longer to import than a bare PySide6 window takes
  to start (bench/startup.py), so they come after the first paint:
  `import_core_modules()`, on a thread of its own (`ui.runtime`), past the hook (it
  took ~120 ms of a ~650 ms start when they came after PySide6 through it).
- The network stack (py-libp2p and its dependencies: ~800 modules) can only come after
  the window is up. `past_qt_hook()` imports it without the hook reading a file:
  the hook's reads cost 18–21 MB of resident memory that never went back to the system
  (dropping the `linecache` entries afterwards freed nothing: VmRSS unchanged), and
  ~0.2 s of CPU on the core thread, holding the GIL against the GUI thread.

Imports only; no Qt.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.services import glance  # noqa: F401  (the first paint's reads)

#: What the window needs once the core is up, on My notes; a circle's page and its
#: modules (e.g. app.services.discussion, app.services.resources) come when the first circle is opened
#: (ui.main_window).
CORE_MODULES = (
    "trio",
    "outcome",
    "app.services.commands",
    "app.database",
    "app.services.demo_circles",
    "app.errors",
    "app.services.helpdesk",
    "app.identity",
    "app.services.membership",
    "app.services.notes",
    "app.services.paging",
    "app.services.unread",
    "sync.changes",
    "sync.errors",
    "ui.errors",
    "ui.core_thread",
)

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


def import_core_modules() -> None:
    """Import `CORE_MODULES` past PySide6's hook (on any thread; the GUI thread's own
    imports meanwhile are left to the hook)."""
    with past_qt_hook():
        for name in CORE_MODULES:
            importlib.import_module(name)


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
