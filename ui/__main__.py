"""`python -m ui [--home DIR] [--demo] [--connect ADDRESS]… [--theme system|light|dark]
[--smoke] [--lang zh_CN|en]`: start the desktop client.

Builds the QApplication, runs `ui.launcher.run_desktop` as trio's guest run on Qt's
loop, and quits Qt only after trio has finished (cores closed). GUI thread.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from typing import Any

DESKTOP_ID = "org.studycircle.StudyCircle"  # packaging/linux/: the .desktop file's and AppStream id


def stop_like_closing(windows: list[Any], runtime: Any) -> None:
    """Ctrl+C in the terminal or a SIGTERM: close the window as its close button does (a
    note being written is saved first, `MainWindow.closeEvent`), which ends the run; with
    no window up, or at a second signal while that save is pending, stop the run."""
    window = next((w for w in reversed(windows) if w.isVisible()), None)
    if window is None or getattr(window, "_close_anyway", False):
        runtime.stop()
    else:
        window.close()


def main(argv: list[str] | None = None) -> int:
    prog = None if getattr(sys, "frozen", False) else "python -m ui"  # a packaged app: its own name
    parser = argparse.ArgumentParser(prog=prog, description="StudyCircle desktop client")
    parser.add_argument(
        "--home", metavar="DIR", help="data directory (default: $STUDYCIRCLE_HOME, else the platform's)"
    )
    parser.add_argument("--demo", action="store_true", help="run on an in-memory network with a demo circle")
    parser.add_argument(
        "--connect",
        metavar="ADDRESS",
        action="append",
        default=[],
        help="also dial this peer (a multiaddr ending in /p2p/<id>, e.g. what `studycircle serve` prints);"
        " for networks where discovery (mDNS) is blocked. May be given more than once.",
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        default="system",
        help="light or dark look (default: as the system is, following its changes)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start (local-only: loopback, no mDNS), say on stdout once the window is up and online"
        " (or the first-run dialog shows), then close: exit 0, or 1 if that fails. For smoke tests.",
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="language of the window: zh_CN or en (default: the system's, when translated; else English)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("STUDYCIRCLE_LOG", "WARNING"), stream=sys.stderr)

    from ui.platform_check import check_display, install_fatal_handler

    problem = check_display()  # e.g. libxcb-cursor0 missing: one line, not Qt's abort
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    importlib.import_module("ui.preload")  # before PySide6: see ui/preload.py
    from ui.translations import UnknownLanguage, choose

    try:
        language = choose(args.lang)
    except UnknownLanguage as error:
        print(f"python -m ui: {error}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from app.paths import data_home
    from ui.launcher import Launch, run_desktop
    from ui.runtime import Runtime

    restore_messages = install_fatal_handler()
    app = QApplication(sys.argv[:1])
    restore_messages()
    app.setApplicationName("StudyCircle")
    if language is not None:  # before any window is built; English loads nothing
        from ui.translations import install

        install(app, language)
    from ui.theme import apply_theme

    apply_theme(app, args.theme)
    app.setOrganizationName("StudyCircle")
    app.setDesktopFileName(DESKTOP_ID)  # Wayland finds the icon through the .desktop file
    app.setQuitOnLastWindowClosed(False)  # quit when trio is done, not before
    runtime = Runtime()
    runtime.finished.connect(app.quit)
    windows: list[Any] = []
    launch = Launch(
        home=data_home(args.home), demo=args.demo, connect=tuple(args.connect), on_window=windows.append
    )
    smoke = None
    if args.smoke:
        from ui.smoke import Smoke

        smoke = Smoke(runtime.stop)
        launch.local_only = True
        launch.on_first_run = smoke.watch_first_run
        launch.on_window = _both(windows.append, smoke.watch_window)
    runtime.start(lambda rt: run_desktop(rt, launch))
    # Ctrl+C in the terminal (or a SIGTERM) closes like the window's close button: the
    # note being written is saved, trio finishes, the store closes, then Qt quits. Python
    # runs the handler at the next Python code, which the status bar's one-second timer
    # guarantees.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop_like_closing(windows, runtime))
    app.exec()
    failed = runtime.error is not None or (smoke is not None and not smoke.passed)
    return 1 if failed else 0


def _both(first: Any, then: Any) -> Any:
    def both(window: Any) -> None:
        first(window)
        then(window)

    return both


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # A packaged build's verify workers are spawned (app/worker_pool.py) through this
        # same entry point; freeze_support sends them to their work instead of to main().
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
