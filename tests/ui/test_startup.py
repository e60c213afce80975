"""The desktop client's start: the window is usable (notes and circles listed) before the
network is up, and says so; its first paint comes from `app.services.glance` before trio and the
app's modules are imported, the core's first reads then change nothing on screen, and
what is done in the window meanwhile is carried out once the data is open; the network
stack then comes in without PySide6's import hook reading its source files and without
the libraries py-libp2p imports but our hosts never use (`ui.preload.past_qt_hook`,
`p2p.upstream.deferred_imports`).
"""

from __future__ import annotations

import importlib
import json
import linecache
import secrets
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import PySide6.QtCore  # noqa: F401  (its import hook is what these tests are about)
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app import identity
from app.paths import database_path
from app.personal import NAME, PERSONAL
from p2p.memory import MemoryHub
from sync import writer
from sync.replica import Replica
from sync.store import Store
from tests.ui.conftest import FAST, WAIT_MS
from ui.launcher import Launch, run_desktop
from ui.main_window import MainWindow
from ui.preload import past_qt_hook
from ui.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


def make_home(home: Path, *, notes: int) -> None:
    """Ana, `notes` notes of her own and a circle "Algebra", written as the CLI would."""
    me = identity.create(home, "Ana")
    replica = Replica(Store(database_path(home)), me.key)
    now = 1_790_000_000_000
    personal = writer.create_space(
        replica, name=NAME, member_name="Ana", space_key=secrets.token_bytes(32), now_ms=now,
        settings={PERSONAL: True},
    )
    batch = [("note.put", {"title": f"Note {n}", "text": "", "tags": []}) for n in range(notes)]
    writer.write_many(replica, personal, batch, now_ms=now)
    writer.create_space(
        replica, name="Algebra", member_name="Ana", space_key=secrets.token_bytes(32), now_ms=now
    )
    replica.store.close()


def test_the_window_lists_notes_and_circles_before_the_network_is_up_and_says_it_is_starting(
    qtbot: QtBot, tmp_path: Path
) -> None:
    make_home(tmp_path / "ana", notes=3)
    network_wanted = threading.Event()
    network_released = threading.Event()

    def network_for(demo: bool) -> MemoryHub:
        # Called off the GUI thread once the network stack is imported: hold the network
        # back until the test has looked at the window.
        network_wanted.set()
        if not network_released.wait(WAIT_MS / 1000):
            raise TimeoutError("the test never released the network")
        return MemoryHub()

    windows: list[MainWindow] = []
    launch = Launch(
        home=tmp_path / "ana",
        network_for=network_for,
        settings=QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat),
        sync_settings=FAST,
        local_only=True,
        verify_workers=0,
        on_window=windows.append,
    )
    runtime = Runtime()
    runtime.start(lambda rt: run_desktop(rt, launch))
    try:
        qtbot.waitUntil(lambda: bool(windows) and windows[0].notes.list.count() == 3, timeout=WAIT_MS)
        window = windows[0]
        qtbot.waitUntil(lambda: window.sidebar.count() == 2, timeout=WAIT_MS)
        assert window.isVisible()
        assert [window.sidebar.item(i).text() for i in range(2)] == ["My notes", "Algebra"]
        assert window.notes.list.texts() == ["Note 2", "Note 1", "Note 0"]  # newest first
        assert window.session.core is None  # the network is not up yet…
        assert window.sync_status.text() == "Starting the network…"  # …and the window says so
        qtbot.waitUntil(network_wanted.is_set, timeout=WAIT_MS)  # its modules are in; it waits
        window.sync_status.update_text()
        assert window.sync_status.text() == "Starting the network…"

        network_released.set()
        qtbot.waitUntil(lambda: window.session.core is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.sync_status.text().startswith("0 peers connected"), timeout=WAIT_MS)
        with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
            window.close()
    finally:
        network_released.set()
        if runtime.running:  # a failed check: still end the run (cores closed) before the next test
            with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
                runtime.stop()
    assert runtime.error is None


def _launch(tmp_path: Path, windows: list[MainWindow], **options: object) -> Launch:
    return Launch(
        home=tmp_path / "ana",
        network_for=lambda demo: MemoryHub(),
        settings=QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat),
        sync_settings=FAST,
        local_only=True,
        verify_workers=0,
        on_window=windows.append,
        **options,  # type: ignore[arg-type]
    )


def _finish(qtbot: QtBot, runtime: Runtime, windows: list[MainWindow]) -> None:
    if runtime.running:
        with qtbot.waitSignal(runtime.finished, timeout=WAIT_MS):
            if windows and windows[0].isVisible():
                windows[0].close()
            else:
                runtime.stop()
    assert runtime.error is None


def test_the_first_paint_lists_what_the_core_then_lists_and_nothing_is_redrawn(
    qtbot: QtBot, tmp_path: Path
) -> None:
    make_home(tmp_path / "ana", notes=250)  # more than a page
    windows: list[MainWindow] = []
    first: dict[str, object] = {}
    resets: list[str] = []

    def painted(window: MainWindow) -> None:  # shown, before trio's run has started
        windows.append(window)
        first["open"] = window.session.is_open
        first["sidebar"] = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
        first["notes"] = window.notes.list.texts()
        first["ids"] = [row.note_id for row in window.notes.model.rows]
        first["status"] = window.sync_status.text()
        window.notes.model.modelReset.connect(lambda: resets.append("notes"))
        window.sidebar.model().rowsInserted.connect(lambda *_: resets.append("sidebar"))
        window.sidebar.model().rowsRemoved.connect(lambda *_: resets.append("sidebar"))

    launch = _launch(tmp_path, windows)
    launch.on_window = painted
    runtime = Runtime()
    runtime.start(lambda rt: run_desktop(rt, launch))
    try:
        assert windows, "the window was not painted before the runtime's loop ran"
        window = windows[0]
        assert first["open"] is False
        assert first["sidebar"] == ["My notes", "Algebra"]
        assert first["notes"][:2] == ["Note 249", "Note 248"] and len(first["notes"]) == 200  # type: ignore[index]
        assert first["status"] == "Starting the network…"
        # the core's own reads of the same lists, answered
        qtbot.waitUntil(lambda: window.session.is_open, timeout=WAIT_MS)
        model = window.notes.model
        qtbot.waitUntil(
            lambda: min(model._query.runs, window._circles_query.runs, window._unread_query.runs) > 0,
            timeout=WAIT_MS,
        )
        assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == first["sidebar"]
        assert window.notes.list.texts() == first["notes"]
        assert [row.note_id for row in model.rows] == first["ids"]
        assert resets == []  # the same rows: no reset, no flicker
        window.notes.list.scrollToBottom()  # the next page continues where the glance's ended
        qtbot.waitUntil(lambda: window.notes.list.count() == 250, timeout=WAIT_MS)
        assert window.notes.list.texts()[-1] == "Note 0"
    finally:
        _finish(qtbot, runtime, windows)


def test_work_done_in_the_window_before_the_core_is_up_is_carried_out(
    qtbot: QtBot, tmp_path: Path
) -> None:
    make_home(tmp_path / "ana", notes=3)
    windows: list[MainWindow] = []
    early: dict[str, object] = {}

    def act(window: MainWindow) -> None:  # shown, before trio's run has started
        windows.append(window)
        early["open"] = window.session.is_open
        notes = window.notes
        notes.title.setText("Written early")
        notes.editor.setPlainText("before the core was up")
        qtbot.mouseClick(notes.save_button, Qt.MouseButton.LeftButton)
        window.sidebar.setCurrentRow(1)  # and open the circle
        early["page"] = window.pages.currentWidget()

    launch = _launch(tmp_path, windows)
    launch.on_window = act
    runtime = Runtime()
    runtime.start(lambda rt: run_desktop(rt, launch))
    try:
        window = windows[0]
        assert early["open"] is False
        assert early["page"] is window.opening  # says the circle opens once started
        assert "starting" in window.opening.text()
        qtbot.waitUntil(lambda: "Written early" in window.notes.list.texts(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.notes.title.text() == "Written early", timeout=WAIT_MS)
        assert window.notes.editor.toPlainText() == "before the core was up"
        assert window.notes.list.texts() == ["Written early", "Note 2", "Note 1", "Note 0"]
        qtbot.waitUntil(lambda: type(window.pages.currentWidget()).__name__ == "QtCircle", timeout=WAIT_MS)
        assert window.sidebar.currentRow() == 1
    finally:
        _finish(qtbot, runtime, windows)


def test_modules_imported_past_the_qt_hook_are_not_read_into_linecache(
    tmp_path: Path, monkeypatch
) -> None:
    token = uuid.uuid4().hex[:8]
    for kind in ("plain", "past"):
        (tmp_path / f"outer_{kind}_{token}.py").write_text(f"import inner_{kind}_{token}\n")
        (tmp_path / f"inner_{kind}_{token}.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    importlib.import_module(f"outer_plain_{token}")  # the inner import goes through the hook
    assert str(tmp_path / f"inner_plain_{token}.py") in linecache.cache  # it read the file

    with past_qt_hook():
        outer = importlib.import_module(f"outer_past_{token}")
    assert getattr(outer, f"inner_past_{token}").VALUE == 42
    assert str(tmp_path / f"inner_past_{token}.py") not in linecache.cache


CLIENT = """
import json, linecache, sys
from pathlib import Path
import ui.preload
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from ui.launcher import Launch, run_desktop
from ui.runtime import Runtime

home = Path(sys.argv[1])
app = QApplication([])
app.setQuitOnLastWindowClosed(False)
runtime = Runtime()
runtime.finished.connect(app.quit)
windows, seen = [], {}
CORE = (
    "trio", "app.core", "app.services.commands", "app.database", "sync.replica", "nacl.public",
    "app.services.rows",  # ~50 dataclasses: the first paint's rows are in app.services.glance_rows
)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted_with" not in seen:
            seen["painted_with"] = [m for m in CORE if m in sys.modules]
        return False

painting = FirstPaint()

def shown(window):
    windows.append(window)
    seen["shown_with"] = [m for m in CORE if m in sys.modules]
    window.notes.list.viewport().installEventFilter(painting)  # the rows' first paint

def watch():
    window = windows[0] if windows else None
    if "first_paint" not in seen and window and window.sidebar.count() == 2 and window.notes.list.count():
        seen["first_paint"] = [m for m in ("ui.circle_view", "ui.first_run") if m in sys.modules]
    if "first_paint" not in seen or window.session.core is None:
        return QTimer.singleShot(10, watch)
    from p2p.upstream.deferred_imports import is_loaded
    seen["libp2p_imported"] = "libp2p.host.basic_host" in sys.modules
    seen["sources_read"] = [f for f in linecache.cache if "site-packages/libp2p/" in f or "/p2p/" in f]
    seen["acme_libraries_loaded"] = [n for n in ("httpx", "requests") if is_loaded(n)]
    from ui.sidebar import SPACE
    window.open_page(window.sidebar.item(1).data(SPACE))
    seen["circle_page"] = type(window.pages.currentWidget()).__name__
    print(json.dumps(seen), flush=True)
    window.close()

launch = Launch(
    home=home, settings=QSettings(str(home / "t.ini"), QSettings.Format.IniFormat),
    local_only=True, verify_workers=0, on_window=shown,
)
runtime.start(lambda rt: run_desktop(rt, launch))
QTimer.singleShot(0, watch)
app.exec()
sys.exit(1 if runtime.error else 0)
"""


def test_a_client_start_paints_without_the_core_or_circle_pages_and_brings_the_network_up_lean(
    tmp_path: Path,
) -> None:
    make_home(tmp_path / "ana", notes=1)
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, str(tmp_path / "ana")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_MS / 1000 * 3,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "shown_with": [],  # the window was built and shown without trio, the core, the replica or the rows…
        "painted_with": [],  # …and painted its rows without them
        "first_paint": [],  # neither a circle's page nor the first-run dialog was imported
        "libp2p_imported": True,
        "sources_read": [],  # PySide6's hook read none of the network stack's files
        "acme_libraries_loaded": [],
        "circle_page": "QtCircle",  # opened on demand
    }


FIRST_PAINT_IMPORTS = """
import json, sys
import ui.preload
import PySide6.QtWidgets
import ui.launcher, ui.main_window, ui.notes_view, ui.paged_list, ui.two_line_rows
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in ("app", "sync", "trio", "ui"))))
"""

# What the first paint may import of our non-Qt modules (ui/preload.py): the glance's.
FIRST_PAINT_MODULES = {
    "app", "app.paths", "app.services", "app.services.glance", "app.services.glance_rows",
    "sync", "sync.hlc", "sync.ids", "sync.policy",
}  # fmt: skip
# Of the window's own modules, those the first paint needs not (a note's Markdown, the
# circle pages, the dialogs): they come with their first use.
NOT_BEFORE_THE_FIRST_PAINT = {"ui.markdown", "ui.maths", "ui.circle_view", "ui.dialogs", "ui.cards"}


def test_the_modules_of_the_first_paint_import_no_heavy_app_module(tmp_path: Path) -> None:
    """Not a timing: which modules the first paint's own modules bring in. A module added
    to this list should be one the first paint cannot do without (bench/startup.py)."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_IMPORTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_MS / 1000 * 3,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "app.services.rows" not in imported  # ~100 ms of dataclasses
    ours = {name for name in imported if not name.startswith("ui")}
    assert ours <= FIRST_PAINT_MODULES, sorted(ours - FIRST_PAINT_MODULES)
    assert not imported & NOT_BEFORE_THE_FIRST_PAINT, sorted(imported & NOT_BEFORE_THE_FIRST_PAINT)
