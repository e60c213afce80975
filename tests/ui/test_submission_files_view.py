"""A submitted version's files in the Assignments tab, over real cores (one in-memory
network) and real widgets: Sam hands in his essay with a PDF attached; Kim, who reviews
it, sees the file's name and size under the work (never Sam's name), waits for it to
arrive and saves it — the bytes saved are the bytes submitted; Sam sees it under his
own work; the teacher sees it under the selected student's reviews and opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.services import assignments
from tests.ui.circles import circle_of, named, page
from tests.ui.conftest import WAIT_MS, Desk

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40  # 10,255 bytes


def test_the_reviewer_sees_the_attached_pdf_and_saves_the_same_bytes(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tess, sam, kim = named(desk, "tess", "Tess"), named(desk, "sam", "Sam"), named(desk, "kim", "Kim")
    space = circle_of(desk, tess, [sam, kim])
    essay = desk.call(
        lambda: assignments.create(
            tess.commands, space, title="Essay", brief="", criteria=["clarity:4"], reviewers=1, rounds=1
        )
    )
    found = assignments.FoundAssignment(space, essay)
    pdf = tmp_path / "mine" / "essay.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(PDF)
    for student, text, files in ((sam, "See the PDF.", [pdf]), (kim, "Dogs are loyal.", [])):
        qtbot.waitUntil(
            lambda student=student: bool(desk.call(lambda: assignments.listing(student.commands, space))),
            timeout=WAIT_MS,
        )
        desk.call(
            lambda student=student, text=text, files=files: assignments.submit(
                student.commands, found, text, "", files
            )
        )
    pages = [page(qtbot, person, space, members=3) for person in (tess, sam, kim)]  # kept alive
    teacher, mine, reviewer = (p.assignments for p in pages)
    qtbot.waitUntil(
        lambda: teacher.shown is not None and teacher.shown.detail.submissions == 2, timeout=WAIT_MS
    )
    desk.call(lambda: assignments.open_phase(tess.commands, found, "review"))

    # Kim reviews Sam's work: the PDF is listed under it, and arrives from Sam's device.
    reviewer.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: reviewer.tasks.count() == 1 and reviewer.task_files.names() == ["essay.pdf"],
                    timeout=WAIT_MS)  # fmt: skip
    files = reviewer.task_files
    assert files.isVisibleTo(reviewer) and files.heading.text() == "Attached to version 1:"
    assert [row.size.text() for row in files.files.rows] == ["10 KB"]
    qtbot.waitUntil(lambda: files.files.states() == ["on this device"], timeout=WAIT_MS)
    shown = " ".join(w.text() for w in (files.heading, *files.files.rows[0].widgets()) if hasattr(w, "text"))
    assert "Sam" not in shown and "Sam" not in reviewer.task_text.toPlainText()
    target = tmp_path / "kim's downloads" / "to review.pdf"
    target.parent.mkdir()
    offered: list[str] = []

    def answer_save(parent: Any, caption: str, suggested: str, *rest: Any) -> tuple[str, str]:
        offered.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer_save)
    row = files.files.rows[0]
    assert row.save.isEnabled()
    with qtbot.waitSignal(files.files.done, timeout=WAIT_MS):
        row.save.click()
    assert Path(offered[0]).name == "essay.pdf"
    assert target.read_bytes() == PDF

    # Sam sees his own file under his work.
    mine.sections.setCurrentIndex(1)
    qtbot.waitUntil(lambda: mine.my_files.names() == ["essay.pdf"], timeout=WAIT_MS)
    assert mine.my_files.files.states() == ["on this device"] and mine.my_files.isVisibleTo(mine)

    # The teacher sees it under the selected student's reviews, and opens it.
    teacher.sections.setCurrentIndex(5)
    qtbot.waitUntil(lambda: teacher.gradebook.topLevelItemCount() == 2, timeout=WAIT_MS)
    sams = next(i for i in range(2) if teacher.gradebook.topLevelItem(i).text(0) == "Sam")
    teacher.gradebook.setCurrentItem(teacher.gradebook.topLevelItem(sams))
    qtbot.waitUntil(lambda: teacher.work_files.names() == ["essay.pdf"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: teacher.work_files.files.states() == ["on this device"], timeout=WAIT_MS)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    with qtbot.waitSignal(teacher.work_files.files.done, timeout=WAIT_MS):
        teacher.work_files.files.rows[0].open.click()
    assert Path(opened[0].toLocalFile()).read_bytes() == PDF
    kims = next(i for i in range(2) if teacher.gradebook.topLevelItem(i).text(0) == "Kim")
    teacher.gradebook.setCurrentItem(teacher.gradebook.topLevelItem(kims))  # no files: none listed
    assert teacher.work_files.names() == [] and not teacher.work_files.isVisibleTo(teacher)
    assert not desk.runtime.failures


def test_a_long_file_name_is_elided_rather_than_widening_the_tab(qtbot: QtBot, desk: Desk) -> None:
    """At 800×600 the review tab's panes are narrow: a long name gives way (middle elided,
    the extension kept, the whole name in the tooltip) instead of holding the window wide."""
    from app.services.rows import SubmittedFile
    from sync.ids import SpaceId
    from ui.version_files import QtVersionFiles

    name = "Pendulum lab report — final version with all the measurements and the graphs.pdf"
    files = QtVersionFiles(desk.open("kim"))
    qtbot.addWidget(files)
    files.show_version(SpaceId(bytes(32)), 2, (SubmittedFile("ab" * 32, name, 2_300_000, True),))
    files.resize(380, 60)
    files.show()
    qtbot.waitUntil(lambda: files.files.rows[0].name.text() != name, timeout=WAIT_MS)
    label = files.files.rows[0].name
    assert label.minimumSizeHint().width() <= 80  # the whole name alone is wider than 380 here
    assert files.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(name)
    assert label.text().endswith(".pdf") and "…" in label.text() and label.toolTip() == name
    assert files.names() == [name]
    files.resize(1000, 60)
    qtbot.waitUntil(lambda: label.text() == name, timeout=WAIT_MS)
