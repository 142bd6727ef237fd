-- A third route for messages: posts to the platform's Telegram channel. SQLite cannot change
-- a CHECK in place, so the outbox is made anew with every column as the earlier migrations
-- left it, and its indexes after it.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'telegram')),
    -- Emptied once the message is sent: plain contacts are kept no longer than needed.
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER
);
INSERT INTO outbox_new
    SELECT id, channel, recipient, subject, body, attempts, next_attempt_at, sent_at,
           failed_at, last_error, created_at, expires_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_expiring ON outbox (expires_at)
    WHERE sent_at IS NULL AND failed_at IS NULL AND expires_at IS NOT NULL;
