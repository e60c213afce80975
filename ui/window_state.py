"""What the main window keeps between runs in `QSettings`: its geometry and the page it
was closed on (`circle/last`: My notes, or a circle's id in hex), reopened at the next
start if the person is still in that circle. GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from sync.ids import SpaceId
from ui.sidebar import NOTES

DEFAULT_SIZE = (1100, 720)


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """The size and place the window had, else 1100×720 — never more than the screen it
    opens on has room for (a laptop at 1366×768, a classroom projector at 800×600)."""
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    fit_to_screen(window)


def fit_to_screen(window: QMainWindow) -> None:
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()  # title bar and borders
    width = min(window.width(), room.width() - frame.width())
    height = min(window.height(), room.height() - frame.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    place = window.frameGeometry()
    if not room.contains(place):
        place.moveLeft(max(room.left(), min(place.left(), room.right() - place.width() + 1)))
        place.moveTop(max(room.top(), min(place.top(), room.bottom() - place.height() + 1)))
        window.move(place.topLeft())


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
