"""Discussion, chat and the resource library: threads, replies, chat lines and
resources as an add-wins set keyed by the creating op; edits are author-owned
last-writer-wins registers over (title, text, tags) ordered by (hlc, op id); a delete is
a tombstone. The author is the person: any of its devices linked in the op's causal past
(`Applied.by_author_of`). Notes share the edit and delete rules (their index is kept in
step).
"""

from __future__ import annotations

import sqlite3

from sync.content import ChatLine, ItemEdit, ItemPut, ItemRef, Reply, Resource
from sync.errors import Reason
from sync.reducers import Applied, Handler
from sync.reducers.common import TITLED, index_note, insert_item, origin, set_tags
from sync.reducers.marks import locked_for

REPLYABLE = frozenset({"thread", "resource"})


def _always(db: sqlite3.Connection, op: Applied, body: object) -> Reason | None:
    return None


def _apply_thread(db: sqlite3.Connection, op: Applied, body: ItemPut) -> None:
    insert_item(db, op, "thread", title=body.title, text=body.text, tags=body.tags)


def _check_reply(db: sqlite3.Connection, op: Applied, body: Reply) -> Reason | None:
    if origin(db, op, body.parent, REPLYABLE) is None:
        return Reason.BAD_CONTENT
    return Reason.NOT_PERMITTED if locked_for(db, op, body.parent) else None


def _apply_reply(db: sqlite3.Connection, op: Applied, body: Reply) -> None:
    insert_item(db, op, "reply", text=body.text, parent=body.parent)


def _apply_chat(db: sqlite3.Connection, op: Applied, body: ChatLine) -> None:
    insert_item(db, op, "chat", text=body.text)


def _apply_resource(db: sqlite3.Connection, op: Applied, body: Resource) -> None:
    extra: dict[str, object] = {}
    if body.url:
        extra["url"] = body.url
    if body.files:
        extra["files"] = [[ref.blob, ref.name, ref.size] for ref in body.files]
    if body.source:
        extra["source"] = [body.source.space, body.source.item]
    insert_item(db, op, "resource", title=body.title, text=body.text, tags=body.tags, extra=extra)


def _check_own(db: sqlite3.Connection, op: Applied, body: ItemEdit | ItemRef) -> Reason | None:
    found = origin(db, op, body.item)
    if found is None:
        return Reason.BAD_CONTENT
    if not op.by_author_of(found.author):
        return Reason.NOT_PERMITTED  # another person's (any device of the author's person may)
    if isinstance(body, ItemEdit) and (found.type in TITLED) != bool(body.title.strip()):
        return Reason.BAD_CONTENT  # titled things keep a title; the others have none
    if isinstance(body, ItemEdit) and body.tags and found.type not in TITLED:
        return Reason.BAD_CONTENT
    return None


def _apply_edit(db: sqlite3.Connection, op: Applied, body: ItemEdit) -> None:
    type_, edit_hlc, edit_op = db.execute(
        "SELECT type, edit_hlc, edit_op FROM items WHERE space = ? AND item_id = ?", (op.space, body.item)
    ).fetchone()
    if (op.hlc, op.op_id) <= (edit_hlc, edit_op):
        return  # a later edit already won
    db.execute(
        "UPDATE items SET title = ?, text = ?, edit_hlc = ?, edit_op = ? WHERE space = ? AND item_id = ?",
        (body.title, body.text, op.hlc, op.op_id, op.space, body.item),
    )
    set_tags(db, op, body.item, body.tags)
    if type_ == "note":
        index_note(db, op, body.item)


def _apply_delete(db: sqlite3.Connection, op: Applied, body: ItemRef) -> None:
    db.execute("UPDATE items SET deleted = 1 WHERE space = ? AND item_id = ?", (op.space, body.item))


HANDLERS = {
    "item.put": Handler("item.post", _always, _apply_thread),
    "item.reply": Handler("item.post", _check_reply, _apply_reply),
    "item.edit": Handler("item.post", _check_own, _apply_edit),
    "item.delete": Handler("item.post", _check_own, _apply_delete),
    "chat.say": Handler("chat.say", _always, _apply_chat),
    "resource.add": Handler("resource.add", _always, _apply_resource),
}
