"""The main window's menu bar and its shortcuts: Circle (New circle… Ctrl+Shift+N, Join
with an invite code… Ctrl+J, Leave circle…, Quit), Network (Peers Ctrl+Shift+P, Connect
to address…), Devices (Link a device…, My devices…, This is a new device of mine…)
and Edit (New thread / note Ctrl+N, Find Ctrl+F, Search everywhere… Ctrl+Shift+F). The
handlers are the window's. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.main_window import MainWindow

translate = QCoreApplication.translate  # named so lupdate finds the strings


def add_menus(window: MainWindow) -> QAction:
    """Fill `window`'s menu bar; the *Leave circle…* action (disabled: My notes is open)."""
    file_menu = window.menuBar().addMenu(translate("MainWindow", "&Circle"))
    for label, keys, handler in (
        (translate("MainWindow", "&New circle…"), "Ctrl+Shift+N", window.new_circle),
        (translate("MainWindow", "&Join with an invite code…"), "Ctrl+J", window.join_circle),
        (translate("MainWindow", "&Leave circle…"), "", lambda: window.leave_circle()),
        (translate("MainWindow", "&Quit"), QKeySequence.StandardKey.Quit, window.close),
    ):
        action = QAction(label, window)
        action.setShortcut(keys)
        action.triggered.connect(handler)
        file_menu.addAction(action)
    leave_action = file_menu.actions()[2]
    leave_action.setEnabled(False)  # while a circle is open
    network_menu = window.menuBar().addMenu(translate("MainWindow", "&Network"))
    peers_action = window.peers_dock.toggleViewAction()
    peers_action.setText(translate("MainWindow", "&Peers"))
    peers_action.setShortcut("Ctrl+Shift+P")
    network_menu.addAction(peers_action)
    connect_action = QAction(translate("MainWindow", "&Connect to address…"), window)
    connect_action.triggered.connect(window.connect_to_address)
    network_menu.addAction(connect_action)
    devices_menu = window.menuBar().addMenu(translate("MainWindow", "&Devices"))
    for label, handler in (
        (translate("MainWindow", "&Link a device…"), window.link_device),
        (translate("MainWindow", "&My devices…"), window.my_devices),
        (translate("MainWindow", "This is a &new device of mine…"), window.join_as_device),
    ):
        action = QAction(label, window)
        action.triggered.connect(handler)
        devices_menu.addAction(action)
    edit_menu = window.menuBar().addMenu(translate("MainWindow", "&Edit"))
    for label, keys, handler in (
        (translate("MainWindow", "&New thread / note"), QKeySequence.StandardKey.New, window.new_item),
        (translate("MainWindow", "&Find"), QKeySequence.StandardKey.Find, window.start_search),
        (translate("MainWindow", "Search &everywhere…"), "Ctrl+Shift+F", window.search_everywhere),
    ):
        action = QAction(label, window)
        action.setShortcut(keys)
        action.triggered.connect(handler)
        edit_menu.addAction(action)
    return leave_action
