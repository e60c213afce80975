"""`make lint`: no SQL outside the core. Queries live in `sync/` (`sync.views`,
`sync.paging`, `sync.reads`) behind typed results; import-linter cannot see SQL in strings,
so this does.

Flags, in every module of `app/`, `ui/` and `p2p/`: a string literal (f-strings and
implicitly joined literals included) that reads as an SQL statement, and any call of
`.execute`, `.executemany` or `.executescript`. Exempt, on purpose: the first paint's
reader `app/services/glance.py`, which reads SQLite before the core is imported (its
results are checked equal to the core's by tests/app/test_glance.py).

    python -m tests.lint.sql_outside_core [ROOT]     # exit 1 and file:line per finding
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

CHECKED = ("app", "ui", "p2p")
EXEMPT = {"app/services/glance.py"}
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+TABLE|PRAGMA\s+\w+)\b",
    re.IGNORECASE | re.DOTALL,
)
CALLS = {"execute", "executemany", "executescript"}


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def findings(source: str, name: str) -> Iterator[str]:
    tree = ast.parse(source, filename=name)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in parts:
            continue  # a piece of an f-string, read with the whole
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
            found.append((node.lineno, f"{name}:{node.lineno}: .{node.func.attr}() outside the core"))
        elif isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in docstrings:
            text = _literal_text(node)
            if text is not None and SQL.search(text) and text.strip().split()[0].isupper():
                shown = " ".join(text.split())[:60]
                message = f"{name}:{node.lineno}: SQL in a string outside the core: {shown!r}"
                found.append((node.lineno, message))
    for _, line in sorted(found, key=lambda item: item[0]):
        yield line


def check(root: Path) -> list[str]:
    found: list[str] = []
    for package in CHECKED:
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name not in EXEMPT:
                found += findings(path.read_text(encoding="utf-8"), name)
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    found = check(root)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} SQL statement(s) outside sync/: move them into sync.reads.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
