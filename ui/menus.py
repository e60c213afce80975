"""The main window's menu bar and its shortcuts: Circle (New circle… Ctrl+Shift+N, Join
with an invite code… Ctrl+J, Teacher's desk Ctrl+Shift+D, Coaching Ctrl+Shift+K
(pairs, Find a coach, messages), My contributions
Ctrl+Shift+R, Leave circle…, Quit), Network (Peers Ctrl+Shift+P, Connect to address…),
Devices (Link a device…, My devices…, This is a new device of mine…), Edit (New thread /
note Ctrl+N, Find Ctrl+F, Search everywhere… Ctrl+Shift+F), View (Sidebar Ctrl+B) and
Help (Keyboard shortcuts F1: every menu shortcut, read from the actions, and the keys
that work inside views). The handlers are the window's. GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.main_window import MainWindow

translate = QCoreApplication.translate  # named so lupdate finds the strings


def add_menus(window: MainWindow) -> tuple[QAction, QAction]:
    """Fill `window`'s menu bar; the *Leave circle…* action (disabled: My notes is open)
    and the *Sidebar* one (checked while it is shown)."""
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
    desk_action = QAction(translate("MainWindow", "Teacher's &desk"), window)
    desk_action.setShortcut("Ctrl+Shift+D")
    desk_action.setObjectName("desk")
    desk_action.triggered.connect(window.show_desk)
    file_menu.insertAction(leave_action, desk_action)
    coaching_action = QAction(translate("MainWindow", "C&oaching"), window)
    coaching_action.setShortcut("Ctrl+Shift+K")
    coaching_action.setObjectName("coaching")
    coaching_action.triggered.connect(window.show_coaching)
    file_menu.insertAction(leave_action, coaching_action)
    mine_action = QAction(translate("MainWindow", "My &contributions"), window)
    mine_action.setShortcut("Ctrl+Shift+R")
    mine_action.setObjectName("contributions")
    mine_action.triggered.connect(lambda: window.show_recognition())
    file_menu.insertAction(leave_action, mine_action)
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
    view_menu = window.menuBar().addMenu(translate("MainWindow", "&View"))
    sidebar_action = QAction(translate("MainWindow", "&Sidebar"), window)
    sidebar_action.setCheckable(True)
    sidebar_action.setChecked(True)
    sidebar_action.setShortcut("Ctrl+B")
    sidebar_action.triggered.connect(lambda checked: window.toggle_sidebar(checked))
    view_menu.addAction(sidebar_action)
    help_menu = window.menuBar().addMenu(translate("MainWindow", "&Help"))
    keys_action = QAction(translate("MainWindow", "&Keyboard shortcuts"), window)
    keys_action.setObjectName("shortcuts")
    keys_action.setShortcut(QKeySequence.StandardKey.HelpContents)
    keys_action.triggered.connect(lambda: show_shortcuts(window))
    help_menu.addAction(keys_action)
    return leave_action, sidebar_action


IN_VIEWS = (
    (
        "Ctrl+Enter",
        QT_TRANSLATE_NOOP("MainWindow", "Send (a reply, an answer, a chat line)"),
    ),
    (
        "Ctrl+S",
        QT_TRANSLATE_NOOP("MainWindow", "Save the note being edited"),
    ),
    (
        "Ctrl+Shift+S",
        QT_TRANSLATE_NOOP("MainWindow", "Save the selected thread, reply or answer to My notes"),
    ),
    (
        "Enter",
        QT_TRANSLATE_NOOP("MainWindow", "Open the row chosen (a desk row opens its item in its circle)"),
    ),
    (
        "Alt+P / Alt+F / Alt+M",
        QT_TRANSLATE_NOOP("MainWindow", "Coaching: My pairs, Find a coach, Messages"),
    ),
    (
        "Ctrl+E",
        QT_TRANSLATE_NOOP("MainWindow", "Edit the chosen assignment (Assignments tab, teachers)"),
    ),
    (
        "Tab / Shift+Tab",
        QT_TRANSLATE_NOOP("MainWindow", "Move between fields (the review form, the dialogs)"),
    ),
)


def shortcut_lines(window: MainWindow) -> list[str]:
    """Every menu action's shortcut, then the keys that work inside views."""
    from PySide6.QtWidgets import QMenu

    lines = []
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                lines.append(f"{keys} — {action.text().replace('&', '')}")
    lines.extend(f"{keys} — {translate('MainWindow', str(what))}" for keys, what in IN_VIEWS)
    return lines


def show_shortcuts(window: MainWindow) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(window)
    box.setObjectName("shortcuts")
    box.setWindowTitle(translate("MainWindow", "Keyboard shortcuts"))
    box.setText("\n".join(shortcut_lines(window)))
    box.open()
