"""Personal notes: Markdown notes with tags, `[[links]]` and files, in a person's own
space. Add-wins by creating op, with the items' edit and delete rules; every note's
outgoing links and full-text row are rewritten whenever its winning version changes.
"""

from __future__ import annotations

import sqlite3

from sync.content import NotePut
from sync.errors import Reason
from sync.reducers import Applied, Handler
from sync.reducers.common import index_note, insert_item


def _check(db: sqlite3.Connection, op: Applied, body: NotePut) -> Reason | None:
    return None


def _apply(db: sqlite3.Connection, op: Applied, body: NotePut) -> None:
    extra: dict[str, object] = {}
    if body.files:
        extra["files"] = [[ref.blob, ref.name, ref.size] for ref in body.files]
    if body.source:
        extra["source"] = [body.source.space, body.source.item]
    insert_item(db, op, "note", title=body.title, text=body.text, tags=body.tags, extra=extra)
    index_note(db, op, op.op_id)


HANDLERS = {"note.put": Handler("note.put", _check, _apply)}
