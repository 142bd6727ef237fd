-- A campaign's picture: the two JPEGs Tomar drew from what its author sent (never the file
-- itself), and on the campaign the version in use, which cards and pages read with it.
CREATE TABLE campaign_images (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns (id),
    version     BIGINT NOT NULL,
    wide        BYTEA NOT NULL,
    card        BYTEA NOT NULL
);
ALTER TABLE campaigns ADD COLUMN image_version BIGINT;
