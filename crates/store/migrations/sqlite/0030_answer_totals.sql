-- Totals of the choices signers took, for the questions whose author made them public:
-- counted now and then from the sealed answers (never who took what), and shown on the
-- campaign page as of when they were counted.
ALTER TABLE campaign_questions ADD COLUMN totals_public INTEGER NOT NULL DEFAULT 0
    CHECK (totals_public IN (0, 1));
CREATE TABLE answer_totals (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    place       INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    signatures  BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, place, choice)
);
-- When each campaign's totals were last counted, and its signature count then: a count is
-- due again once the signatures have moved.
CREATE TABLE answer_tallies (
    campaign_id     INTEGER PRIMARY KEY REFERENCES campaigns (id),
    signature_count BIGINT NOT NULL,
    counted_at      BIGINT NOT NULL
);
