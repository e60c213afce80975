"""Saying in one line why no window can open, instead of Qt's multi-line plugin error and
abort: on Linux under X11, Qt 6.5+ needs the system library libxcb-cursor0 to load its xcb
plugin (checked before the QApplication, by loading the library: ~1 ms); any other
platform-plugin failure is caught from Qt's own fatal message and worded once.

Owns `display_problem` (pure: the environment and the library loader are given),
`check_display` and `install_fatal_handler`. Runs before the QApplication exists.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

XCB_CURSOR = "libxcb-cursor.so.0"
XCB_CURSOR_MISSING = (
    "StudyCircle cannot open its window: the system library libxcb-cursor0 is missing"
    " (Qt needs it on X11). Install it — Debian/Ubuntu: sudo apt install libxcb-cursor0;"
    " Fedora: sudo dnf install xcb-util-cursor; Arch: sudo pacman -S xcb-util-cursor — and start again."
)
NO_PLUGIN = (
    "StudyCircle cannot open its window: Qt could not load a platform plugin ({detail})."
    " Run with QT_DEBUG_PLUGINS=1 to see why, or set QT_QPA_PLATFORM (e.g. xcb, wayland)."
)


def _load(name: str) -> None:
    import ctypes

    ctypes.CDLL(name)


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will try its xcb (X11) plugin first."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    wayland = bool(environ.get("WAYLAND_DISPLAY")) or environ.get("XDG_SESSION_TYPE") == "wayland"
    return bool(environ.get("DISPLAY")) and not wayland


def display_problem(
    environ: Mapping[str, str], platform: str, load: Callable[[str], None] = _load
) -> str | None:
    """One line saying why Qt's window cannot open here, or None when nothing is known wrong."""
    if not uses_xcb(environ, platform):
        return None
    try:
        load(XCB_CURSOR)
    except OSError:
        return XCB_CURSOR_MISSING
    return None


def check_display() -> str | None:
    return display_problem(os.environ, sys.platform)


def fatal_line(message: str) -> str | None:
    """The one line for a fatal Qt message about platform plugins, None for other fatals."""
    if "platform plugin" not in message:
        return None
    first = message.strip().splitlines()[0] if message.strip() else ""
    if "xcb-cursor" in message:
        return XCB_CURSOR_MISSING
    return NO_PLUGIN.format(detail=first.rstrip("."))


def install_fatal_handler() -> Callable[[], None]:
    """Before the QApplication: a fatal platform-plugin message becomes one line on stderr
    and exit status 1, instead of Qt's paragraph and an abort (core dump). Returns what
    puts Qt's own handler back, once the application is up."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    seen: list[str] = []

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            line = fatal_line("\n".join([*seen, message]))
            if line is not None:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()
                os._exit(1)
        if "qt.qpa.plugin" in str(getattr(context, "category", "")) or "platform plugin" in message:
            seen.append(message)  # said again in the one line if the start fails
            return
        sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)

    def restore() -> None:
        qInstallMessageHandler(None)  # Qt's own handler again

    return restore
