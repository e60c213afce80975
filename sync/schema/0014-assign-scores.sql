-- The review that counts in each register — one reviewer key's review of one submission
-- in one round (opener) — kept by the assign.review reducer as reviews arrive, so the
-- gradebook and the review lists read one row per register instead of folding every
-- review op (bench/assessment.py). Materialized like the other assignment tables: a
-- cache of valid ops, cleared and refolded with them (sync.reducers.MATERIALIZED_TABLES).
-- The register's id is its first op (lowest (seq, op id)); what it says is its latest
-- op's (highest (seq, op id)): one author, one chain, so any arrival order agrees.
CREATE TABLE assign_scores (
    space BLOB NOT NULL,
    opener BLOB NOT NULL,
    submission BLOB NOT NULL,
    pseudonym BLOB NOT NULL,
    assignment BLOB NOT NULL,
    first_op BLOB NOT NULL,
    first_seq INTEGER NOT NULL,
    latest_op BLOB NOT NULL,
    latest_seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    scores BLOB NOT NULL,
    comment TEXT NOT NULL,
    notes BLOB NOT NULL,
    PRIMARY KEY (space, opener, submission, pseudonym)
);
CREATE INDEX assign_scores_by_assignment ON assign_scores (space, assignment);

-- A file that already holds reviews: one row per register from them.
INSERT INTO assign_scores (space, opener, submission, pseudonym, assignment, first_op, first_seq,
    latest_op, latest_seq, version, scores, comment, notes)
SELECT r.space, r.opener, r.submission, r.pseudonym, r.assignment,
    (SELECT f.op_id FROM assign_reviews f WHERE f.space = r.space AND f.opener = r.opener
        AND f.submission = r.submission AND f.pseudonym = r.pseudonym ORDER BY f.seq, f.op_id LIMIT 1),
    (SELECT MIN(f.seq) FROM assign_reviews f WHERE f.space = r.space AND f.opener = r.opener
        AND f.submission = r.submission AND f.pseudonym = r.pseudonym),
    r.op_id, r.seq, r.version, r.scores, r.comment, r.notes
FROM assign_reviews r
WHERE NOT EXISTS (
    SELECT 1 FROM assign_reviews b WHERE b.space = r.space AND b.opener = r.opener
        AND b.submission = r.submission AND b.pseudonym = r.pseudonym AND (b.seq, b.op_id) > (r.seq, r.op_id)
);
