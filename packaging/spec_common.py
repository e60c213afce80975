"""What the three PyInstaller specs share: the entry script, the app's own modules, the
data files, and the Qt and Python modules left out. Read by the specs (which PyInstaller
runs as Python with `SPECPATH` set; they put this folder on sys.path), not by the app.
packaging/ has no `__init__.py` on purpose: as a namespace folder it cannot hide pypa's
`packaging` library, which PyInstaller and pip import.

- Every module of `app`, `sync`, `p2p` and `ui` is bundled: the client imports some of
  them by name after the first paint (`ui.preload`, `ui.session`), which PyInstaller's
  import scan cannot see. py-libp2p comes in through `p2p`'s imports.
- Data: `sync/schema/*.sql` (the store's schema) and `resources/icons/` (the window icon).
- Left out: the Qt modules the client does not use (it uses QtCore, QtGui and QtWidgets
  only; tests/packaging/test_specs.py checks that list against the code), and
  development tools that arrive as optional imports of our dependencies.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = str(ROOT / "packaging" / "studycircle_desktop.py")
APP_ID = "org.studycircle.StudyCircle"  # = ui.__main__.DESKTOP_ID
NAME = "StudyCircle"
EXECUTABLE = "studycircle-desktop"
VERSION = "0.1.0"  # = pyproject.toml's; tests/packaging/test_specs.py compares them
OUR_PACKAGES = ("app", "sync", "p2p", "ui")
QT_USED = ("QtCore", "QtGui", "QtWidgets")
QT_UNUSED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus", "QtDesigner",
    "QtGraphs", "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets",
    "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets",
    "QtPositioning", "QtPrintSupport", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2",
    "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus",
    "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets",
    "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
    "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
)
EXCLUDES = [
    *(f"PySide6.{module}" for module in QT_UNUSED),
    "tkinter", "unittest", "pydoc", "pytest", "hypothesis", "mypy", "ruff", "importlinter",
    "IPython", "PyInstaller", "setuptools", "pip", "sqlite_utils",
]


#: Imported in ways the scan cannot see, each found by the smoke test (the window came up
#: and the network never did): from C ("No module named 'coincurve._cffi_backend'"), and
#: multiaddr's codecs, imported by protocol name ("No module named 'multiaddr.codecs.ip4'").
HIDDEN = ["coincurve._cffi_backend"]
HIDDEN_PACKAGES = ("multiaddr.codecs",)


def hidden_imports() -> list[str]:
    from PyInstaller.utils.hooks import collect_submodules

    names: list[str] = list(HIDDEN)
    for package in OUR_PACKAGES:
        names += collect_submodules(package, filter=lambda name: ".tests" not in name)
    for package in HIDDEN_PACKAGES:
        names += collect_submodules(package)
    return names


def datas() -> list[tuple[str, str]]:
    icons = ROOT / "resources" / "icons"
    return [
        (str(ROOT / "sync" / "schema" / "*.sql"), "sync/schema"),
        *((str(path), "resources/icons") for path in sorted(icons.glob("studycircle-*.png"))),
    ]
