-- The circle's name as the invite code gave it (sync/wire/invite.py), so a join waiting
-- for a member can say which circle it waits for before the circle's history arrives.
ALTER TABLE joining ADD COLUMN name TEXT NOT NULL DEFAULT '';
