-- When a campaign was first marked delivered to its addressees, and the addressee's answer
-- as a moderator records it (the day, a summary, the official text's address): what the
-- public record of answers at /responses is made of. Campaigns marked delivered before this
-- take the time of that moderation event.
ALTER TABLE campaigns ADD COLUMN delivered_at INTEGER;
ALTER TABLE campaigns ADD COLUMN response_on TEXT;
ALTER TABLE campaigns ADD COLUMN response_summary TEXT;
ALTER TABLE campaigns ADD COLUMN response_url TEXT;
UPDATE campaigns SET delivered_at = (
    SELECT MIN(e.created_at) FROM moderation_events e
    WHERE e.target_kind = 'campaign' AND e.target_id = campaigns.id
      AND e.action = 'outcome_delivered'
);
CREATE INDEX campaigns_by_delivery ON campaigns (delivered_at) WHERE delivered_at IS NOT NULL;
