"""What the main window keeps between runs in `QSettings`: its geometry and the page it
was closed on (`circle/last`: My notes, or a circle's id in hex), reopened at the next
start if the person is still in that circle. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from sync.ids import SpaceId
from ui.sidebar import NOTES


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1100, 720)


def save(window: QMainWindow, settings: QSettings, page: SpaceId | str | None) -> None:
    """Keep the window's geometry and `page` (the sidebar's current key, if any)."""
    settings.setValue("window/geometry", window.saveGeometry())
    if page is not None:
        settings.setValue("circle/last", page if isinstance(page, str) else page.hex())
    settings.sync()


def last_circle(settings: QSettings) -> bytes | None:
    """The circle the window was closed on, if it was closed on one."""
    value = settings.value("circle/last")
    if not isinstance(value, str) or value == NOTES:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None
