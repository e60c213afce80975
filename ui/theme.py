"""The client's look: a calm palette of its own, light or dark as the system is (or as
`--theme` says), and a little more room around buttons, tabs and rows than Qt's default
form look. Everything else draws from the palette (`palette(base)`, `palette(mid)`…),
so cards, lists and the Markdown views follow light and dark alike.

Owns `apply_theme`. GUI thread, after the QApplication exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Colours:
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    button: str
    mid: str
    highlight: str
    highlighted_text: str
    link: str


LIGHT = Colours(
    window="#f5f6f8", base="#ffffff", alternate="#f1f3f6", text="#1d2330", muted="#6b7280",
    button="#eceef2", mid="#d3d8e0", highlight="#2f6fde", highlighted_text="#ffffff", link="#1f5fc9",
)  # fmt: skip
DARK = Colours(
    window="#1d2026", base="#262a31", alternate="#2c3139", text="#e6e9ef", muted="#9aa3af",
    button="#30353e", mid="#414753", highlight="#4a8cff", highlighted_text="#ffffff", link="#8ab4ff",
)  # fmt: skip

STYLE = """
QPushButton { padding: 4px 12px; border: 1px solid palette(mid); border-radius: 4px;
              background: palette(button); }
QPushButton:hover { border-color: palette(highlight); }
QPushButton:pressed, QPushButton:checked { background: palette(midlight);
                                           border-color: palette(highlight); }
QPushButton:default { border-color: palette(highlight); }
QPushButton:disabled { color: palette(placeholder-text); }
QTabBar::tab { padding: 6px 14px; }
QListView::item, QTreeView::item { padding: 3px 2px; }
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox { padding: 3px; }
QStatusBar { color: palette(placeholder-text); }
"""


def scheme_for(choice: str, system_is_dark: bool) -> str:
    """"light" or "dark" for a `--theme` choice and what the system uses."""
    if choice not in CHOICES:
        raise ValueError(f"unknown theme {choice!r}: use one of {', '.join(CHOICES)}")
    if choice == "system":
        return "dark" if system_is_dark else "light"
    return choice


def palette_of(colours: Colours) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for which, value in (
        (role.Window, colours.window),
        (role.Base, colours.base),
        (role.AlternateBase, colours.alternate),
        (role.WindowText, colours.text),
        (role.Text, colours.text),
        (role.ButtonText, colours.text),
        (role.ToolTipBase, colours.base),
        (role.ToolTipText, colours.text),
        (role.Button, colours.button),
        (role.Mid, colours.mid),
        (role.Midlight, colours.alternate),
        (role.Dark, colours.mid),
        (role.Highlight, colours.highlight),
        (role.HighlightedText, colours.highlighted_text),
        (role.Link, colours.link),
        (role.PlaceholderText, colours.muted),
        (role.BrightText, colours.highlighted_text),
    ):
        palette.setColor(which, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, which, QColor(colours.muted))
    return palette


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, choice: str = "system") -> str:
    """Give `app` the light or dark look; with "system", follow the system's changes too.
    Returns the scheme applied."""
    scheme = scheme_for(choice, system_is_dark())
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # draws from the palette everywhere, on every platform
    app.setPalette(palette_of(DARK if scheme == "dark" else LIGHT))
    app.setStyleSheet(STYLE)
    if choice == "system" and not getattr(app, "_follows_system_theme", False):
        app._follows_system_theme = True  # type: ignore[attr-defined]
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: apply_theme(app, "system"))
    return scheme
