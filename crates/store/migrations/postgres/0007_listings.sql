-- Listings: trending counts the last day's signatures of each campaign; "new" orders by
-- publication.
CREATE INDEX signatures_by_confirmation ON signatures (campaign_id, confirmed_at);
CREATE INDEX campaigns_by_publication ON campaigns (published_at, id);
