-- When a campaign last entered review: the moderators' queue is oldest first by it.
ALTER TABLE campaigns ADD COLUMN submitted_at INTEGER;
CREATE INDEX campaigns_in_review ON campaigns (submitted_at, id) WHERE lifecycle = 'in_review';
-- The moderation log pages newest first by id.
CREATE INDEX moderation_events_by_id ON moderation_events (id);
