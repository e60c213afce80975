"""Without libxcb-cursor0, the client says so in one line instead of Qt's multi-line
plugin error and abort (issue 17, item 10). The environment and the library loader are
given, so this runs anywhere; the real start is checked in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ui.platform_check import XCB_CURSOR, display_problem, fatal_line

X11 = {"DISPLAY": ":0"}


def missing(name: str) -> None:
    raise OSError(f"{name}: cannot open shared object file: No such file or directory")


def present(name: str) -> None:
    assert name in (XCB_CURSOR, PLUGIN)


PLUGIN = __file__  # a file that exists, standing for Qt's xcb plugin


def plugin() -> str:
    return PLUGIN


def plugin_needs(library: str) -> Callable[[str], None]:
    def load(name: str) -> None:
        if name == PLUGIN:
            raise OSError(f"{library}: cannot open shared object file: No such file or directory")

    return load


def test_on_x11_without_libxcb_cursor_one_line_says_what_to_install() -> None:
    problem = display_problem(X11, "linux", missing)
    assert problem is not None and "\n" not in problem
    assert "libxcb-cursor0" in problem and "apt install libxcb-cursor0" in problem


def test_a_library_the_x11_plugin_needs_is_named_with_its_package() -> None:
    """Seen on a Debian machine with libxcb-cursor0 but not libxcb-icccm4: Qt blamed
    libxcb-cursor0, and so did this check's first version."""
    problem = display_problem(X11, "linux", plugin_needs("libxcb-icccm.so.4"), plugin)
    assert problem is not None and "\n" not in problem
    assert "libxcb-icccm.so.4" in problem and "sudo apt install libxcb-icccm4" in problem
    assert "libxcb-cursor0" not in problem
    odd = display_problem(X11, "linux", plugin_needs("libodd.so.7"), plugin)
    assert odd is not None and "libodd.so.7" in odd  # unknown: named as it is
    assert display_problem(X11, "linux", plugin_needs("x"), lambda: "/no/such/plugin.so") is None


def test_nothing_to_say_with_the_library_elsewhere_or_off_x11() -> None:
    assert display_problem(X11, "linux", present, plugin) is None
    assert display_problem({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", missing) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", missing) is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux", missing) is not None
    assert display_problem(X11, "darwin", missing) is None
    assert display_problem(X11, "win32", missing) is None


def test_qts_fatal_plugin_paragraph_becomes_one_line() -> None:
    paragraph = (
        "From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.\n"
        'Could not load the Qt platform plugin "xcb" in "" even though it was found.\n'
        "This application failed to start because no Qt platform plugin could be initialized."
        " Reinstalling the application may fix this problem.\n\nAvailable platform plugins are: eglfs, ..."
    )
    line = fatal_line(paragraph)
    assert line is not None and "\n" not in line and 'Could not load the Qt platform plugin "xcb"' in line
    assert "libxcb-cursor0" not in line  # checked before the start: not what is missing here
    other = fatal_line('Could not load the Qt platform plugin "cocoa" in "" even though it was found.')
    assert other is not None and "\n" not in other and "QT_DEBUG_PLUGINS" in other
    assert fatal_line("QPainter: something else went wrong") is None


def test_a_start_with_a_missing_platform_plugin_ends_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "nosuchplatform"}
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--home", str(tmp_path / "home")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("StudyCircle cannot open its window: Qt could not load a platform plugin")


class FakeWindow:
    def __init__(self, visible: bool, waiting: bool = False) -> None:
        self.visible, self._close_anyway, self.closed = visible, waiting, 0

    def isVisible(self) -> bool:
        return self.visible

    def close(self) -> None:
        self.closed += 1


class FakeRuntime:
    stopped = 0

    def stop(self) -> None:
        self.stopped += 1


def test_a_signal_closes_the_window_like_its_close_button() -> None:
    """Ctrl+C / SIGTERM: the window closes (saving the note being written, issue 17 item 1)
    rather than the run being stopped under it; with no window, or at a second signal while
    the save is pending, the run stops."""
    from ui.__main__ import stop_like_closing

    window, runtime = FakeWindow(visible=True), FakeRuntime()
    stop_like_closing([window], runtime)
    assert (window.closed, runtime.stopped) == (1, 0)
    stop_like_closing([FakeWindow(visible=True, waiting=True)], runtime)
    assert runtime.stopped == 1
    stop_like_closing([FakeWindow(visible=False)], runtime)
    assert runtime.stopped == 2
