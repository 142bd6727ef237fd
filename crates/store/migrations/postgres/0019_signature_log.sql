-- Each campaign's public log: its entries in order (tomar_core::signature_log), the hashes
-- of its Merkle tree, each stored once at its fixed index (tomar_core::tlog), and the
-- canonical texts its signature entries pin by hash. A signature's name salt opens its
-- name commitment; it is shown to the signer and erased with the rest at anonymisation.
CREATE TABLE signature_log (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    idx         BIGINT NOT NULL,
    entry       BYTEA NOT NULL,
    PRIMARY KEY (campaign_id, idx)
);
CREATE TABLE signature_log_hashes (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    idx         BIGINT NOT NULL,
    hash        BYTEA NOT NULL,
    PRIMARY KEY (campaign_id, idx)
);
CREATE TABLE campaign_texts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    version     BIGINT NOT NULL,
    canonical   TEXT NOT NULL,
    hash        BYTEA NOT NULL,
    PRIMARY KEY (campaign_id, version)
);
ALTER TABLE campaigns ADD COLUMN log_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE signatures ADD COLUMN name_salt BYTEA;
