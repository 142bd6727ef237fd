-- A campaign's picture: the two JPEGs Tomar drew from what its author sent (never the file
-- itself), and on the campaign the version in use, which cards and pages read with it.
CREATE TABLE campaign_images (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    version     INTEGER NOT NULL,
    wide        BLOB NOT NULL,
    card        BLOB NOT NULL
);
ALTER TABLE campaigns ADD COLUMN image_version INTEGER;
