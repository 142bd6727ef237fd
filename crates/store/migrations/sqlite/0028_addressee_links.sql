-- One-time links for a delivered campaign's addressee to post their answer themselves: kept
-- as the keyed hash of the token only, the answer as they sent it until a moderator
-- records it (or one of their own) as the campaign's answer.
CREATE TABLE addressee_links (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    submitted_at INTEGER,
    answered_on  TEXT,
    summary      TEXT,
    official_url TEXT,
    decided_at   INTEGER
);
CREATE INDEX addressee_answers_waiting ON addressee_links (campaign_id, submitted_at)
    WHERE submitted_at IS NOT NULL AND decided_at IS NULL;
