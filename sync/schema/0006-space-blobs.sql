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
-- A file reference in an item's msgpack `extra` is the array [bin8(32) blob, name, size],
-- bytes 93 c4 20 then the blob id. Those three bytes never occur inside a string (c4 must
-- be followed by a UTF-8 continuation byte); inside another hash they may, and then the
-- 32 bytes after them name no blob here. Matches are walked one after another and looked
-- up by key (100,000 items, 10,000 with files: 0.6 s; a join on instr took 6 s).
WITH RECURSIVE refs (space, rest, blob) AS (
    SELECT space, extra, NULL FROM items
        WHERE extra IS NOT NULL AND deleted = 0 AND instr(extra, X'a566696c6573') > 0
    UNION ALL
    SELECT space, substr(rest, instr(rest, X'93c420') + 35), substr(rest, instr(rest, X'93c420') + 3, 32)
        FROM refs WHERE instr(rest, X'93c420') > 0
)
INSERT OR IGNORE INTO space_blobs (space, blob)
    SELECT refs.space, refs.blob FROM refs JOIN blobs ON blobs.blob = refs.blob;
