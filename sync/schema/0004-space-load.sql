-- Loading a space's context (sync.space.load, at every start and for every space) must
-- not read every op: with 100,000 notes it read the whole log three times (~0.2 s).
-- Both indexes are partial, so ingesting ordinary ops costs them nothing but a check.

-- Ops of broken chains (status 1): rare, and `load` needs only their authors.
CREATE INDEX ops_broken ON ops (space, author) WHERE status = 1;

-- Membership ops, which `load` replays: the IN list must stay the same text as the
-- query's in sync.space.load (sorted sync.kinds.AUTH_KINDS; a test checks the plan).
CREATE INDEX ops_auth ON ops (space) WHERE kind IN ('member.join', 'member.leave', 'member.remove', 'member.role');
