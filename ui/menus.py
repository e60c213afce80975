"""The main window's menu bar and its shortcuts: Circle (New circle… Ctrl+Shift+N, Join
with an invite code… Ctrl+J, Leave circle…, Quit), Network (Peers Ctrl+Shift+P, Connect
to address…), Devices (Link a device…, My devices…, This is a new device of mine…),
Edit (New thread / note Ctrl+N, Find Ctrl+F, Search everywhere… Ctrl+Shift+F) and View
(Sidebar Ctrl+B). The handlers are the window's. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def add_menus(window: MainWindow) -> tuple[QAction, QAction]:
    """Fill `window`'s menu bar; the *Leave circle…* action (disabled: My notes is open)
    and the *Sidebar* one (checked while it is shown)."""
    file_menu = window.menuBar().addMenu(window.tr("&Circle"))
    for label, keys, handler in (
        (window.tr("&New circle…"), "Ctrl+Shift+N", window.new_circle),
        (window.tr("&Join with an invite code…"), "Ctrl+J", window.join_circle),
        (window.tr("&Leave circle…"), "", lambda: window.leave_circle()),
        (window.tr("&Quit"), QKeySequence.StandardKey.Quit, window.close),
    ):
        action = QAction(label, window)
        action.setShortcut(keys)
        action.triggered.connect(handler)
        file_menu.addAction(action)
    leave_action = file_menu.actions()[2]
    leave_action.setEnabled(False)  # while a circle is open
    network_menu = window.menuBar().addMenu(window.tr("&Network"))
    peers_action = window.peers_dock.toggleViewAction()
    peers_action.setText(window.tr("&Peers"))
    peers_action.setShortcut("Ctrl+Shift+P")
    network_menu.addAction(peers_action)
    connect_action = QAction(window.tr("&Connect to address…"), window)
    connect_action.triggered.connect(window.connect_to_address)
    network_menu.addAction(connect_action)
    devices_menu = window.menuBar().addMenu(window.tr("&Devices"))
    for label, handler in (
        (window.tr("&Link a device…"), window.link_device),
        (window.tr("&My devices…"), window.my_devices),
        (window.tr("This is a &new device of mine…"), window.join_as_device),
    ):
        action = QAction(label, window)
        action.triggered.connect(handler)
        devices_menu.addAction(action)
    edit_menu = window.menuBar().addMenu(window.tr("&Edit"))
    for label, keys, handler in (
        (window.tr("&New thread / note"), QKeySequence.StandardKey.New, window.new_item),
        (window.tr("&Find"), QKeySequence.StandardKey.Find, window.start_search),
        (window.tr("Search &everywhere…"), "Ctrl+Shift+F", window.search_everywhere),
    ):
        action = QAction(label, window)
        action.setShortcut(keys)
        action.triggered.connect(handler)
        edit_menu.addAction(action)
    view_menu = window.menuBar().addMenu(window.tr("&View"))
    sidebar_action = QAction(window.tr("&Sidebar"), window)
    sidebar_action.setCheckable(True)
    sidebar_action.setChecked(True)
    sidebar_action.setShortcut("Ctrl+B")
    sidebar_action.triggered.connect(lambda checked: window.toggle_sidebar(checked))
    view_menu.addAction(sidebar_action)
    return leave_action, sidebar_action
