-- Ops of a forked author, at or past its fork, that another member's permitted op names
-- (directly or through the author's own chain): they stay judged as usual; the author's
-- other ops from the fork on are quarantined. Derived from the log by Replica._rebuild,
-- kept so that loading a space does not read every header again (sync/forks.py).
CREATE TABLE fork_witnessed (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
