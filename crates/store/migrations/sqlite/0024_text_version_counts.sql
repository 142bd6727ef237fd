-- How many counted signatures each text version has, moved in the same transactions as
-- every other count, so a campaign page shows them without counting rows.
ALTER TABLE campaign_texts ADD COLUMN signatures BIGINT NOT NULL DEFAULT 0;
UPDATE campaign_texts SET signatures = (
    SELECT COUNT(*) FROM signatures s
    WHERE s.campaign_id = campaign_texts.campaign_id
      AND s.text_version = campaign_texts.version AND s.status = 'confirmed'
);
