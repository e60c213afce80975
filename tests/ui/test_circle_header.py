"""A circle's page opens with a header (issue 17, item 10): its name (elided when long,
whole in the tooltip), who I am there and how many people it has, and its description.
Real widgets over real cores."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.circles import named
from tests.ui.conftest import WAIT_MS, Desk
from ui.circle_view import QtCircle

LONG = "Linear algebra — demonstration group B, Tuesday and Thursday mornings, room 4.12"


def test_the_header_names_the_circle_my_role_its_people_and_its_description(qtbot: QtBot, desk: Desk) -> None:
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben")
    space = desk.call(lambda: ana.commands.create_circle(LONG, "Exercises and exam preparation."))
    code = desk.call(lambda: ana.core.invite(space, role="member"))
    desk.call(lambda: ben.core.join(code))
    page = QtCircle(ben, space, LONG)
    qtbot.addWidget(page)
    page.resize(600, 500)
    page.show()
    header = page.header
    qtbot.waitUntil(lambda: header.about.text() == "You are a student  ·  2 people", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: header.description.text() == "Exercises and exam preparation.", timeout=WAIT_MS)
    assert header.description.isVisible()
    assert header.name.text().endswith("…") and header.name.toolTip() == LONG
    assert page.minimumSizeHint().width() < 500  # the long name does not widen the page

    owner = QtCircle(ana, space, LONG)
    qtbot.addWidget(owner)
    qtbot.waitUntil(lambda: owner.header.about.text() == "You own this circle  ·  2 people", timeout=WAIT_MS)
    assert not desk.runtime.failures
