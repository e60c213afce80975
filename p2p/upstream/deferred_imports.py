"""Modules py-libp2p imports but our hosts never use, loaded only if something uses them.

`import libp2p` (and so any `libp2p.*` import: `libp2p/__init__.py` runs first) imports
`libp2p.host.basic_host`, which imports its AutoTLS (ACME) client, which runs
`import httpx` and `import requests`. Our hosts speak TCP + Noise + yamux only
(`p2p.libp2p_stack`) and never ask for an ACME certificate, yet those two libraries
(with rich, urllib3, h11, certifi, …: about 300 modules) cost 15 MB of resident memory
in every process that opens a host (measured: 76.5 → 61.5 MB for the network stack's
imports on top of the desktop client's, VmRSS; docs/benchmarks.md).

`install()` puts a finder first on `sys.meta_path` that answers `import httpx` and
`import requests` (top level only) with a `DeferredModule`: an empty module object that
imports the real one the first time anything reads from it (an attribute, or `__path__`
for a submodule import), then forwards every read to it. So nothing changes for code
that does use them, e.g. `from requests import get` or `requests.get(...)` load the real
library there and then. Reads of other dunder names (`__file__`, `__dict__` lookups by
tools such as PySide6's import hook) do not load it. py-libp2p 0.8.1 only binds these
names at import time and reads them inside the ACME functions
(`libp2p/security/tls/autotls/acme.py`, `broker.py`); tests/p2p/test_deferred_imports.py
checks that building and connecting hosts leaves them unloaded.

Called from `p2p/__init__.py`, so it is in place before any `p2p` module imports
libp2p. Any thread: the first load holds a lock.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

# Imported by py-libp2p's AutoTLS (ACME) client only, with a plain `import`.
UNUSED_BY_OUR_HOSTS = frozenset({"httpx", "requests"})

_load_lock = threading.RLock()


class DeferredModule(types.ModuleType):
    """Stands in for a module until something reads from it; then it is the real one."""

    def __getattr__(self, name: str) -> Any:  # Any: whatever the real module holds
        # Only called for names not set on this object (i.e. not __name__, __spec__, …).
        # The import system reads __path__ while creating the module (before exec_module):
        # that read must not load it; a later one is a submodule import, which must.
        if name.startswith("__") and (name != "__path__" or not self.__dict__.get("_deferred_ready")):
            raise AttributeError(name)
        return getattr(self._deferred_load(submodule_next=name == "__path__"), name)

    def _deferred_load(self, *, submodule_next: bool) -> types.ModuleType:
        with _load_lock:
            real = self.__dict__.get("_deferred_real")
            if real is None:
                _FINDER.release(self.__name__)
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                real = importlib.import_module(self.__name__)
                self.__dict__["_deferred_real"] = real
                if submodule_next:
                    _FINDER.expect_submodule_of(self.__name__)
            return real


class _DeferringFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, names: frozenset[str]) -> None:
        self._names = set(names)
        self._just_loaded: str | None = None

    def release(self, name: str) -> None:
        """From now on `name` is imported normally."""
        self._names.discard(name)

    def expect_submodule_of(self, name: str) -> None:
        """The next spec asked for is a submodule of `name`, just imported for real."""
        self._just_loaded = name

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        parent, self._just_loaded = self._just_loaded, None
        if parent is not None and fullname.startswith(parent + ".") and fullname in sys.modules:
            # `import requests.adapters` while `requests` was deferred: reading its
            # __path__ imported the real package, whose __init__ may have imported this
            # very submodule already; the import system does not look again, so hand it
            # the module it has rather than run the submodule a second time.
            return importlib.machinery.ModuleSpec(fullname, _AlreadyImported())
        if fullname not in self._names:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return DeferredModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["_deferred_ready"] = True


class _AlreadyImported(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return sys.modules[spec.name]

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_FINDER = _DeferringFinder(UNUSED_BY_OUR_HOSTS)


def install() -> None:
    """Defer `UNUSED_BY_OUR_HOSTS` from now on (idempotent). Names already imported
    for real stay as they are."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def is_loaded(name: str) -> bool:
    """Whether module `name` has really been imported (a deferred one not yet used: no)."""
    module = sys.modules.get(name)
    if module is None:
        return False
    return not isinstance(module, DeferredModule) or module.__dict__.get("_deferred_real") is not None
