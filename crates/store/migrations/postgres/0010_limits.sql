-- Limits taken atomically and at a fixed cost: how many of something a key took in one
-- hour (codes sent to a contact, codes asked for and wrong codes typed from a network,
-- reports, logins). One row per key and hour, so a check costs the same whatever the limit.
CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    -- The hour, as the second it starts (UTC).
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Where signatures come from, for the moderators' fraud tools: the keyed network (never
-- the address), an email signer's domain, and whether the network was busy when they
-- signed (busy networks are accepted and flagged, never refused).
ALTER TABLE verifications ADD COLUMN email_domain TEXT;
ALTER TABLE verifications ADD COLUMN busy_network BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE signatures ADD COLUMN client_key TEXT;
ALTER TABLE signatures ADD COLUMN email_domain TEXT;
ALTER TABLE signatures ADD COLUMN busy_network BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX signatures_by_network ON signatures (campaign_id, client_key) WHERE status = 'confirmed';
CREATE INDEX signatures_by_domain ON signatures (campaign_id, email_domain) WHERE status = 'confirmed';

-- Confirmed signatures per campaign, source (a network or an email domain) and hour, kept by
-- the signing writer in each batch: the fraud tools read these, never the signatures.
CREATE TABLE signature_sources (
    campaign_id  BIGINT NOT NULL REFERENCES campaigns (id),
    kind         TEXT NOT NULL CHECK (kind IN ('network', 'domain')),
    source       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, kind, source, window_start)
);
CREATE INDEX signature_sources_recent ON signature_sources (campaign_id, kind, window_start);
