"""The translations: every string in ui/ is in each .ts and translated, the committed .qm
is what lrelease makes of the .ts, a translation keeps its source's placeholders; the
language comes from --lang else the system locale, and with zh_CN loaded the window
speaks Chinese (real widgets over real cores).

A failure lists the strings to translate (context: source): run `make translations`,
translate them in the .ts (docs/translations.md), then `make translations` again.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow
from ui.translations import choose, install
from ui.wording import plural

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
TS_FILES = sorted(TRANSLATIONS.glob("studycircle_*.ts"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} not found (it comes with PySide6)"
    return str(found)


def messages(ts: Path) -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name") or "", message


def test_there_is_a_chinese_translation() -> None:
    assert TRANSLATIONS / "studycircle_zh_CN.ts" in TS_FILES


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_every_ui_string_is_in_the_ts_and_translated(ts: Path, tmp_path: Path) -> None:
    fresh = tmp_path / ts.name  # what `make translations` would make of today's ui/
    shutil.copy(ts, fresh)
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run(
        [tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete", "-locations", "none"],
        check=True,
        capture_output=True,
    )
    found = list(messages(fresh))
    assert len(found) > 300
    untranslated = [
        f"{context}: {message.findtext('source')!r}"
        for context, message in found
        if message.find("translation") is None or message.find("translation").get("type") is not None
    ]
    assert not untranslated, f"{ts.name}: {len(untranslated)} strings to translate:\n" + "\n".join(
        untranslated
    )


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_the_qm_is_compiled_from_the_ts(ts: Path, tmp_path: Path) -> None:
    compiled = tmp_path / "fresh.qm"
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(compiled)], check=True)
    committed = ts.with_suffix(".qm")
    assert committed.exists(), f"{committed.name} missing: run `make translations`"
    assert committed.read_bytes() == compiled.read_bytes(), (
        f"{committed.name} is stale: run `make translations`"
    )


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.stem)
def test_translations_keep_the_placeholders(ts: Path) -> None:
    wrong = []
    for context, message in messages(ts):
        source = message.findtext("source") or ""
        forms = [f.text or "" for f in message.iter("numerusform")] or [message.findtext("translation") or ""]
        needed = set(re.findall(r"\{[^{}]*\}|%L?n", source))
        for form in forms:
            if set(re.findall(r"\{[^{}]*\}|%L?n", form)) != needed or ("&" in source) != ("&" in form):
                wrong.append(f"{context}: {source!r} -> {form!r}")
    assert not wrong, "\n".join(wrong)


def translation_calls(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line, context, source) of each tr()/translate()/QT_TRANSLATE_NOOP with literal text:
    `self.tr` in its class, `NAME.tr` under NAME, as lupdate files them."""

    def literal(args: list[ast.expr], at: int) -> str | None:
        if len(args) > at and isinstance(args[at], ast.Constant) and isinstance(args[at].value, str):
            return str(args[at].value)
        return None

    def walk(node: ast.AST, cls: str | None) -> Iterator[tuple[int, str | None, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from walk(child, child.name)
                continue
            if isinstance(child, ast.Call):
                func, args = child.func, child.args
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if (
                    name == "tr"
                    and isinstance(func, ast.Attribute)
                    and (text := literal(args, 0)) is not None
                ):
                    owner = getattr(func.value, "id", None)
                    yield child.lineno, cls if owner == "self" else owner, text
                elif name in ("translate", "QT_TRANSLATE_NOOP"):
                    context, text = literal(args, 0), literal(args, 1)
                    if context is not None and text is not None:
                        yield child.lineno, context, text
            yield from walk(child, cls)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")), None)


def test_lupdate_sees_every_translated_call() -> None:
    """lupdate silently skips a call whose arguments hold `//` or a nested call, and files
    `obj.tr()` under the variable's name: each call in ui/ must be in the .ts as Qt looks
    it up."""
    held = {(context, message.findtext("source")) for context, message in messages(TS_FILES[0])}
    missed = [
        f"{path.name}:{line} {context}: {text!r}"
        for path in sorted((ROOT / "ui").glob("*.py"))
        for line, context, text in translation_calls(path)
        if (context, text) not in held
    ]
    assert not missed, "\n".join(missed)


def test_no_tr_of_a_variable() -> None:
    """`self.tr(word)` with a variable is invisible to lupdate: the words stay English."""
    found = []
    for path in sorted((ROOT / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func, first = node.func, node.args[0]  # (translate()'s context may be a variable)
            if isinstance(func, ast.Attribute) and func.attr == "tr" and not isinstance(first, ast.Constant):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("requested", "system", "expected"),
    [
        ("zh_CN", "en_GB", "zh_CN"),
        ("en", "zh_CN", None),  # --lang en forces English
        (None, "zh_CN", "zh_CN"),
        (None, "zh_TW", "zh_CN"),  # any Chinese locale: the one Chinese translation
        (None, "en_US", None),
        (None, "C", None),
        (None, "fr_FR", None),  # an untranslated system language: English
    ],
)
def test_the_language_comes_from_lang_else_the_system(
    requested: str | None, system: str, expected: str | None
) -> None:
    assert choose(requested, system) == expected


def test_an_unknown_lang_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    from ui.__main__ import main

    assert main(["--lang", "fr"]) == 2
    assert capsys.readouterr().err.strip() == "python -m ui: no translation for 'fr'; available: en, zh_CN"


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    default = QLocale()
    installed = install(qapp, "zh_CN")
    assert len(installed) == 2  # the app's and Qt's own (qtbase_zh_CN.qm)
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    QLocale.setDefault(default)


def test_in_chinese_the_window_and_a_circle_speak_chinese(
    qtbot: QtBot, desk: Desk, tmp_path: Path, chinese: None
) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["圈子(&C)", "网络(&N)", "设备(&D)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    circle = page(qtbot, ana, space, members=2)
    tabs = [circle.tabs.tabText(i) for i in range(circle.tabs.count())]
    assert tabs == ["讨论", "聊天", "求助台", "作业", "资源", "问卷", "成员"]
    qtbot.waitUntil(lambda: circle.helpdesk.empty.shown, timeout=WAIT_MS)
    assert circle.helpdesk.empty.text() == "还没有求助——用“求助…”（Ctrl+N）提问。"
    # a count through Qt's own %n handling, and Qt's standard buttons from qtbase_zh_CN
    assert plural(QCoreApplication.translate("QtMembers", "%n answer(s)", "", 3), 3) == "3 个回答"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert not desk.runtime.failures


def test_in_english_nothing_is_translated(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    circle = page(qtbot, ana, circle_of(desk, ana, [ben], name="Algebra"), members=2)
    assert circle.tabs.tabText(2) == "Help desk"


def test_in_chinese_the_errors_the_app_raises_are_shown_in_chinese(
    qtbot: QtBot, desk: Desk, chinese: None
) -> None:
    """The services word their errors in English (the CLI's); the window's `attempt`
    shows the ones `ui.error_words` knows in Chinese, a varying part kept as it came."""
    from app.services import discussion, resources
    from ui.errors import attempt

    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = circle_of(desk, ana, [ben], name="Algebra")

    def shown(work) -> str:
        ok, message = desk.call(lambda: attempt(work, where="test"))
        assert not ok, message
        return message

    assert shown(lambda: discussion.new_thread(ana.commands, space, "  ", "text", [])) == "话题需要一个标题。"
    link = shown(lambda: resources.add(ana.commands, space, title="Notes", url="ftp://example.org"))
    assert link == "链接必须以 http:// 或 https:// 开头。"
    bad_code = shown(lambda: ana.core.join("not a code"))
    assert bad_code.startswith("这个邀请码无效：") and bad_code.endswith("。"), bad_code
    assert not desk.runtime.failures


def test_an_error_the_table_does_not_know_is_shown_as_it_came() -> None:
    from app.errors import CommandError
    from ui.errors import describe

    assert describe(CommandError("Something new went wrong.")) == "Something new went wrong."
    assert describe(CommandError("A thread needs a title.")) == "A thread needs a title."  # English UI


def test_in_chinese_an_unexpected_error_is_still_logged(
    chinese: None, caplog: pytest.LogCaptureFixture
) -> None:
    """`attempt` logs by the error's kind, not by its (translated) words."""
    import trio

    from ui.errors import attempt

    async def broken() -> None:
        raise RuntimeError("boom")

    ok, message = trio.run(lambda: attempt(broken, where="the test"))
    assert not ok and message.startswith("意外错误") and "boom" in message
    assert "Unexpected error in the test" in caplog.text
