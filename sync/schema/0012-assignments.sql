-- Assignments and peer assessment (docs/protocol.md, "Assignments and peer assessment").
-- Every table is materialized state: a cache of valid ops, cleared and refolded with the
-- others (sync.reducers.MATERIALIZED_TABLES). Rows keep the writing op's author index and
-- seq so that reducers can ask whether a row is in another op's causal past.

-- assign.create and assign.edit: the settings each op states; the current ones are the
-- (hlc, op id)-latest in a causal past.
CREATE TABLE assign_tasks (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    assignment BLOB NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    settings BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_tasks_by_assignment ON assign_tasks (space, assignment);

-- assign.phase: one row per switch; `ord` is the phase's place in the procedure.
CREATE TABLE assign_phases (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    assignment BLOB NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    phase TEXT NOT NULL,
    round INTEGER NOT NULL,
    seed BLOB NOT NULL,
    pseudonyms BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_phases_by_assignment ON assign_phases (space, assignment);

-- assign.enrol: sealed to the teachers; only its author device and the boxes are stored.
CREATE TABLE assign_enrolments (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    assignment BLOB NOT NULL,
    device BLOB NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);

-- assign.submit: one row per version op; the version shown is the (hlc, op id)-latest
-- of the person's ops for that version number.
CREATE TABLE assign_versions (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    assignment BLOB NOT NULL,
    submission BLOB NOT NULL,
    person BLOB NOT NULL,
    device BLOB NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    note TEXT NOT NULL,
    files BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_versions_by_submission ON assign_versions (space, submission, version);
CREATE INDEX assign_versions_by_assignment ON assign_versions (space, assignment);

-- The allocation a review-opening op makes (sync.allocation), computed when it is applied.
CREATE TABLE assign_allocation (
    space BLOB NOT NULL,
    opener BLOB NOT NULL,
    submission BLOB NOT NULL,
    pseudonym BLOB NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (space, opener, submission, pseudonym)
);

-- assign.reviewer: a teacher's change to an allocation.
CREATE TABLE assign_reallocations (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    opener BLOB NOT NULL,
    submission BLOB NOT NULL,
    pseudonym BLOB NOT NULL,
    added INTEGER NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_reallocations_by_opener ON assign_reallocations (space, opener, submission);

-- assign.review, by a pseudonym (its author index is the pseudonym's, never a device's).
CREATE TABLE assign_reviews (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    opener BLOB NOT NULL,
    assignment BLOB NOT NULL,
    submission BLOB NOT NULL,
    version INTEGER NOT NULL,
    pseudonym BLOB NOT NULL,
    author_idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    scores BLOB NOT NULL,
    comment TEXT NOT NULL,
    notes BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_reviews_by_submission ON assign_reviews (space, submission);
CREATE INDEX assign_reviews_by_assignment ON assign_reviews (space, assignment);

-- assign.rate: the submission's author on a review.
CREATE TABLE assign_ratings (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    review BLOB NOT NULL,
    assignment BLOB NOT NULL,
    person BLOB NOT NULL,
    hlc INTEGER NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT NOT NULL,
    flag INTEGER NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_ratings_by_assignment ON assign_ratings (space, assignment);

-- assign.assess: sealed grades; the (hlc, op id)-latest per submission is in force.
CREATE TABLE assign_grades (
    space BLOB NOT NULL,
    op_id BLOB NOT NULL,
    assignment BLOB NOT NULL,
    submission BLOB NOT NULL,
    hlc INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (space, op_id)
);
CREATE INDEX assign_grades_by_assignment ON assign_grades (space, assignment);
