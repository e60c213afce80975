"""The files attached to a submitted version (a PDF, an image), wherever the Assignments tab
shows a version: a line saying which version they belong to, then each file's name, size
and whether it is here, with **Open** and **Save as…** — the resource library's file grid
(`ui.resource_files.QtResourceFiles`), whose opening and saving serve any file the circle
refers to (`app.services.resources`). Hidden when the version has none. The tab re-reads
the version when one of its files arrives (`QtAssignments._file_moved`). Owns
`QtVersionFiles`. GUI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.rows import ResourceFile, SubmittedFile
from sync.ids import SpaceId
from ui.resource_files import QtResourceFiles
from ui.session import Session


class QtVersionFiles(QWidget):
    """One version's files: a heading line and the file grid."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        # Long names elided: the tab's panes are narrow at 800×600. Its `arrived`: the tab listens itself.
        self.files = QtResourceFiles(session, self, names_shrink=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.heading)
        layout.addWidget(self.files)
        self.shown: tuple[int, tuple[SubmittedFile, ...]] | None = None
        self.hide()

    def show_version(self, space: SpaceId, version: int, files: tuple[SubmittedFile, ...]) -> None:
        """Show `version`'s files (none: hidden). The same files as shown are left as they are,
        so a refresh does not rebuild the buttons under the person's pointer."""
        if self.shown == (version, files) and self.files.space == space:
            return
        self.shown = (version, files)
        self.heading.setText(self.tr("Attached to version {n}:").format(n=version))
        self.files.show_files(space, tuple(ResourceFile(f.blob, f.name, f.size, f.downloaded) for f in files))
        self.setVisible(bool(files))

    def clear(self) -> None:
        self.shown = None
        self.files.show_files(SpaceId(b""), ())
        self.hide()

    def names(self) -> list[str]:
        """The file names listed (for tests and accessibility checks)."""
        return [row.name.full for row in self.files.rows]
