-- Anonymous survey answers carry the op of the blind-signing key their token is under
-- (the survey's open op or a survey.rekey): results count only answers under the latest
-- key, so a member removed before a rekey stops counting (docs/protocol.md, 8b).
ALTER TABLE survey_answers ADD COLUMN key BLOB;
