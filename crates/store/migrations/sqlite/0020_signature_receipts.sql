-- Where each signature's entry stands in its campaign's log, for the signer's receipt (an
-- inclusion proof of that entry) and for the public openings of shown names, listed by
-- their place in the log.
ALTER TABLE signatures ADD COLUMN log_index INTEGER;
CREATE INDEX signatures_by_log_index ON signatures (campaign_id, log_index) WHERE log_index IS NOT NULL;
