-- A third kind of code: a signer without an account asking what Tomar holds about them.
-- SQLite cannot change a CHECK in place, so the table is made anew with every column as the
-- earlier migrations left it, and its indexes after it.
CREATE TABLE verifications_new (
    id                 TEXT PRIMARY KEY,
    purpose            TEXT NOT NULL CHECK (purpose IN ('sign', 'login', 'inquiry')),
    campaign_id        INTEGER REFERENCES campaigns (id),
    contact_key        TEXT NOT NULL,
    channel            TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    code_hash          TEXT NOT NULL,
    attempts_left      INTEGER NOT NULL,
    name               TEXT,
    public             INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    wants_updates      INTEGER NOT NULL DEFAULT 0 CHECK (wants_updates IN (0, 1)),
    sealed_contact     TEXT,
    withdraw_key       TEXT NOT NULL,
    client_key         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    last_sent_at       INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    consumed_at        INTEGER,
    signature_sequence INTEGER,
    resends            INTEGER NOT NULL DEFAULT 0,
    email_domain       TEXT,
    busy_network       INTEGER NOT NULL DEFAULT 0 CHECK (busy_network IN (0, 1)),
    destination        TEXT NOT NULL DEFAULT ''
);
INSERT INTO verifications_new
    SELECT id, purpose, campaign_id, contact_key, channel, code_hash, attempts_left, name,
           public, wants_updates, sealed_contact, withdraw_key, client_key, created_at,
           last_sent_at, expires_at, consumed_at, signature_sequence, resends, email_domain,
           busy_network, destination
    FROM verifications;
DROP TABLE verifications;
ALTER TABLE verifications_new RENAME TO verifications;
CREATE INDEX verifications_by_contact ON verifications (contact_key, created_at);
CREATE INDEX verifications_by_client ON verifications (client_key, created_at);
CREATE INDEX verifications_destination_expiring ON verifications (expires_at)
    WHERE destination <> '';
CREATE INDEX verifications_by_campaign ON verifications (campaign_id) WHERE campaign_id IS NOT NULL;
