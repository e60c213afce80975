"""Answers and replies are cards with their Markdown drawn (maths too) and their actions on
them; Thank and Me too show that they counted (issue 17, items 2 and 4).

Over real cores: a request asked, answered and thanked through the real commands, the
help desk's page built over each person's session as the main window builds it.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTextBrowser
from pytestqt.qtbot import QtBot

from tests.ui.circles import answered_request
from tests.ui.conftest import WAIT_MS, Desk
from ui.markdown import show_markdown
from ui.maths import find_maths, to_unicode


@pytest.mark.parametrize(
    ("typed", "drawn"),
    [
        (r"x^2 + y^2 = z^2", "x² + y² = z²"),
        (r"\frac{a+b}{2}", "(a+b)/2"),
        (r"\sqrt{x^2+1}", "√(x²+1)"),
        (r"\sum_{i=1}^{n} i", "∑ᵢ₌₁ⁿ i"),
        (r"\alpha \leq \beta", "α ≤ β"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\det(A - \lambda I) = 0", "det(A - λ I) = 0"),
        (r"\sqrt[3]{8}", "∛8"),
        (r"e^{i\pi}", "e^(iπ)"),
        (r"\vec{v}", "v\u20d7"),
        (r"\unknowncommand{x}{y}", r"\unknowncommand{x}{y}"),  # kept as typed, nothing lost
    ],
)
def test_tex_maths_becomes_unicode(typed: str, drawn: str) -> None:
    assert to_unicode(typed) == drawn


def test_dollars_that_are_prices_code_or_escaped_are_not_maths() -> None:
    text = "It costs $5 and $10. Solve $x^2=4$, see `$not maths$` and \\$3.\n\n$$\\int_0^1 x\\,dx$$"
    found = [(maths.source, maths.display) for maths in find_maths(text)]
    assert found == [("x^2=4", False), ("\\int_0^1 x\\,dx", True)]


def test_markdown_with_maths_is_drawn_and_its_underscores_are_not_emphasis(qtbot: QtBot) -> None:
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    show_markdown(browser, "**Use** $a_i * b_j = x^2$ for $5 and $10\n\n$$\\frac{1}{3}$$")
    shown = browser.toPlainText()
    assert "aᵢ * bⱼ = x²" in shown and "1/3" in shown
    assert "**" not in shown and "$a" not in shown and "$5 and $10" in shown
    assert 'align="center"' in browser.toHtml()  # display maths: its own centred paragraph


def test_answers_are_cards_drawn_from_markdown_with_accept_and_thank_that_show_they_counted(
    qtbot: QtBot, desk: Desk
) -> None:
    *_, other, asker = answered_request(qtbot, desk, "**Only** if $\\det A = 0$.")

    card = asker.helpdesk.answers.item(0)
    assert "Only if det A = 0." in card.text() and "**" not in card.text() and "$" not in card.text()
    assert set(card.buttons) == {"accept", "thank"}  # the asker's actions, on the answer itself
    assert set(other.helpdesk.answers.item(0).buttons) == {"thank"}  # Ana did not ask: no accept

    card.buttons["thank"].click()
    assert card.buttons["thank"].isChecked() and not card.buttons["thank"].isEnabled()  # at once
    qtbot.waitUntil(lambda: asker.helpdesk.answers.item(0).buttons["thank"].text() == "Thanked ✓",
                    timeout=WAIT_MS)  # fmt: skip
    assert "(1 thank-you)" in asker.helpdesk.answers.item(0).text()
    again = asker.helpdesk.answers.item(0).buttons["thank"]
    assert again.isChecked() and not again.isEnabled()  # re-read: still shown as done
    assert other.helpdesk.answers.item(0).buttons["thank"].text() == "Thank"  # Ana has not thanked

    other.helpdesk.buttons["metoo"].click()
    qtbot.waitUntil(lambda: other.helpdesk.buttons["metoo"].text() == "Me too ✓", timeout=WAIT_MS)
    assert other.helpdesk.buttons["metoo"].isChecked() and not other.helpdesk.buttons["metoo"].isEnabled()
    qtbot.waitUntil(lambda: "1 also needs this" in asker.helpdesk.detail.toPlainText(), timeout=WAIT_MS)
