-- Some days after a campaign ends, what ties its signatures to people is erased (contact
-- fingerprints, sealed contacts, name salts, network keys and email domains, the codes'
-- verifications and the counts by source); counts, shown names and the log stay. This
-- records when, so a campaign is gone over once.
ALTER TABLE campaigns ADD COLUMN signers_anonymised_at BIGINT;
CREATE INDEX verifications_by_campaign ON verifications (campaign_id) WHERE campaign_id IS NOT NULL;
