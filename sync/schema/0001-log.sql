-- The op log: the truth. Everything else in the database is derived from it.
CREATE TABLE spaces (
    space BLOB PRIMARY KEY,
    genesis_author INTEGER
);

-- Local, compact author numbers (per space) used in vector clocks.
CREATE TABLE authors (
    space BLOB NOT NULL,
    idx INTEGER NOT NULL,
    device BLOB NOT NULL,
    PRIMARY KEY (space, idx),
    UNIQUE (space, device)
);

-- Every authentic op with a complete causal past, valid or not (invalid ops are kept
-- for causality and never shown). rowid order is a causal order.
CREATE TABLE ops (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    prev BLOB,
    kind TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    header BLOB NOT NULL,
    signature BLOB NOT NULL,
    body BLOB,
    clock BLOB NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT
);
CREATE INDEX ops_chain ON ops (space, author, seq);

-- Authentic ops waiting for their chain predecessor or a dependency.
CREATE TABLE pending (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    waiting_for BLOB NOT NULL,
    own INTEGER NOT NULL DEFAULT 0,
    envelope BLOB NOT NULL
);
CREATE INDEX pending_waiting ON pending (waiting_for);
CREATE INDEX pending_space ON pending (space);

-- Authors proven to have equivocated: their ops from fork_seq on are quarantined.
CREATE TABLE forks (
    space BLOB NOT NULL,
    author INTEGER NOT NULL,
    fork_seq INTEGER NOT NULL,
    PRIMARY KEY (space, author)
);

-- This device's secret key ring: epoch 0 is keyed by the space id, later epochs by
-- the rotation op that introduced them.
CREATE TABLE keyring (
    space BLOB NOT NULL,
    ref BLOB NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (space, ref)
);

-- Decrypted membership op bodies, so authority can be re-resolved without the keys.
CREATE TABLE auth_bodies (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    plaintext BLOB NOT NULL
);
