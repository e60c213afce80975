"""`sync/` is a pure core: no clock, no randomness, msgpack only in the wire codecs, and
none of the runtime frameworks (DESIGN.md §2).

import-linter already forbids some imports; this test also catches *calls* (a
`datetime.now()` needs no forbidden import) and is precise about where a violation is.
Each (check, module) pair is its own case, so a failure names the check, the file and
the line. The checker is tested on planted violations, so it cannot pass vacuously.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYNC = ROOT / "sync"


@dataclass(frozen=True, slots=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every imported dotted name, with its line: `import a.b` gives "a.b",
    `from a.b import c` gives "a.b.c"; calls to `__import__`/`import_module` with a
    literal name count too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and _literal_import(node) is not None:
            yield node.lineno, str(_literal_import(node))


def _literal_import(call: ast.Call) -> str | None:
    """The module named by `__import__("x")` or `import_module("x")`, if literal."""
    if _called_name(call) not in {"__import__", "import_module"} or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _dotted(node: ast.AST) -> str:
    """`a.b.c` for an attribute chain, "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _is_module(name: str, modules: set[str]) -> bool:
    return any(name == module or name.startswith(module + ".") for module in modules)


def _calls(tree: ast.AST) -> Iterator[tuple[int, str, str]]:
    """(line, called attribute or name, full dotted callee) for every call."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name is not None:
                yield node.lineno, name, _dotted(node.func)


# -- the checks: each takes (source tree, path relative to the repo) ---------------------
def check_clock(tree: ast.AST, path: str) -> list[Violation]:
    found = [
        Violation(path, line, f"imports {name} (the clock; take now_ms as an argument)")
        for line, name in _imports(tree)
        if _is_module(name, {"time"})
    ]
    found += [
        Violation(path, line, f"calls {callee or name}() (reads the clock)")
        for line, name, callee in _calls(tree)
        if name in {"now", "today", "utcnow"}
    ]
    return found


RANDOM_MODULES = {"random", "secrets"}
RANDOM_NAMES = {"uuid.uuid1", "uuid.uuid4", "os.urandom", "os.getrandom", "nacl.utils.random"}


def check_randomness(tree: ast.AST, path: str) -> list[Violation]:
    found = [
        Violation(path, line, f"imports {name} (randomness; take seeds/nonces as arguments)")
        for line, name in _imports(tree)
        if _is_module(name, RANDOM_MODULES) or name in RANDOM_NAMES
    ]
    found += [
        Violation(path, line, f"calls {callee or name}() (randomness)")
        for line, name, callee in _calls(tree)
        if name in {"uuid1", "uuid4", "urandom", "getrandom", "randbytes"}
        or callee in {"nacl.utils.random", "utils.random"}
    ]
    return found


#: libsodium entry points that draw randomness internally: importing nothing forbidden,
#: they still make `sync` non-deterministic.
SODIUM_RANDOM = {"crypto_box_seal", "randombytes", "randombytes_buf", "crypto_box_keypair", "SealedBox"}


def check_hidden_randomness(tree: ast.AST, path: str) -> list[Violation]:
    found = [
        Violation(path, line, f"calls {callee or name}() (libsodium draws random bytes inside)")
        for line, name, callee in _calls(tree)
        if name in SODIUM_RANDOM or callee.endswith(("PrivateKey.generate", "SigningKey.generate"))
    ]
    found += [
        Violation(path, line, f"imports {name} (draws random bytes)")
        for line, name in _imports(tree)
        if name.rsplit(".", 1)[-1] in SODIUM_RANDOM
    ]
    return found


def check_msgpack(tree: ast.AST, path: str) -> list[Violation]:
    if path.startswith("sync/wire/"):
        return []
    return [
        Violation(path, line, f"imports {name} outside sync/wire/ (use a wire codec)")
        for line, name in _imports(tree)
        if _is_module(name, {"msgpack"})
    ]


FRAMEWORKS = {"PySide6", "trio", "libp2p"}


def check_frameworks(tree: ast.AST, path: str) -> list[Violation]:
    return [
        Violation(path, line, f"imports {name} (sync is pure: no Qt, no trio, no libp2p)")
        for line, name in _imports(tree)
        if _is_module(name, FRAMEWORKS)
    ]


Check = Callable[[ast.AST, str], list[Violation]]
CHECKS: dict[str, Check] = {
    "clock": check_clock,
    "randomness": check_randomness,
    "hidden-randomness": check_hidden_randomness,
    "msgpack-outside-wire": check_msgpack,
    "frameworks": check_frameworks,
}


def violations(check: str, source: str, path: str) -> list[Violation]:
    return CHECKS[check](ast.parse(source, filename=path), path)


def sync_modules() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in SYNC.rglob("*.py"))


# (check, module) -> reason, for a violation that is known and being fixed. Empty: keep it so.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for check in CHECKS:
        for module in sync_modules():
            reason = KNOWN_BUGS.get((check, module))
            marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)] if reason else []
            cases.append(pytest.param(check, module, id=f"{check}:{module}", marks=marks))
    return cases


@pytest.mark.parametrize(("check", "module"), _cases())
def test_sync_module_is_pure(check: str, module: str) -> None:
    found = violations(check, (ROOT / module).read_text(encoding="utf-8"), module)
    assert not found, "\n".join(str(violation) for violation in found)


def test_the_checked_tree_is_the_real_sync_package() -> None:
    modules = sync_modules()
    assert {"sync/op.py", "sync/wire/op.py", "sync/wire/canonical.py", "sync/writer.py"} <= set(modules)
    # msgpack really is imported in sync/wire, so the path exemption is exercised.
    assert any(
        _is_module(name, {"msgpack"})
        for module in modules
        if module.startswith("sync/wire/")
        for _, name in _imports(ast.parse((ROOT / module).read_text(encoding="utf-8")))
    )


# -- the checker on planted violations ---------------------------------------------------
PLANTED = [
    ("clock", "import time\n", 1),
    ("clock", "x = 1\nfrom time import monotonic\n", 2),
    ("clock", "import datetime\nstamp = datetime.datetime.now()\n", 2),
    ("clock", "from datetime import datetime\nstamp = datetime.utcnow()\n", 2),
    ("clock", "from datetime import date\nday = date.today()\n", 2),
    ("clock", "def later():\n    import time as t\n    return t\n", 2),
    ("clock", "clock = __import__('time')\n", 1),
    ("randomness", "import random\n", 1),
    ("randomness", "from secrets import token_bytes\n", 1),
    ("randomness", "import uuid\nname = uuid.uuid4()\n", 2),
    ("randomness", "from uuid import uuid1\n", 1),
    ("randomness", "import os\nnonce = os.urandom(24)\n", 2),
    ("randomness", "from os import urandom\n", 1),
    ("randomness", "import nacl.utils\nkey = nacl.utils.random(32)\n", 2),
    ("randomness", "from nacl.utils import random\n", 1),
    ("randomness", "import importlib\nr = importlib.import_module('random')\n", 2),
    ("hidden-randomness", "from nacl import bindings\nbox = bindings.crypto_box_seal(m, pk)\n", 2),
    ("hidden-randomness", "from nacl.public import PrivateKey\nkey = PrivateKey.generate()\n", 2),
    ("hidden-randomness", "from nacl.public import SealedBox\n", 1),
    ("msgpack-outside-wire", "import msgpack\n", 1),
    ("msgpack-outside-wire", "from msgpack import packb\n", 1),
    ("frameworks", "from PySide6.QtCore import QObject\n", 1),
    ("frameworks", "import trio\n", 1),
    ("frameworks", "import libp2p.host.basic_host\n", 1),
]


@pytest.mark.parametrize(("check", "source", "line"), PLANTED)
def test_checker_catches_planted_violation(check: str, source: str, line: int) -> None:
    found = violations(check, source, "sync/planted.py")
    assert [violation.line for violation in found] == [line], found
    assert str(found[0]).startswith(f"sync/planted.py:{line}: ")


CLEAN = [
    ("clock", "from sync.hlc import next_hlc\nstamp = next_hlc(now_ms=now_ms, floor=0)\n"),
    ("clock", "import datetime\nday = datetime.date(2024, 5, 3)\n"),
    ("randomness", "random_name = 'not a module'\nfrom sync.ids import digest\n"),
    ("hidden-randomness", "from nacl import bindings\nplain = bindings.crypto_box_seal_open(c, pk, sk)\n"),
    ("msgpack-outside-wire", "from sync.wire.body import encode_body\n"),
    ("frameworks", "import sqlite3\nfrom sync import trio_free\n"),
]


@pytest.mark.parametrize(("check", "source"), CLEAN)
def test_checker_passes_clean_code(check: str, source: str) -> None:
    assert violations(check, source, "sync/clean.py") == []


def test_msgpack_is_allowed_in_the_wire_codecs_only() -> None:
    assert violations("msgpack-outside-wire", "import msgpack\n", "sync/wire/op.py") == []
    assert violations("msgpack-outside-wire", "import msgpack\n", "sync/wirex.py") != []
