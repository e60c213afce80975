"""Every "(s)" a person could read goes through `ui.wording.plural` (issue 17, item 9:
"1 answers", "item(s)"): a static check over ui/, so a new view cannot bring it back.

A `tr(...)`/`translate(...)` whose text holds "(s)" must carry `%n` and be handed to
`plural()` — directly, or through the name it was assigned to in the same function.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
TRANSLATING = {"tr", "translate"}


def _text(call: ast.Call) -> str | None:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in TRANSLATING:
        return None
    literal = call.args[1] if name == "translate" and len(call.args) > 1 else (call.args or [None])[0]
    return literal.value if isinstance(literal, ast.Constant) and isinstance(literal.value, str) else None


def _pluralised(scope: ast.AST) -> tuple[set[int], set[str]]:
    """ids of calls passed straight to plural(), and names passed to it, in `scope` (a
    module: a name is matched module-wide, which is loose but catches a bare "(s)")."""
    calls, names = set(), set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "plural" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Call):
                calls.add(id(first))
            elif isinstance(first, ast.Name):
                names.add(first.id)
    return calls, names


def offenders(source: str, filename: str) -> list[str]:
    tree = ast.parse(source, filename)
    calls, names = _pluralised(tree)
    assigned = {
        id(node.value): target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        text = _text(node) if isinstance(node, ast.Call) else None
        if text is None or "(s)" not in text:
            continue
        counted = "%n" in text or "%Ln" in text
        if not (counted and (id(node) in calls or assigned.get(id(node)) in names)):
            found.append(f"{filename}:{node.lineno}: {text!r}")
    return sorted(found)


def test_every_s_in_parentheses_is_a_plural() -> None:
    found = [line for path in sorted(UI.glob("*.py")) for line in offenders(path.read_text(), path.name)]
    assert found == []


def test_the_check_finds_a_bare_s_and_accepts_plural() -> None:
    bare = 'def f(self, n):\n    return self.tr("%n answer(s)", "", n)\n'
    direct = 'def f(self, n):\n    return plural(self.tr("%n answer(s)", "", n), n)\n'
    named = 'def f(self, n):\n    t = self.tr("%n answer(s)", "", n)\n    return plural(t, n)\n'
    formatted = 'def f(self, n):\n    return plural(self.tr("{n} answer(s)"), n)\n'
    assert offenders(bare, "x.py") == ["x.py:2: '%n answer(s)'"]
    assert offenders(direct, "x.py") == [] and offenders(named, "x.py") == []
    assert offenders(formatted, "x.py") == ["x.py:2: '{n} answer(s)'"]
