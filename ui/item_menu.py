"""What can be done to one circle item (a thread, reply, help request or answer) from its
context menu: *Save to my notes* (`app.services.notes.save`: a copy with a link back to where it
came from) for everyone, and — for teachers only — moderation (hide/unhide, lock/unlock,
redact through `app.services.discussion.moderate`; redacting asks first, `ui.dialogs.confirm`).
Hidden items vanish for students and are shown marked to teachers, as
`app.services.discussion` reads them.

The author of an item also gets *Edit…* (a dialog with its text, and its title and tags
when it has them) and *Delete…* (asked first), through `app.services.discussion.edit`/`delete`.

Owns `item_menu`, `own_actions`, `moderation_actions`, `moderation_menu`, `ask_to_redact` and
`save_to_notes`. GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.services import discussion, notes
from app.services.rows import Item
from ui.circle import CircleContext
from ui.session import Session

translate = QCoreApplication.translate  # named so lupdate finds the strings

SAVE_KEYS = "Ctrl+Shift+S"


def save_to_notes(parent: QWidget, session: Session, item_id: str) -> None:
    """Copy a circle item into my notes; say so in the window's status bar."""
    commands, window = session.commands, parent.window()

    def saved(_: Any) -> None:
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(translate("ItemMenu", "Saved to My notes."), 5000)

    session.run(lambda: notes.save(commands, item_id), saved)


def own_actions(parent: QWidget, circle: CircleContext, row: Item, *, owner: QWidget) -> list[QAction]:
    """Edit… and Delete… for the item's author (parented to `parent`); none for others."""
    if not circle.is_me(row.author) or row.redacted:
        return []
    edit = QAction(translate("ItemMenu", "Edit…"), parent)
    edit.setObjectName("edit")
    edit.triggered.connect(lambda _=False: edit_item(owner, circle, row))
    delete = QAction(translate("ItemMenu", "Delete…"), parent)
    delete.setObjectName("delete")
    delete.triggered.connect(lambda _=False: ask_to_delete(owner, circle, row))
    return [edit, delete]


def edit_item(owner: QWidget, circle: CircleContext, row: Item) -> None:
    """The item's text (and title and tags, when it has them) in a dialog; OK saves."""
    from ui.dialogs import ComposeDialog

    kind = kind_name(owner, row.type)
    dialog = ComposeDialog(translate("ItemMenu", "Edit {kind}").format(kind=kind), "", "", owner)
    titled = row.type in ("thread", "resource", "help")
    dialog.title.setText(row.title)
    dialog.text.setPlainText(row.text)
    dialog.tags.setText(", ".join(row.tags))
    dialog.form.setRowVisible(dialog.title, titled)
    dialog.form.setRowVisible(dialog.tags, titled)
    session = circle.session

    def save() -> None:
        title, text, tags = dialog.values()
        commands = session.commands

        async def work() -> None:
            found = await discussion.find(commands, row.id)
            await discussion.edit(
                commands, found, text, title=title if titled else None, tags=tags if titled else None
            )

        session.run(work)

    dialog.accepted.connect(save)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def ask_to_delete(owner: QWidget, circle: CircleContext, row: Item) -> None:
    from ui.dialogs import confirm

    session = circle.session
    what = row.title or " ".join(row.text.split())
    what = what if len(what) <= 60 else what[:59] + "…"

    def delete() -> None:
        commands = session.commands

        async def work() -> None:
            await discussion.delete(commands, await discussion.find(commands, row.id))

        session.run(work)

    confirm(
        owner,
        translate("ItemMenu", "Delete"),
        translate("ItemMenu", "Delete your {kind}?").format(kind=kind_name(owner, row.type))
        + (f"\n“{what}”" if what else ""),
        translate("ItemMenu", "It is deleted for everyone in the circle, and cannot be brought back."),
        translate("ItemMenu", "Delete"),
        delete,
    )


def kind_name(owner: QWidget, kind: str) -> str:
    """An item's type as the question before moderating it names it."""
    names = {
        "chat": translate("ItemMenu", "message"),
        "reply": translate("ItemMenu", "reply"),
        "thread": translate("ItemMenu", "thread"),
        "help": translate("ItemMenu", "help request"),
        "answer": translate("ItemMenu", "answer"),
        "progress": translate("ItemMenu", "progress note"),
        "resource": translate("ItemMenu", "resource"),
    }
    return names.get(kind, translate("ItemMenu", "item"))


def ask_to_redact(owner: QWidget, row: Item, then: Callable[[], object]) -> None:
    """Redacting cannot be undone: ask first, naming the item and its author."""
    from ui.dialogs import confirm

    kind = kind_name(owner, row.type)
    author = row.author_name or translate("ItemMenu", "someone")
    what = row.title or " ".join(row.text.split())
    what = what if len(what) <= 60 else what[:59] + "…"
    confirm(
        owner,
        translate("ItemMenu", "Redact"),
        translate("ItemMenu", "Redact this {kind} by {author}?").format(kind=kind, author=author)
        + (f"\n“{what}”" if what else ""),
        translate(
            "ItemMenu",
            "Its text is deleted for everyone in the circle, on every device, and cannot be"
            " brought back. To keep it out of students' sight only, choose Hide instead.",
        ),
        translate("ItemMenu", "Redact"),
        then,
    )


def moderation_actions(
    parent: QWidget,
    circle: CircleContext,
    row: Item,
    *,
    lockable: bool = False,
    owner: QWidget | None = None,
) -> list[QAction]:
    """The teacher's actions on an item (parented to `parent`); none for anyone else.
    `owner` (default `parent`) parents the question asked before redacting: not a menu,
    which is deleted once closed."""
    if not circle.moderator:
        return []
    names = [("unhide" if row.hidden else "hide")]
    if lockable:
        names.append("unlock" if row.locked else "lock")
    if not row.redacted:
        names.append("redact")
    labels = {
        "hide": translate("ItemMenu", "Hide from students"),
        "unhide": translate("ItemMenu", "Unhide"),
        "lock": translate("ItemMenu", "Lock (no new replies)"),
        "unlock": translate("ItemMenu", "Unlock"),
        "redact": translate("ItemMenu", "Redact (delete the text for everyone)"),
    }
    session = circle.session
    actions = []
    for name in names:
        action = QAction(labels[name], parent)
        action.setObjectName(name)

        def moderate(_: bool = False, name: str = name) -> None:
            commands = session.commands

            async def work() -> None:
                await discussion.moderate(commands, await discussion.find(commands, row.id), name)

            if name == "redact":
                ask_to_redact(owner or parent, row, lambda: session.run(work))
            else:
                session.run(work)

        action.triggered.connect(moderate)
        actions.append(action)
    return actions


def moderation_menu(
    parent: QWidget, circle: CircleContext, row: Item, *, lockable: bool = False
) -> QMenu | None:
    """The teacher's actions on an item as a menu, or None for anyone who may not moderate."""
    menu = QMenu(parent)
    actions = moderation_actions(menu, circle, row, lockable=lockable, owner=parent)
    if not actions:
        menu.deleteLater()
        return None
    for action in actions:
        menu.addAction(action)
    return menu


def item_menu(parent: QWidget, circle: CircleContext, row: Item, *, lockable: bool = False) -> QMenu:
    """Save to my notes, Edit… and Delete… for its author, then (teachers only) moderation.
    The menu deletes itself when closed."""
    menu = QMenu(parent)
    save = QAction(translate("ItemMenu", "Save to my notes"), menu)
    save.setObjectName("save")
    save.setShortcut(SAVE_KEYS)  # shown as a hint; the view's own action takes the keys
    save.triggered.connect(lambda _=False: save_to_notes(parent, circle.session, row.id))
    menu.addAction(save)
    for action in own_actions(menu, circle, row, owner=parent):
        menu.addAction(action)
    moderation = moderation_actions(menu, circle, row, lockable=lockable, owner=parent)
    if moderation:
        menu.addSeparator()
        for action in moderation:
            menu.addAction(action)
    menu.aboutToHide.connect(menu.deleteLater)
    return menu
