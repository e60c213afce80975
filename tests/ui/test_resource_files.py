"""Files in the Resources tab, through the real widgets over real cores on one in-memory
network and real files in tmp_path: attached with Attach files… (the file dialog answered
by the test) or dropped on the tab and on the dialog; a file over 50 MiB, or one that
grew past it, refused on the dialog's line with nothing written; the resource reaching a
second person, whose preview lists its files as "not here yet", then "arriving… N %"
while the bytes come, then "on this device"; Save as… writing the same bytes; Open making
one copy inside the data folder; and a name another member chose ("../../evil.sh") kept
inside the folder it is opened or saved in.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import trio
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from app.network.blob_service import BLOB_PROTOCOL
from app.paths import opened_files_path
from app.services import resources
from app.services.rows import FileProgress
from p2p.framing import FramedStream
from p2p.identity import PeerId
from sync import blobs, writer
from sync.content import MAX_FILE_BYTES
from tests.ui.circles import circle_of, page
from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_discussion_paging import shown
from ui.resource_dialog import ResourceDialog
from ui.resources_view import QtResources
from ui.session import Session

MiB = 1024 * 1024


def a_file(folder: Path, name: str, size: int, seed: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def drop(target: QWidget, paths: list[Path]) -> QDropEvent:
    """Drop `paths` on `target` as a file manager would (drag enter, then drop)."""
    from PySide6.QtGui import QDragEnterEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(target.rect().center(), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(target.rect().center()), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(target, event)
    assert event.isAccepted()
    return event


def library(desk: Desk, session: Session, space: Any) -> list[tuple[str, list[str]]]:
    rows = desk.call(lambda: resources.listing(session.commands, space))
    return [(row.title, [file.name for file in row.files]) for row in rows]


def held_files(desk: Desk, session: Session) -> int:
    core = session.core
    assert core is not None
    return int(desk.call(core.held_files))


KEPT: list[QWidget] = []  # the circle pages shown (a page no one holds is deleted with its tabs)


def resources_tab(qtbot: QtBot, session: Session, space: Any, members: int) -> QtResources:
    circle = shown(qtbot, page(qtbot, session, space, members=members))
    circle.tabs.setCurrentWidget(circle.resources)
    KEPT.append(circle)
    return circle.resources


@pytest.fixture(autouse=True)
def _let_pages_go() -> Any:
    yield
    KEPT.clear()


def select_first(qtbot: QtBot, view: QtResources) -> None:
    qtbot.waitUntil(lambda: view.list.count() > 0, timeout=WAIT_MS)
    view.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: view.files.isVisibleTo(view), timeout=WAIT_MS)


def test_files_attached_with_the_button_arrive_at_a_classmate_with_progress_and_save_identically(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    space = circle_of(desk, ana, [ben])
    slides = a_file(tmp_path / "mine", "slides.pdf", 3 * MiB + 4321)
    sheet = a_file(tmp_path / "mine", "sheet.txt", 700, seed=4)

    # Ana's device serves files only once the test lets it: Ben's preview is seen first.
    assert ana.core is not None
    core = ana.core
    gate: list[trio.Event] = []

    async def hold_files() -> None:
        gate.append(trio.Event())

        async def gated(peer: PeerId, stream: FramedStream) -> None:
            await gate[0].wait()
            await core.blobs._serve(peer, stream)

        core.host.set_stream_handler(BLOB_PROTOCOL, gated)

    desk.call(hold_files)

    anas = resources_tab(qtbot, ana, space, members=2)
    asked: list[Any] = []

    def answer_open(*args: Any) -> tuple[list[str], str]:
        asked.append(args)
        return [str(slides), str(sheet)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", answer_open)
    anas.add_button.click()
    dialog = anas.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.attach_button.click()
    assert len(asked) == 1 and dialog.paths == [slides, sheet]
    assert [dialog.attached.item(i).text() for i in range(2)] == [
        "slides.pdf  ·  3.0 MB",
        "sheet.txt  ·  700 bytes",
    ]
    dialog.title.setText("Week 3")
    dialog.accept()
    qtbot.waitUntil(
        lambda: library(desk, ana, space) == [("Week 3", ["slides.pdf", "sheet.txt"])], timeout=WAIT_MS
    )
    select_first(qtbot, anas)
    assert anas.files.states() == ["on this device", "on this device"]

    bens = resources_tab(qtbot, ben, space, members=2)
    window = QMainWindow()  # Ben's page in a window: a big file's progress shows in its status bar
    window.setCentralWidget(KEPT[-1])
    KEPT.append(window)
    window.show()
    view = bens.files
    seen: list[tuple[FileProgress, list[str], str]] = []
    status = window.statusBar()
    ben.file_progress.connect(  # after the view's own slot: what it shows then
        lambda progress: seen.append((progress, view.states(), status.currentMessage()))
    )
    select_first(qtbot, bens)
    assert view.states() == ["not here yet", "not here yet"]
    assert [row.name.text() for row in view.rows] == ["slides.pdf", "sheet.txt"]
    assert [row.size.text() for row in view.rows] == ["3.0 MB", "700 bytes"]
    assert not view.rows[0].save.isEnabled() and not view.rows[0].open.isEnabled()

    desk.call(lambda: _set(gate[0]))
    qtbot.waitUntil(lambda: view.states() == ["on this device", "on this device"], timeout=WAIT_MS)
    slides_blob = blobs.blob_id(slides.read_bytes()).hex()
    arriving = [(states[0], said) for progress, states, said in seen if progress.blob == slides_blob]
    assert arriving == [
        ("arriving… 0 %", "Receiving slides.pdf… 0 %"),
        ("arriving… 33 %", "Receiving slides.pdf… 33 %"),
        ("arriving… 66 %", "Receiving slides.pdf… 66 %"),
        ("arriving… 99 %", "Receiving slides.pdf… 99 %"),
        ("arriving… 100 %", "Receiving slides.pdf… 100 %"),
        ("on this device", "slides.pdf is on this device."),
    ]
    small = [(states[1], said) for progress, states, said in seen if progress.blob != slides_blob]
    assert small[-1][0] == "on this device"
    assert not any("sheet.txt" in said for _, said in small)  # too small to be said in the status bar
    assert ben.arriving == {}
    assert view.rows[0].save.isEnabled() and view.rows[0].open.isEnabled()

    offered: list[str] = []
    target = tmp_path / "ben's downloads" / "copy of slides.pdf"
    target.parent.mkdir()

    def answer_save(parent: Any, caption: str, suggested: str, *rest: Any) -> tuple[str, str]:
        offered.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer_save)
    with qtbot.waitSignal(view.done, timeout=WAIT_MS):
        view.rows[0].save.click()
    assert Path(offered[0]).name == "slides.pdf"
    assert target.read_bytes() == slides.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy of slides.pdf"]  # no partial left

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    for _ in range(2):
        with qtbot.waitSignal(view.done, timeout=WAIT_MS):
            view.rows[1].open.click()
    home = desk.home("ben", create=False)
    copies = list(opened_files_path(home).rglob("*"))
    assert [p.name for p in copies if p.is_file()] == ["sheet.txt"]  # opened twice: one copy
    assert [Path(url.toLocalFile()) for url in opened] == [view.opened_last] * 2
    assert view.opened_last is not None and view.opened_last.read_bytes() == sheet.read_bytes()
    assert not desk.runtime.failures


def _set(event: trio.Event) -> Any:
    async def setter() -> None:
        event.set()

    return setter()


def test_dropped_files_open_the_dialog_and_one_over_50_mib_is_refused_with_nothing_written(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana = desk.open("ana")
    space = circle_of(desk, ana, [])
    view = resources_tab(qtbot, ana, space, members=1)
    notes = a_file(tmp_path, "notes.md", 2_000)
    photo = a_file(tmp_path, "board.jpg", 40_000, seed=9)
    huge = tmp_path / "lecture.mp4"
    with huge.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # one byte over, sparse: nothing this big is read

    drop(view.preview.viewport(), [notes])  # on the tab's preview: the tab takes it
    dialog = view.dialog
    assert isinstance(dialog, ResourceDialog) and dialog.isVisible() and dialog.paths == [notes]

    drop(dialog, [huge])
    assert dialog.paths == [notes] and dialog.attached.count() == 1
    assert dialog.note.isVisibleTo(dialog) and "\n" not in dialog.note.text()
    assert "lecture.mp4" in dialog.note.text() and "at most 50 MiB" in dialog.note.text()

    (tmp_path / "week 3").mkdir()
    drop(dialog, [tmp_path / "week 3"])
    assert (
        dialog.paths == [notes]
        and "week 3 is a folder; share the files in it one by one." in dialog.note.text()
    )

    drop(dialog.text.viewport(), [photo])  # on the text box: attached, not pasted as text
    assert dialog.paths == [notes, photo] and dialog.text.toPlainText() == ""
    assert not dialog.note.isVisibleTo(dialog)

    dialog.attached.setCurrentRow(0)
    dialog.remove_button.click()
    assert dialog.paths == [photo] and dialog.attached.count() == 1

    # A file that grows past the cap after it was attached: OK refuses it, the dialog stays.
    with photo.open("r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    dialog.title.setText("Board photo")
    dialog.accept()
    assert dialog.isVisible() and "board.jpg" in dialog.note.text()
    assert held_files(desk, ana) == 0 and library(desk, ana, space) == []

    dialog.attached.setCurrentRow(0)
    dialog.remove_button.click()
    dialog.attach([notes])
    dialog.accept()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: library(desk, ana, space) == [("Board photo", ["notes.md"])], timeout=WAIT_MS)
    assert held_files(desk, ana) == 1
    assert not desk.runtime.failures


def test_a_name_another_member_chose_stays_inside_the_folder_it_is_opened_or_saved_in(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = desk.open("ana")
    space = circle_of(desk, ana, [])
    commands = ana.commands
    data = b"#!/bin/sh\necho gotcha\n"

    async def forge() -> None:
        blob = await commands.database.run(lambda: blobs.put(commands.replica.store, data, space=space))
        fields = {"title": "Tools", "text": "", "tags": [], "files": [[blob, "../../evil.sh", len(data)]]}
        await commands.write(
            writer.write, commands.replica, space, "resource.add", fields, now_ms=commands.clock.now_ms()
        )

    desk.call(forge)
    view = resources_tab(qtbot, ana, space, members=1)
    select_first(qtbot, view)
    assert [row.name.text() for row in view.files.rows] == ["../../evil.sh"]  # shown as it was named

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    with qtbot.waitSignal(view.files.done, timeout=WAIT_MS):
        view.files.rows[0].open.click()
    folder = opened_files_path(desk.home("ana", create=False)).resolve()
    path = Path(opened[0].toLocalFile()).resolve()
    assert path.is_relative_to(folder) and path.name == "evil.sh" and path.read_bytes() == data

    downloads = tmp_path / "deep" / "downloads"
    downloads.mkdir(parents=True)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda parent, caption, suggested, *rest: (str(downloads / Path(suggested).name), ""),
    )
    with qtbot.waitSignal(view.files.done, timeout=WAIT_MS):
        view.files.rows[0].save.click()
    assert (downloads / "evil.sh").read_bytes() == data
    found = sorted(p.resolve() for p in tmp_path.rglob("evil*"))
    assert found == sorted([(downloads / "evil.sh").resolve(), path])
    assert not desk.runtime.failures
