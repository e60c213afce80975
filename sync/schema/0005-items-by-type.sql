-- items_type was partial (WHERE type != 'thread'), and SQLite uses a partial index only
-- when the query's WHERE repeats its condition: `type = 'note'` does not, so the first
-- page of My notes (and the chat's last lines) sorted every item of the space — 190 ms
-- with 100,000 notes, on every start. A full index serves every type-filtered list.
DROP INDEX items_type;
CREATE INDEX items_type ON items (space, type, created_hlc);
