"""A room code shown for a room: the short code large enough to read from the back, what
it allows, and a QR code of the long invite code for phones and laptops with cameras.

Owns `QtRoomCode`, `big_code_label` (also the link code's) and `qr_image` (a QR code
drawn from segno's module matrix). GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

QUIET = 4  # modules of white around a QR code, as the standard asks


def qr_image(text: str, *, module_px: int = 2) -> QImage:
    """`text` as a QR code (error correction M), `module_px` pixels per module."""
    import segno  # imported late: only this dialog needs it

    matrix = segno.make(text, error="m", micro=False).matrix
    size = (len(matrix) + 2 * QUIET) * module_px
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    black = QColor("black")
    try:
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:
                    left, top = (x + QUIET) * module_px, (y + QUIET) * module_px
                    painter.fillRect(left, top, module_px, module_px, black)
    finally:
        painter.end()
    return image


def big_code_label(parent: QWidget) -> QLabel:
    """A label for a short code, large enough to read from the back of a room."""
    label = QLabel(parent)
    font = QFont(parent.font())
    font.setPointSize(max(28, font.pointSize() * 3))
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class QtRoomCode(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = big_code_label(self)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.caption.setMinimumWidth(220)
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setToolTip(self.tr("The long invite code, for a device with a camera"))
        self.copy_long = QPushButton(self.tr("Copy the long code"), self)
        self.copy_long.clicked.connect(self._copy_long)
        self.long_code = ""
        # The code across the top; what it allows beside the QR code, so that the dialog
        # still fits an 800x600 screen.
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        row = QHBoxLayout()
        side = QVBoxLayout()
        side.addWidget(self.caption)
        side.addWidget(self.copy_long, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        row.addLayout(side, 1)
        row.addWidget(self.qr)
        layout.addLayout(row)

    def show_code(self, code: str, long_code: str, *, circle: str, uses: int, minutes: float) -> None:
        self.code.setText(code)
        self.long_code = long_code
        self.caption.setText(
            self.tr(
                "Read it aloud: anyone on this network types it in Join a circle. For «{circle}»,"
                " {uses} people within {minutes} minutes, while StudyCircle runs here;"
                " 3 wrong tries lock it."
            ).format(circle=circle, uses=uses, minutes=f"{minutes:g}")
        )
        self.qr.setPixmap(QPixmap.fromImage(qr_image(long_code)))
        self.show()

    def _copy_long(self) -> None:
        QGuiApplication.clipboard().setText(self.long_code)
        self.copy_long.setText(self.tr("Copied"))
