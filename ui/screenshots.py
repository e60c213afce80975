"""`python -m ui.screenshots [OUT] [--theme light|dark] [--lang zh_CN]`: PNGs of the main
screens over a live demo circle (with `--theme dark`, named `NAME-dark.png`; with
`--lang zh_CN`, `NAME-zh_CN.png`: the Chinese needs a CJK font, docs/translations.md),
then of a teacher's screens (the Teacher's desk, an assignment's progress board and its
assessment) over a small class of two in-process students (`_workshop`), then of a
student's (what is to do, the review form, the feedback received and the round-2 diff)
in a seminar another teacher runs (`_seminar`), then the Coaching screens
(`ui.screenshot_coaching`: a pair, Find a coach, messages, a survey's results).

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
        await student_screens(runtime, window, out, home.parent)
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


async def student_screens(runtime: Runtime, window: MainWindow, out: Path, base: Path) -> None:
    """Ana as a student: three assignments in Lee's seminar, each at a stage worth seeing."""
    core, network = window.session.core, window.session.network
    assert core is not None and network is not None
    space, (todo, form, rounds) = await runtime.core_thread.call(lambda: _seminar(core, network, base))
    await until(lambda: any(known == space for known, _ in window.circle_names))
    page = window.circle(space)
    view = page.assignments
    page.tabs.setCurrentWidget(view)

    async def showing(assignment: OpId) -> None:
        view.show_assignment(assignment.hex())
        await until(lambda: view.shown is not None and view.shown.detail.assignment_id == assignment.hex())

    await until(lambda: view.list.count() == 3)

    def quiet() -> bool:  # Lee and Max have gone: nobody left behind, no session running
        status = window.session.network_status
        return status is not None and not status.sessions_running and not status.peers_behind

    with trio.move_on_after(15):  # the status bar only; the screens are right either way
        await until(quiet)
    window.sync_status.update_text()
    await showing(todo)
    view.sections.setCurrentIndex(1)  # My work: nothing submitted yet, a start typed
    view.work.setPlainText(
        "# Plan\n\n1. The claim: the printing press changed how people argued.\n2. Two sources:"
    )
    save(window, out, "assignment-to-do")

    await showing(form)
    view.sections.setCurrentIndex(2)  # Reviews to do: the work beside the rubric as a form
    await until(lambda: view.form is not None and view.form.property("task") is not None)
    assert view.form is not None
    view.form.set_score("sources", 2)
    view.form.notes["sources"].setText("Both are named; say why the second is reliable.")
    view.form.set_score("argument", 3)
    view.form.notes["sources"].setCursorPosition(0)  # the comment's start, as one reads it
    save(window, out, "assignment-review-form")

    await showing(rounds)
    view.sections.setCurrentIndex(2)  # round 2: what changed since the version reviewed
    await until(lambda: bool(view.shown and view.shown.tasks and view.shown.tasks[0].diff))
    await until(lambda: view.form is not None and view.form.property("task") is not None)
    assert view.form is not None
    view.form.set_score("sources", 4)
    view.form.notes["sources"].setText("Now says why printers' records weigh more.")
    view.form.notes["sources"].setCursorPosition(0)
    save(window, out, "assignment-round-2-diff")
    view.sections.setCurrentIndex(3)  # Feedback: both rounds, the reviewers anonymous
    await until(lambda: bool(view.shown and len(view.shown.received) >= 2))
    save(window, out, "assignment-feedback")


async def _seminar(ana: Core, network: Network, base: Path) -> tuple[SpaceId, tuple[OpId, OpId, OpId]]:
    """Lee's seminar, where Ana and Max are students: an essay plan to submit (to do),
    reading notes in review (a review to write), a source analysis in its second review
    round (the change to see, feedback from two rounds). On the core thread."""
    from app.demo import _Changed, _core

    async with (
        _core(network, base / "lee", "Lee", _Changed()) as lee,
        _core(network, base / "max", "Max", _Changed()) as max_,
    ):
        space = await lee.create_circle("History seminar")
        for student in (ana, max_):
            await student.join(await lee.invite(space, role="member", uses=1))
        rubric = [
            "sources:4:Are the sources named, and is their reliability weighed?",
            "argument:4:Does each step follow from the evidence?",
        ]

        async def create(title: str, brief: str, rounds: int) -> assignments.FoundAssignment:
            made = await assignments.create(
                lee.commands, space, title=title, brief=brief, criteria=rubric, reviewers=1, rounds=rounds
            )
            return assignments.FoundAssignment(space, made)

        async def both_submit(found: assignments.FoundAssignment, texts: dict[str, str], note: str) -> None:
            for student in (ana, max_):
                await _until_true(partial(_knows, student, found))  # this one, not just any
                name = student.commands.identity.name
                await assignments.submit(student.commands, found, texts[name], note)

        async def review_by(
            student: Core,
            found: assignments.FoundAssignment,
            round_: int,
            scores: list[str],
            said: tuple[str, str],
        ) -> None:
            async def allocated() -> bool:
                tasks = await assignments.review_tasks(student.commands, found)
                return bool(tasks) and (await assignments.detail(student.commands, found)).round == round_

            await _until_true(allocated)
            (task,) = await assignments.review_tasks(student.commands, found)
            await assignments.write_review(
                student.commands, task.submission_id, scores, said[0], {"sources": said[1]}
            )

        analysis = await create(
            "Source analysis: the printing press",
            "Compare two sources on the printing press; say which you trust more and why.",
            2,
        )
        first = {
            "Ana": "Eisenstein says the press fixed texts.\nJohns says printers varied a lot.\n",
            "Max": "Both sources agree the press mattered.\n",
        }
        await both_submit(analysis, first, "")
        await _until_true(lambda: _count(lee, analysis, 2))
        await assignments.open_phase(lee.commands, analysis, "review")
        for student in (ana, max_):
            await review_by(
                student, analysis, 1, ["sources=2", "argument=3"],
                ("A clear start; weigh the sources.", "The second source is named but not weighed."),
            )  # fmt: skip
        await _until_true(lambda: _reviews_in(lee, analysis, 2))
        await assignments.open_phase(lee.commands, analysis, "revision")
        second = {
            "Ana": first["Ana"] + "Johns is closer to the archives, so I trust her more.\n",
            "Max": "Both sources agree the press mattered.\nEisenstein wrote first; Johns answers her with"
            " printers' records, which I trust more.\n",
        }
        await both_submit(analysis, second, "Weighed the two sources")
        await _until_true(lambda: _revised(lee, analysis, 2))
        await assignments.open_phase(lee.commands, analysis, "review")
        await review_by(
            max_, analysis, 2, ["sources=4", "argument=3"],
            ("Much stronger: the last line decides it.", "Now weighed, with a reason."),
        )  # fmt: skip

        notes = await create("Reading notes, week 3", "Summarise chapter 3 in ten lines.", 1)
        texts = {
            "Ana": "Chapter 3: presses spread along trade routes.\n",
            "Max": "Chapter 3 in ten lines.\n\n1. Presses followed the trade routes south.\n"
            "2. Venice printed more than any other city by 1500.\n3. Printers were merchants first.\n",
        }
        await both_submit(notes, texts, "")
        await _until_true(lambda: _count(lee, notes, 2))
        await assignments.open_phase(lee.commands, notes, "review")
        plan = await create("Essay plan", "A claim and the two sources you will use.", 1)

        async def arrived() -> bool:
            if len(await assignments.listing(ana.commands, space)) < 3:
                return False
            tasks = await assignments.review_tasks(ana.commands, analysis)
            got = await assignments.received(ana.commands, analysis)
            return bool(tasks) and tasks[0].version == 2 and len(got) >= 2

        await _until_true(arrived)
        await _until_true(lambda: _tasks(ana, notes))
    return space, (OpId(plan.assignment), OpId(notes.assignment), OpId(analysis.assignment))


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


async def _knows(core: Core, found: assignments.FoundAssignment) -> bool:
    if found.space not in dict(await core.commands.circles()):
        return False
    listed = await assignments.listing(core.commands, found.space)
    return any(row.assignment_id == found.assignment.hex() for row in listed)


async def _count(core: Core, found: assignments.FoundAssignment, n: int) -> bool:
    return (await assignments.detail(core.commands, found)).submissions >= n


async def _revised(core: Core, found: assignments.FoundAssignment, n: int) -> bool:
    from app.services import assessment_board

    return (await assessment_board.board(core.commands, found)).revised >= n


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
