"""The app's own icon (resources/icons/, rendered from its SVG by `make icons`), as the
application's window icon. GUI thread.

Owns `app_icon()` and `install()`. The icon names each PNG size's file and leaves the
reading to Qt (`QIcon.addFile` with its size reads nothing until a size is drawn), so
the start pays a few path checks, not eight PNG decodes. A PyInstaller build bundles
the folder at the same place relative to the code (packaging/), so one path serves both.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QIcon

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # as resources/render_icons.py renders them


def icons_dir() -> Path:
    """resources/icons/, beside the ui package (in a source tree, an installed wheel and
    a PyInstaller bundle alike)."""
    return Path(__file__).resolve().parents[1] / "resources" / "icons"


def app_icon() -> QIcon:
    """The icon, one file per size; empty (and the platform's default shows) if the
    files are missing, e.g. a source tree whose `make icons` was never run."""
    icon = QIcon()
    folder = icons_dir()
    for size in SIZES:
        path = folder / f"studycircle-{size}.png"
        if path.exists():
            icon.addFile(str(path), QSize(size, size))
    return icon


def install() -> None:
    """Make the icon every window's (top-level windows and dialogs inherit it), once."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and app.windowIcon().isNull():
        QGuiApplication.setWindowIcon(app_icon())
