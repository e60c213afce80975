"""The Peers panel over two cores on the in-memory network: my address to share, dialing
another device's address (it appears with its session state), and a dial that fails
is said in the panel."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.circles import circle_of, named
from tests.ui.conftest import WAIT_MS, Desk
from ui.main_window import MainWindow


def test_peers_panel_shows_my_address_dials_a_peer_and_says_why_a_dial_failed(
    qtbot: QtBot, desk: Desk, tmp_path
) -> None:
    ana, ben = desk.open("ana"), desk.open("ben")
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.connect_to_address()  # Network → Connect to address…
    panel = window.peers
    assert window.peers_dock.isVisible()
    qtbot.waitUntil(lambda: ana.core.host.listen_addrs()[0] in panel.addresses.toPlainText(), timeout=WAIT_MS)
    panel.copy_addresses()
    assert QGuiApplication.clipboard().text() == panel.addresses.toPlainText()

    ben_address = ben.core.host.listen_addrs()[0]
    panel.address_dialog.line.setText(ben_address)
    panel.address_dialog.accept()
    ben_peer = ben_address.rsplit("/p2p/", 1)[-1]
    rows = lambda: [  # noqa: E731
        (panel.tree.topLevelItem(i).toolTip(0), panel.tree.topLevelItem(i).text(2))
        for i in range(panel.tree.topLevelItemCount())
    ]
    qtbot.waitUntil(lambda: (ben_peer, "yes") in rows(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.message.text() == "Connected.", timeout=WAIT_MS)

    panel.dial("/memory/nobody/p2p/" + ben_peer[:-3] + "xyz")
    qtbot.waitUntil(lambda: panel.message.text().startswith("Could not connect: "), timeout=WAIT_MS)
    panel.dial("192.168.1.20:4001")
    assert "must end in /p2p/" in panel.message.text()


def test_peers_in_my_circles_are_shown_by_name(qtbot: QtBot, desk: Desk, tmp_path) -> None:
    """Issue 17, item 9: not "12D3Ko…eF3L" but the name the device has in my circles."""
    ana, ben = named(desk, "ana", "Ana"), named(desk, "ben", "Ben Okafor")
    circle_of(desk, ana, [ben])
    window = MainWindow(ana, QSettings(str(tmp_path / "ana.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.peers_dock.show()
    panel = window.peers
    ben_peer = ben.core.host.peer_id
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() >= 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.tree.topLevelItem(0).text(0) == "Ben Okafor", timeout=WAIT_MS)
    assert panel.tree.topLevelItem(0).toolTip(0) == f"Ben Okafor\n{ben_peer}"
