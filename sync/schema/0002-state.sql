-- Materialized state: caches rebuilt from the valid ops at any time.
CREATE TABLE members (
    space BLOB NOT NULL,
    device BLOB NOT NULL,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (space, device)
);

CREATE TABLE settings (
    space BLOB NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    hlc INTEGER NOT NULL,
    op_id BLOB NOT NULL,
    PRIMARY KEY (space, key)
);

-- Every content object (thread, reply, chat line, resource, help request, answer,
-- progress note, personal note), keyed by the op that created it. `author_idx` and
-- `seq` place the creating op in causal order; `extra` is a msgpack map of the
-- kind's remaining fields (url, files, source, link) or NULL.
CREATE TABLE items (
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    type TEXT NOT NULL,
    parent BLOB,
    author BLOB NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    created_hlc INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    extra BLOB,
    edit_hlc INTEGER NOT NULL,
    edit_op BLOB NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (space, item_id)
);
CREATE INDEX items_parent ON items (space, parent) WHERE parent IS NOT NULL;
CREATE INDEX items_type ON items (space, type, created_hlc) WHERE type != 'thread';

CREATE TABLE item_tags (
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (space, item_id, tag)
) WITHOUT ROWID;
CREATE INDEX item_tags_tag ON item_tags (space, tag);

-- Moderation marks (hide / unhide / lock / unlock / redact) per item, kept whole:
-- what they add up to is decided when read (sync.marks).
CREATE TABLE item_marks (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    mark TEXT NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    clock BLOB NOT NULL
);
CREATE INDEX item_marks_item ON item_marks (space, item_id);

-- Help-request steps (claim, escalate, resolve, reopen, me too), folded when read.
CREATE TABLE help_steps (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    request BLOB NOT NULL,
    step TEXT NOT NULL,
    device BLOB NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    answer BLOB
);
CREATE INDEX help_steps_request ON help_steps (space, request);

-- Reactions: one last-writer-wins register per (item, author, reaction).
CREATE TABLE reactions (
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    device BLOB NOT NULL,
    reaction TEXT NOT NULL,
    active INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    op_id BLOB NOT NULL,
    PRIMARY KEY (space, item_id, device, reaction)
) WITHOUT ROWID;

-- `[[links]]` out of each note, by the lower-cased title they name.
CREATE TABLE note_links (
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (space, item_id, target)
) WITHOUT ROWID;
CREATE INDEX note_links_target ON note_links (space, target);

-- Full-text index over personal notes. Prefix indexes of 2 and 3 characters keep a
-- search whose last word is short ("ri*") from expanding into hundreds of terms.
CREATE VIRTUAL TABLE note_search USING fts5(
    title, text, tags, space UNINDEXED, item_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
