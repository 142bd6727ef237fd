-- Secrets at rest: a message's text (a code, a withdrawal link) is kept no longer than it
-- is needed. A code message expires with its code: not sent by then, it never is, and its
-- text is blanked like a sent one's.
ALTER TABLE outbox ADD COLUMN expires_at BIGINT;
CREATE INDEX outbox_expiring ON outbox (expires_at)
    WHERE sent_at IS NULL AND failed_at IS NULL AND expires_at IS NOT NULL;
-- What was sent or given up on before this kept its text; it goes now.
UPDATE outbox SET recipient = '', subject = '', body = ''
    WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL;
