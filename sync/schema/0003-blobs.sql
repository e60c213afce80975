-- Files as blobs (sync.blobs), addressed by the BLAKE2b-256 hash of their bytes. Not
-- derived from the op log: ops carry only a file's hash, name and size, and the bytes
-- arrive beside them. A blob is stored whole or not at all (one transaction, checked
-- against its hash first), shared by every space that refers to it, in chunks of at
-- most 1 MiB so that a 50 MiB file is never one row nor one Python object twice.
CREATE TABLE blobs (
    blob BLOB PRIMARY KEY,
    size INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blob_chunks (
    blob BLOB NOT NULL,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob, idx)
);
