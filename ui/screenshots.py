"""`python -m ui.screenshots [OUT] [--theme light|dark] [--lang zh_CN]`: PNGs of the main
screens over a live demo circle (with `--theme dark`, named `NAME-dark.png`; with
`--lang zh_CN`, `NAME-zh_CN.png`: the Chinese needs a CJK font, docs/translations.md),
then of a teacher's screens (the Teacher's desk, an assignment's progress board and its
assessment) over a small class of two in-process students (`_workshop`), then the
Coaching screens (`ui.screenshot_coaching`: a pair, Find a coach, messages, a survey's
results).

Runs the real launcher with `--demo` in a throwaway data directory (offscreen works:
`QT_QPA_PLATFORM=offscreen`), waits until the demo content has arrived, and grabs each
screen with `QWidget.grab()`. `make screenshots` writes them to docs/screenshots/.
GUI thread; the waiting runs on the trio guest run.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import trio
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from app import identity
from app.services import assignments, helpdesk, notes
from sync.ids import OpId, SpaceId
from ui.first_run import FirstRunDialog
from ui.launcher import Launch, run_desktop
from ui.main_window import MainWindow
from ui.runtime import Runtime
from ui.theme import apply_theme
from ui.translations import install

if TYPE_CHECKING:
    from app.core import Core
    from app.launch import Network

SIZE = (1200, 760)


async def until(check: Callable[[], bool], deadline: float = 60.0) -> None:
    with trio.fail_after(deadline):
        while not check():
            await trio.sleep(0.05)


SUFFIX = {"light": "", "dark": "-dark"}
suffix = ""


def save(widget: QWidget, out: Path, name: str) -> None:
    QApplication.processEvents()
    path = out / f"{name}{suffix}.png"
    widget.grab().save(str(path))
    print(path)


async def shoot(runtime: Runtime, out: Path, home: Path) -> None:
    dialog = FirstRunDialog()
    dialog.name.setText("Ana")
    dialog.circle_name.setText("Linear algebra, group B")
    dialog.show()
    save(dialog, out, "first-run")
    dialog.close()

    identity.create(home, "Ana")
    windows: list[MainWindow] = []
    settings = QSettings(str(home / "desktop.ini"), QSettings.Format.IniFormat)
    launch = Launch(home=home, demo=True, settings=settings, verify_workers=0, on_window=windows.append)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(run_desktop, runtime, launch)
        await until(lambda: bool(windows) and bool(windows[0].circles))
        window = windows[0]
        window.resize(*SIZE)
        commands = window.session.commands
        for title, text in (
            ("Eigenvalues", "The roots of det(A − λI) = 0.\n\nSee also [[Determinants]]."),
            ("Determinants", "- det(AB) = det(A)det(B)\n- volume scale factor"),
        ):  # on the core thread, where the data lives
            add = lambda title=title, text=text: notes.add(commands, title, text, ["exam"])  # noqa: E731
            await runtime.core_thread.call(add)
        page = next(iter(window.circles.values()))
        await until(lambda: page.discussion.threads.count() >= 2 and page.helpdesk.list.count() >= 2)
        await until(lambda: page.resources.list.count() >= 2 and page.chat.log.count() >= 2)
        await until(lambda: len(page.context.members) >= 3)

        def classmates_level() -> bool:  # the demo's two classmates connected, no session running
            status = window.session.network_status
            return status is not None and len(status.connected) >= 2 and not status.sessions_running

        await until(classmates_level)
        window.sync_status.update_text()

        page.discussion.threads.setCurrentRow(page.discussion.threads.count() - 1)
        await until(lambda: page.discussion.replies.count() >= 1)
        page.tabs.setCurrentWidget(page.discussion)
        save(window, out, "discussion")
        page.helpdesk.list.setCurrentRow(page.helpdesk.list.count() - 1)
        await until(lambda: page.helpdesk.answers.count() >= 1)
        page.tabs.setCurrentWidget(page.helpdesk)
        save(window, out, "help-desk")
        for tab, name in ((page.chat, "chat"), (page.resources, "resources"), (page.members, "members")):
            page.tabs.setCurrentWidget(tab)
            save(window, out, name)
        page.tabs.setCurrentWidget(page.discussion)
        page.start_search()  # Ctrl+F
        page.search.line.setText("det")
        await until(lambda: page.search.hits.count() >= 2)
        save(window, out, "search")
        page.search.close_search()
        window.open_page("notes")
        await until(lambda: window.notes.list.count() >= 2)
        window.notes.list.setCurrentRow(0)
        await until(lambda: window.notes.backlinks.count() >= 1)
        save(window, out, "my-notes")
        await teacher_screens(runtime, window, out, home.parent)
        from ui.screenshot_coaching import coaching_screens

        await coaching_screens(runtime, window, lambda w, name: save(w, out, name), home.parent, until)
        window.close()


async def teacher_screens(runtime: Runtime, window: MainWindow, out: Path, base: Path) -> None:
    core, network = window.session.core, window.session.network
    assert core is not None and network is not None
    space, essay = await runtime.core_thread.call(lambda: _workshop(core, network, base))
    await until(lambda: any(known == space for known, _ in window.circle_names))
    window.show_desk()
    desk = window.desk
    await until(
        lambda: desk.view is not None and len(desk.view.progress) >= 1 and len(desk.view.requests) >= 2
    )
    save(window, out, "teachers-desk")
    page = window.circle(space)
    view = page.assignments
    page.tabs.setCurrentWidget(view)
    view.show_assignment(essay.hex())
    await until(
        lambda: view.shown is not None and view.shown.board is not None and view.shown.board.done >= 2
    )
    view.sections.setCurrentIndex(4)
    save(window, out, "assignment-progress")
    commands = window.session.commands
    found = assignments.FoundAssignment(space, essay)
    await runtime.core_thread.call(lambda: assignments.open_phase(commands, found, "assessment"))
    await until(lambda: view.shown is not None and view.shown.detail.phase == "assessment")
    view.sections.setCurrentIndex(5)
    first = view.gradebook.topLevelItem(0)
    if first is not None:
        view.gradebook.setCurrentItem(first)
    save(window, out, "assignment-assessment")


async def _workshop(ana: Core, network: Network, base: Path) -> tuple[SpaceId, OpId]:
    """A circle Ana teaches: an essay with a rubric, two students who submit and review
    each other, a help request linked to the essay. On the core thread."""
    from app.demo import _Changed, _core

    space = await ana.create_circle("Essay workshop")
    async with (
        _core(network, base / "sam", "Sam", _Changed()) as sam,
        _core(network, base / "kim", "Kim", _Changed()) as kim,
    ):
        for student in (sam, kim):
            await student.join(await ana.invite(space, role="member", uses=1))
        essay = await assignments.create(
            ana.commands, space, title="Essay: argue a case", brief="Argue for one side in 300 words.",
            criteria=["clarity:4:Is the argument easy to follow?", "evidence:3:Are claims supported?"],
            reviewers=1, rounds=1,
        )  # fmt: skip
        found = assignments.FoundAssignment(space, essay)
        texts = {
            "Sam": "Cats are better pets.\nThey purr and need little space.\n",
            "Kim": "Dogs are loyal.\n",
        }
        for student in (sam, kim):
            await _until_true(partial(_has, student, space))
            await assignments.submit(student.commands, found, texts[student.commands.identity.name], "")
        await _until_true(lambda: _count(ana, found, 2))
        await assignments.open_phase(ana.commands, found, "review")
        for student, score in ((sam, "3"), (kim, "2")):
            await _until_true(partial(_tasks, student, found))
            (task,) = await assignments.review_tasks(student.commands, found)
            scores = [f"clarity={score}", "evidence=2"]
            note = {"clarity": "The second sentence carries it."}
            await assignments.write_review(
                student.commands, task.submission_id, scores, "Add a source.", note
            )
        await helpdesk.ask(kim.commands, space, "How long should the essay be?", "", [], link=essay)
        await helpdesk.ask(sam.commands, space, "Can I cite a blog?", "", [])
        await _until_true(lambda: _reviews_in(ana, found, 2))
        await _until_true(lambda: _requests_in(ana, space, 2))
    return space, essay


async def _until_true(check: Callable[[], Awaitable[bool]], deadline: float = 60.0) -> None:
    with trio.fail_after(deadline):
        while not await check():
            await trio.sleep(0.1)


async def _has(core: Core, space: SpaceId) -> bool:
    return (
        bool(await assignments.listing(core.commands, space))
        if space in dict(await core.commands.circles())
        else False
    )


async def _count(core: Core, found: assignments.FoundAssignment, n: int) -> bool:
    return (await assignments.detail(core.commands, found)).submissions >= n


async def _tasks(core: Core, found: assignments.FoundAssignment) -> bool:
    return bool(await assignments.review_tasks(core.commands, found))


async def _reviews_in(core: Core, found: assignments.FoundAssignment, n: int) -> bool:
    from app.services import assessment_board

    return (await assessment_board.board(core.commands, found)).done >= n


async def _requests_in(core: Core, space: SpaceId, n: int) -> bool:
    return len(await helpdesk.listing(core.commands, space)) >= n


def main(argv: list[str] | None = None) -> int:
    global suffix
    args = sys.argv[1:] if argv is None else argv
    theme = "light"
    if "--theme" in args:
        at = args.index("--theme")
        theme = args[at + 1]
        args = args[:at] + args[at + 2 :]
    language = None
    if "--lang" in args:
        at = args.index("--lang")
        language = args[at + 1]
        args = args[:at] + args[at + 2 :]
    suffix = SUFFIX[theme] + (f"-{language}" if language else "")
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    if language:
        install(app, language)
    apply_theme(app, theme)
    app.setQuitOnLastWindowClosed(False)
    runtime = Runtime()
    runtime.finished.connect(app.quit)
    with tempfile.TemporaryDirectory(prefix="studycircle-shots-") as home:
        runtime.start(lambda rt: shoot(rt, out, Path(home) / "ana"))
        app.exec()
    return 1 if runtime.error is not None else 0


if __name__ == "__main__":
    sys.exit(main())
