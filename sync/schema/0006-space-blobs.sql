-- Which circle holds which blob here (sync.blobs): a blob is served in a space, and
-- counts as downloaded there, only if this device added it to that space or received it
-- from a member of that space. The bytes stay shared (one copy however many spaces hold
-- them); the index scopes them. Without it, a member of circle B who knew the hash of a
-- file of circle A could name it in B and be sent it by any device in both circles.
CREATE TABLE space_blobs (
    space BLOB NOT NULL,
    blob BLOB NOT NULL REFERENCES blobs (blob) ON DELETE CASCADE,
    PRIMARY KEY (space, blob)
) WITHOUT ROWID;

CREATE INDEX space_blobs_blob ON space_blobs (blob);

-- Blobs already here are held in every space whose live items name them: the scoping
-- starts with this schema, and what a device held before it cannot be told apart.
-- 'files' in msgpack (a5 66 69 6c 65 73) narrows the join to items that list files.
INSERT OR IGNORE INTO space_blobs (space, blob)
    SELECT items.space, blobs.blob FROM items JOIN blobs ON instr(items.extra, blobs.blob) > 0
    WHERE items.extra IS NOT NULL AND items.deleted = 0 AND instr(items.extra, X'a566696c6573') > 0;
