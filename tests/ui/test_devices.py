"""Devices in the desktop client: *Link a device…* shows the link code large; the new
computer's first run takes the code ("This is another device of mine") and opens the
person's circle; the first device then says who was linked; *My devices…* lists both and unlinks
the other after asking (never this one)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WAIT_MS, Desk
from tests.ui.test_first_release import only_circle, start
from ui.first_run import FirstRunDialog


def creating(name: str) -> Callable[[FirstRunDialog], None]:
    """A first-run answer: create a circle called `name`."""

    def fill(dialog: FirstRunDialog) -> None:
        dialog.create_choice.setChecked(True)
        dialog.circle_name.setText(name)

    return fill


def test_link_a_device_from_the_menu_then_unlink_it_from_my_devices(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    ana = start(desk, tmp_path, "ana", creating("Linear algebra"), local_only=False)
    only_circle(qtbot, ana)
    actions = [a.text() for menu in ana.menuBar().actions() for a in menu.menu().actions()]
    assert {"&Link a device…", "&My devices…"} <= set(actions)
    ana.link_device()
    dialog = ana.link_dialog
    qtbot.waitUntil(lambda: bool(re.fullmatch(r"\d{1,2}-[a-z]+-[a-z]+", dialog.code.text())), timeout=WAIT_MS)
    assert dialog.code.font().pointSize() >= 28
    code = dialog.code.text()

    def link(first: FirstRunDialog) -> None:  # the new computer's first run
        first.link_choice.setChecked(True)
        first.link_code.setText(code)

    lab = start(desk, tmp_path, "lab", link, local_only=False)  # finds Ana's device by mDNS
    qtbot.waitUntil(lambda: "Linked to Ana's device" in lab.statusBar().currentMessage(), timeout=WAIT_MS)

    def listed() -> list[str]:
        return [lab.sidebar.item(i).text() for i in range(lab.sidebar.count())]

    qtbot.waitUntil(lambda: any("Linear algebra" in text for text in listed()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Linked «Lab»" in dialog.caption.text(), timeout=WAIT_MS)
    dialog.accept()
    # The code typed again on the linked computer: it says so and only catches up.
    lab.join_device(code)
    qtbot.waitUntil(
        lambda: (
            lab.statusBar().currentMessage()
            == "This device was already linked to Ana; its history is up to date."
        ),
        timeout=WAIT_MS,
    )

    ana.my_devices()
    devices = ana.devices_dialog
    qtbot.waitUntil(lambda: devices.tree.topLevelItemCount() == 2, timeout=WAIT_MS)
    mine, other = (devices.tree.topLevelItem(i) for i in range(2))
    assert "(this device)" in mine.text(0) and other.text(0) == "Lab"
    devices.tree.setCurrentItem(mine)
    assert not devices.unlink.isEnabled()  # never this device
    devices.tree.setCurrentItem(other)
    assert devices.unlink.isEnabled()
    devices.unlink.click()
    assert devices.confirm is not None
    devices.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: devices.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert "2 circles and notes" in devices.note.text()
