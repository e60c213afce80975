"""The "Add a resource" dialog: a title, a link, a text, tags, and files attached with
**Attach files…** or by dropping them on the dialog (or on the Resources tab, which opens
it with them). Each file is checked as it is attached — missing, a folder, over 50 MiB,
too many — and refused on a line of the dialog, so nothing is written for a file that
cannot be shared; OK checks them all again (a file may change meanwhile) and stays open
while one is refused. Owns `ResourceDialog` and `local_files_in`. GUI thread.

Imported when the dialog is first opened, not before the first paint.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from app.errors import CommandError
from app.services import files as local_files
from app.services import resources
from ui.dialogs import ComposeDialog
from ui.resource_files import size_text


def local_files_in(mime: QMimeData | None) -> list[Path]:
    """The local files a drag carries (none if it carries anything else: text, web links)."""
    if mime is None or not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]


class ResourceDialog(ComposeDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Add a resource"), self.tr("Title"), self.tr("A description, or the text itself"), parent
        )
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://…")
        self.form.insertRow(1, self.tr("Link"), self.url)
        self.attached = QListWidget(self)
        self.attached.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.attached.setToolTip(self.tr("Files to share, up to 50 MiB each; drop files here too"))
        self.attach_button = QPushButton(self.tr("Attach files…"), self)
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove attachment"), self)
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.attached.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.note = QLabel(self)  # why a file was refused
        self.note.setObjectName("problem")
        self.note.setWordWrap(True)
        self.note.hide()
        at = self.form.rowCount() - 1  # above OK / Cancel
        self.form.insertRow(at, self.tr("Files"), self.attached)
        self.form.insertRow(at + 1, "", buttons)
        self.form.insertRow(at + 2, self.note)
        self.paths: list[Path] = []
        self.setAcceptDrops(True)
        # The text boxes take drops of text themselves: files dropped on them are attached.
        for box in (self.title, self.url, self.tags, self.text.viewport()):
            box.installEventFilter(self)

    # -- attaching -----------------------------------------------------------------------
    def choose_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        # A static dialog (native where there is one), run from this click's handler.
        chosen, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        if chosen:
            self.attach([Path(path) for path in chosen])

    def attach(self, paths: list[Path]) -> bool:
        """Attach what can be shared; say on the dialog's line why any other was refused."""
        problems = []
        for path in paths:
            if path in self.paths:
                continue
            if len(self.paths) >= resources.MAX_FILES:
                problems.append(self.tr("A resource holds at most {n} files.").format(n=resources.MAX_FILES))
                break
            try:
                local = local_files.check(path)
            except CommandError as error:
                problems.append(str(error))
                continue
            self.paths.append(path)
            item = QListWidgetItem(f"{local.name}  ·  {size_text(local.size)}", self.attached)
            item.setToolTip(str(path))
        self._say(problems)
        return not problems

    def remove_selected(self) -> None:
        row = self.attached.currentRow()
        if row >= 0:
            self.attached.takeItem(row)
            del self.paths[row]
            self._say([])

    def _say(self, problems: list[str]) -> None:
        self.note.setText("\n".join("⚠ " + " ".join(problem.split()) for problem in problems))
        self.note.setVisible(bool(problems))

    def accept(self) -> None:
        problems = []
        for path in self.paths:
            try:
                local_files.check(path)
            except CommandError as error:
                problems.append(str(error))
        if problems:
            self._say(problems)
            return
        super().accept()

    # -- dropping --------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files_in(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_files_in(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.attach(paths)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDropEvent)  # QDragEnterEvent and QDragMoveEvent are QDropEvents
            paths = local_files_in(event.mimeData())
            if paths:
                event.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    self.attach(paths)
                return True
        return super().eventFilter(watched, event)
