"""Saying in one line why no window can open, instead of Qt's multi-line plugin error and
abort: on Linux under X11, Qt 6.5+ needs the system library libxcb-cursor0 and its xcb
plugin needs a few more (libxcb-icccm4, libxcb-keysyms1, …). Before the QApplication, both
are loaded (~1 ms and ~20 ms, the plugin's load moved ahead, not added): a missing library
is named with the package to install. Qt's own message blames libxcb-cursor0 whatever is
missing, so it is not repeated; any other platform-plugin failure is caught from Qt's
fatal message and worded once.

Owns `display_problem` (pure: the environment and the library loader are given),
`check_display` and `install_fatal_handler`. Runs before the QApplication exists.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping

XCB_CURSOR = "libxcb-cursor.so.0"
XCB_CURSOR_MISSING = (
    "StudyCircle cannot open its window: the system library libxcb-cursor0 is missing"
    " (Qt needs it on X11). Install it — Debian/Ubuntu: sudo apt install libxcb-cursor0;"
    " Fedora: sudo dnf install xcb-util-cursor; Arch: sudo pacman -S xcb-util-cursor — and start again."
)
MISSING_LIBRARY = (
    "StudyCircle cannot open its window: the system library {library} is missing (Qt's X11"
    " plugin needs it). Install it — Debian/Ubuntu: sudo apt install {package} — and start again."
)
# Debian package of each library Qt's xcb plugin loads beyond libxcb itself.
PACKAGES = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libGL.so.1": "libgl1",
}
_NOT_FOUND = re.compile(r"^(\S+\.so[\w.]*): cannot open shared object file")
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


def xcb_plugin() -> str:
    """Where PySide6 keeps Qt's X11 platform plugin (found without importing Qt)."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else ""
    return os.path.join(folder, "Qt", "plugins", "platforms", "libqxcb.so")


def display_problem(
    environ: Mapping[str, str],
    platform: str,
    load: Callable[[str], None] = _load,
    plugin: Callable[[], str] = xcb_plugin,
) -> str | None:
    """One line saying why Qt's window cannot open here, or None when nothing is known wrong."""
    if not uses_xcb(environ, platform):
        return None
    try:
        load(XCB_CURSOR)
    except OSError:
        return XCB_CURSOR_MISSING
    path = plugin()
    if not os.path.exists(path):
        return None  # a packaged build may keep it elsewhere: Qt will say
    try:
        load(path)
    except OSError as error:
        found = _NOT_FOUND.match(str(error))
        if found is None:
            return None
        library = found.group(1)
        return MISSING_LIBRARY.format(library=library, package=PACKAGES.get(library, library))
    return None


def check_display() -> str | None:
    return display_problem(os.environ, sys.platform)


def fatal_line(message: str) -> str | None:
    """The one line for a fatal Qt message about platform plugins, None for other fatals."""
    if "platform plugin" not in message:
        return None
    lines = message.strip().splitlines()
    # Qt's first line blames libxcb-cursor0 whatever is missing (checked before: here it is
    # something else); the line naming the plugin says more.
    first = next((line for line in lines if "Could not load the Qt platform plugin" in line), None)
    first = first or next((line for line in lines if "xcb-cursor" not in line), "")
    return NO_PLUGIN.format(detail=first.strip().rstrip("."))


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
