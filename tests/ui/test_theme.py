"""The client's look (issue 17): light or dark as the system is or as `--theme` says, with
a palette of its own whose text reads against its backgrounds in both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.theme import DARK, LIGHT, apply_theme, palette_of, scheme_for


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test run's application, its look put back afterwards for the other tests."""
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield qapp
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


@pytest.mark.parametrize(
    ("choice", "system_dark", "scheme"),
    [("system", True, "dark"), ("system", False, "light"), ("light", True, "light"), ("dark", False, "dark")],
)
def test_the_choice_or_the_system_decides(choice: str, system_dark: bool, scheme: str) -> None:
    assert scheme_for(choice, system_dark) == scheme


def test_an_unknown_theme_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown theme 'blue'"):
        scheme_for("blue", False)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colours", [LIGHT, DARK], ids=["light", "dark"])
def test_text_reads_against_every_background_in_both_palettes(colours: object) -> None:
    palette = palette_of(colours)  # type: ignore[arg-type]
    role = QPalette.ColorRole
    for background in (role.Window, role.Base, role.AlternateBase, role.Button):
        assert contrast(palette.color(role.Text), palette.color(background)) >= 7  # WCAG AAA
    assert contrast(palette.color(role.HighlightedText), palette.color(role.Highlight)) >= 3
    assert contrast(palette.color(role.PlaceholderText), palette.color(role.Base)) >= 3


def test_applying_dark_then_light_changes_the_whole_application(app: QApplication) -> None:
    assert apply_theme(app, "dark") == "dark"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 60
    assert app.palette().color(QPalette.ColorRole.Text).lightness() > 200
    assert apply_theme(app, "light") == "light"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
