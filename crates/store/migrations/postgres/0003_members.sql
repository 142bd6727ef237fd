-- Members log in with a one-time code. Their contact is kept encrypted so the platform can
-- write to them; logging out raises the session epoch, voiding every session issued before.
ALTER TABLE members ADD COLUMN contact_sealed TEXT;
ALTER TABLE members ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- A member's page lists what they signed (by their contact's key), started and wrote.
CREATE INDEX signatures_by_contact ON signatures (contact_key);
CREATE INDEX campaigns_by_author ON campaigns (author_id, id);
CREATE INDEX comments_by_author ON comments (author_id, id);
