-- Parked ops are bounded by bytes per circle and per author (sync.replica, PENDING_*
-- and `_park`): each row records its author, seq and size, and the envelope goes last so
-- that reading a row's size never walks the envelope's overflow pages. Rows parked
-- before this (author unknown) count as one author of their own.
CREATE TABLE pending_sized (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    waiting_for BLOB NOT NULL,
    own INTEGER NOT NULL DEFAULT 0,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    envelope BLOB NOT NULL
);
INSERT INTO pending_sized (op_id, space, waiting_for, own, author, seq, size, envelope)
    SELECT op_id, space, waiting_for, own, x'', 0, length(envelope), envelope FROM pending;
DROP TABLE pending;
ALTER TABLE pending_sized RENAME TO pending;
CREATE INDEX pending_waiting ON pending (waiting_for);
-- Per-author sums and the eviction order (highest seq first) read this index alone.
CREATE INDEX pending_author ON pending (space, author, seq, size);
