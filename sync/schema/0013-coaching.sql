-- Peer coaching, surveys and direct messages (docs/protocol.md, section 8b). Caches
-- rebuilt from the valid ops like every materialized table.

-- Steps kept whole and folded when read: pair.accept / pair.end (target = the space),
-- goal edits and agreements (target = the goal), cycle closes (target = the cycle),
-- offer declines (target = the offer), survey closes (target = the survey).
-- `author` and `seq` place the op in causal order; `data` is a msgpack value or NULL.
CREATE TABLE coaching_steps (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    target BLOB NOT NULL,
    step TEXT NOT NULL,
    device BLOB NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    data BLOB
);
CREATE INDEX coaching_steps_target ON coaching_steps (space, target, step);
CREATE INDEX coaching_steps_step ON coaching_steps (space, step);

-- One coaching profile per author device: a last-writer-wins register by (hlc, op id).
CREATE TABLE coach_profiles (
    space BLOB NOT NULL,
    device BLOB NOT NULL,
    can_help TEXT NOT NULL,
    can_help_text TEXT NOT NULL,
    wants TEXT NOT NULL,
    wants_text TEXT NOT NULL,
    hlc INTEGER NOT NULL,
    op_id BLOB NOT NULL,
    PRIMARY KEY (space, device)
);

-- Survey answers. `respondent` is NULL for an anonymous survey; `respondent_hash`
-- (BLAKE2b of device and survey) serves the one-answer rule in results.
CREATE TABLE survey_answers (
    op_id BLOB PRIMARY KEY,
    space BLOB NOT NULL,
    survey BLOB NOT NULL,
    respondent BLOB,
    respondent_hash BLOB NOT NULL,
    author INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hlc INTEGER NOT NULL,
    answers BLOB NOT NULL
);
CREATE INDEX survey_answers_survey ON survey_answers (space, survey);
