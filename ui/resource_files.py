"""A resource's files under its preview (and a submitted version's, `ui.version_files`):
each file's name, size and whether it is here — "on this device", "arriving… 40 %" while
it comes from a member (`Session.file_progress`), or "not here yet" — with **Open** (a
copy in the data folder's `opened/`, handed to the system's program for it) and **Save
as…** (where the person chooses; the file's own name, made safe, offered). Owns
`QtResourceFiles` and `size_text`. GUI thread.

The file dialogs and `QDesktopServices` are imported when used, not before the first paint.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.services import resources
from app.services.rows import FileProgress, ResourceFile, SavedFile
from sync.ids import SpaceId
from ui.session import Session
from ui.wording import Context, plural

translate = QCoreApplication.translate  # named so lupdate finds the strings
Files = Context("Files")

BIG_FILE = 2 * 1024 * 1024  # bytes: a file this big says how far it has come in the status bar too


def size_text(size: int) -> str:
    """'512 bytes', '12 KB', '3.4 MB': sizes as a file manager shows them (1 KB = 1,024 bytes)."""
    if size < 1024:
        return plural(Files.tr("%n byte(s)", "", size), size)
    for unit in ("KB", "MB", "GB"):
        size_in = size / 1024
        if size_in < 1024 or unit == "GB":
            number = f"{size_in:.1f}" if size_in < 10 else f"{size_in:.0f}"
            return Files.tr("{number} {unit}").format(number=number, unit=unit)
        size = int(size_in)
    raise AssertionError("unreachable")


class _FileName(QLabel):
    """A file's name; with `shrinks`, one that gives way when room is short (a long name
    must not hold a narrow pane, and the window, wider than 800 pixels): elided in the
    middle, so the extension stays. The whole name in its tooltip either way."""

    def __init__(self, name: str, parent: QWidget, *, shrinks: bool) -> None:
        super().__init__(name, parent)
        self.full = name
        self.shrinks = shrinks
        self.setToolTip(name)
        if shrinks:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        if not self.shrinks:
            return super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full) + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        if not self.shrinks:
            return super().minimumSizeHint()
        return QSize(min(self.sizeHint().width(), 80), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.shrinks:
            return
        elided = self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideMiddle, self.width())
        if elided != self.text():
            self.setText(elided)


class _FileRow:
    """The widgets of one file in the grid."""

    def __init__(self, owner: QtResourceFiles, file: ResourceFile, line: int) -> None:
        self.file = file
        self.name = _FileName(file.name, owner, shrinks=owner.names_shrink)
        self.name.setObjectName("file-name")
        self.size = QLabel(size_text(file.size), owner)
        self.size.setToolTip(translate("QtResourceFiles", "{n:,} bytes").format(n=file.size))
        self.state = QLabel(owner)
        self.open = QPushButton(translate("QtResourceFiles", "Open"), owner)
        self.open.setToolTip(
            translate("QtResourceFiles", "Open {name} with the program your computer uses for it").format(
                name=file.name
            )
        )
        self.open.clicked.connect(lambda: owner.open_file(file))
        self.save = QPushButton(translate("QtResourceFiles", "Save as…"), owner)
        self.save.clicked.connect(lambda: owner.save_file_as(file))
        grid = owner.grid
        for column, widget in enumerate((self.name, self.size, self.state, self.open, self.save)):
            grid.addWidget(widget, line, column)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.size, self.state, self.open, self.save)


class QtResourceFiles(QWidget):
    """The files of the resource shown; hidden when it has none."""

    arrived = Signal()  # a file listed here is now on this device: re-read the resource
    done = Signal(object)  # a `SavedFile`, once opened or saved (tests and the status bar)

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, names_shrink: bool = False
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.names_shrink = names_shrink  # long names elided rather than widening the pane
        self.space: SpaceId | None = None
        self.rows: list[_FileRow] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.grid.setColumnStretch(0, 1)
        self.opened_last: Path | None = None
        session.file_progress.connect(self._moved)
        self.hide()

    # -- what is shown -------------------------------------------------------------------
    def show_files(self, space: SpaceId, files: tuple[ResourceFile, ...]) -> None:
        self.space = space
        for row in self.rows:
            for widget in row.widgets():
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = [_FileRow(self, file, line) for line, file in enumerate(files)]
        for row in self.rows:
            self._show_state(row)
        self.setVisible(bool(self.rows))

    def states(self) -> list[str]:
        """What each file's state line says (for tests and accessibility checks)."""
        return [row.state.text() for row in self.rows]

    def _show_state(self, row: _FileRow, progress: FileProgress | None = None) -> None:
        file = row.file
        if progress is None and self.space is not None:
            progress = self.session.arriving.get((self.space.hex(), file.blob))
        here = file.downloaded or (progress is not None and progress.state == "arrived")
        if here:
            text = self.tr("on this device")
        elif progress is not None and progress.state == "arriving":
            text = self.tr("arriving… {percent} %").format(percent=progress.percent)
        else:
            text = self.tr("not here yet")
        waiting = self.tr("It comes from a member's device while one that has it is online.")
        row.state.setToolTip("" if here else waiting)
        row.state.setText(text)
        row.open.setEnabled(here)
        row.save.setEnabled(here)

    def _moved(self, progress: FileProgress) -> None:
        if self.space is None or progress.space != self.space.hex():
            return
        shown = [row for row in self.rows if row.file.blob == progress.blob]
        for row in shown:
            self._show_state(row, progress)
        if shown and progress.total >= BIG_FILE:
            self._say_in_status_bar(progress, shown[0].file.name)
        if shown and progress.state == "arrived":
            self.arrived.emit()

    def _say_in_status_bar(self, progress: FileProgress, name: str) -> None:
        window = self.window()
        if not hasattr(window, "statusBar"):
            return
        if progress.state == "arriving":
            text = self.tr("Receiving {name}… {percent} %").format(name=name, percent=progress.percent)
            window.statusBar().showMessage(text, 10_000)
        elif progress.state == "arrived":
            window.statusBar().showMessage(self.tr("{name} is on this device.").format(name=name), 5000)
        else:
            window.statusBar().showMessage(
                self.tr("{name} stopped arriving; it is asked for again soon.").format(name=name), 8000
            )

    # -- acting on a file ----------------------------------------------------------------
    def open_file(self, file: ResourceFile) -> None:
        """A copy in the data folder (never replacing anything), opened by the system."""
        space, home = self.space, self.session.home
        if space is None or home is None:
            return
        from app.paths import opened_files_path

        commands = self.session.commands
        folder = opened_files_path(home)
        self.session.run(
            lambda: resources.open_copy(commands, space, file, folder), self._opened, self._failed
        )

    def _opened(self, saved: SavedFile) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        self.opened_last = Path(saved.path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(saved.path)):
            self._failed(self.tr("No program on this computer opens {path}.").format(path=saved.path))
        self.done.emit(saved)

    def save_file_as(self, file: ResourceFile) -> None:
        """Ask where (the file's own name offered), then write it there."""
        space = self.space
        if space is None:
            return
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        suggested = str(Path(folder or Path.home()) / resources.safe_file_name(file))
        # A static dialog (native where there is one): its loop runs inside this click's
        # handler, not inside a trio task, so the core's work goes on meanwhile.
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save {name}").format(name=file.name), suggested
        )
        if not chosen:
            return
        commands, target = self.session.commands, Path(chosen)
        self.session.run(
            lambda: resources.save_file_as(commands, space, file, target), self._saved, self._failed
        )

    def _saved(self, saved: SavedFile) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(self.tr("Saved {path}").format(path=saved.path), 5000)
        self.done.emit(saved)

    def _failed(self, message: str) -> None:
        self.session.runtime.failed.emit(message)
