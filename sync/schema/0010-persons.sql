-- One person, several devices (docs/protocol.md, "Persons and devices").

-- Membership ops now include links and unlinks: the partial index that `sync.space.load`
-- uses must list the same kinds as its query (sorted sync.kinds.AUTH_KINDS).
DROP INDEX ops_auth;
CREATE INDEX ops_auth ON ops (space) WHERE kind IN ('member.join', 'member.leave', 'member.link', 'member.remove', 'member.role', 'member.unlink');

-- The person each member device belongs to (its first device's id; a device that joined
-- by invite or created the space is its own person).
ALTER TABLE members ADD COLUMN person BLOB;

-- Every device ever accepted as a person's, unlinked ones included: what a device wrote
-- stays attributed to its person. A cache, rebuilt with `members`.
CREATE TABLE device_persons (
    space BLOB NOT NULL,
    device BLOB NOT NULL,
    person BLOB NOT NULL,
    PRIMARY KEY (space, device)
);
