-- Codes that prove a contact rather than a signature (logins, inquiries) are forgotten an
-- hour after they expire: nothing needs them afterwards.
CREATE INDEX verifications_without_campaign ON verifications (expires_at) WHERE campaign_id IS NULL;
