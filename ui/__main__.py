"""`python -m ui`: start the desktop client."""

from __future__ import annotations

import sys


def main() -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv)
    label = QLabel("StudyCircle — the desktop client is being built (see the open issues).")
    label.setWindowTitle("StudyCircle")
    label.resize(520, 120)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
