-- Signing: verifications by one-time code, the outbox of messages to send, and what a
-- confirmed signature needs beyond the first schema.

CREATE TABLE verifications (
    -- A random token: it is also the address of the code page, so it must not be guessable.
    id                 TEXT PRIMARY KEY,
    purpose            TEXT NOT NULL CHECK (purpose IN ('sign', 'login')),
    campaign_id        INTEGER REFERENCES campaigns (id),
    contact_key        TEXT NOT NULL,
    channel            TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    code_hash          TEXT NOT NULL,
    attempts_left      INTEGER NOT NULL,
    -- What the signer asked for, kept until the code is confirmed.
    name               TEXT,
    public             INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    wants_updates      INTEGER NOT NULL DEFAULT 0 CHECK (wants_updates IN (0, 1)),
    -- The contact, encrypted, only for a signer who asked for news; copied to the signature.
    sealed_contact     TEXT,
    -- Keyed hash of the withdrawal token sent with the code, copied to the signature.
    withdraw_key       TEXT NOT NULL,
    -- Keyed hash of the requester's network, for per-network limits; never the address.
    client_key         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    last_sent_at       INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    consumed_at        INTEGER,
    -- The signature it produced, for the thank-you page.
    signature_sequence INTEGER
);
CREATE INDEX verifications_by_contact ON verifications (contact_key, created_at);
CREATE INDEX verifications_by_client ON verifications (client_key, created_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    -- Emptied once the message is sent: plain contacts are kept no longer than needed.
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

ALTER TABLE signatures ADD COLUMN wants_updates INTEGER NOT NULL DEFAULT 0 CHECK (wants_updates IN (0, 1));
-- The contact, encrypted under a key derived from the server secret, only for signers
-- who asked for news of the campaign.
ALTER TABLE signatures ADD COLUMN contact_sealed TEXT;
-- Keyed hash of the token in the signer's withdrawal link.
ALTER TABLE signatures ADD COLUMN withdraw_key TEXT;
ALTER TABLE signatures ADD COLUMN withdrawn_at INTEGER;
CREATE UNIQUE INDEX signatures_by_withdraw_key ON signatures (withdraw_key);
