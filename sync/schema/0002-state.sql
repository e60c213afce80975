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

CREATE TABLE items (
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    author BLOB NOT NULL,
    created_hlc INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    edit_hlc INTEGER NOT NULL,
    edit_op BLOB NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (space, item_id)
);

-- Moderation marks (hide / unhide) per item; visibility is computed from them.
CREATE TABLE item_marks (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    item_id BLOB NOT NULL,
    hide INTEGER NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    clock BLOB NOT NULL
);
CREATE INDEX item_marks_item ON item_marks (space, item_id);
