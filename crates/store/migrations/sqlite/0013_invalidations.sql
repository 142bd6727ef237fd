-- Bulk invalidation, the moderators' answer to a flood of fake signatures: the signatures
-- of a campaign chosen by network, email domain and time window leave the count and the
-- list in batches, with progress a moderator watches and may cancel.
CREATE TABLE invalidations (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    -- The choice; at least one is set.
    network      TEXT,
    email_domain TEXT,
    from_at      INTEGER,
    to_at        INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('running', 'cancelled', 'done')),
    -- How many matched when the moderator confirmed, and how many have gone so far.
    expected     INTEGER NOT NULL,
    invalidated  INTEGER NOT NULL DEFAULT 0,
    moderator_id INTEGER NOT NULL REFERENCES members (id),
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX invalidations_running ON invalidations (id) WHERE status = 'running';
CREATE INDEX invalidations_by_campaign ON invalidations (campaign_id, id);
ALTER TABLE signatures ADD COLUMN invalidated_at INTEGER;
