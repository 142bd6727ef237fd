-- The questions an author adds to a campaign's sign form, and each signer's answers.
-- Answers are personal data: kept only sealed (encrypted under the secret), with the
-- verification until the code is confirmed, then with the signature; erased when the
-- signature is withdrawn or the campaign's signers are anonymised.
CREATE TABLE campaign_questions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    -- The question's place on the form, from 0.
    place       INTEGER NOT NULL CHECK (place BETWEEN 0 AND 4),
    asks        TEXT NOT NULL CHECK (asks IN ('text', 'one', 'several')),
    required    INTEGER NOT NULL CHECK (required IN (0, 1)),
    label_fa    TEXT NOT NULL,
    label_en    TEXT,
    -- The choices, one per line in their order; empty for a text question. An English
    -- line may be empty where the author gave none.
    choices_fa  TEXT NOT NULL DEFAULT '',
    choices_en  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, place)
);
ALTER TABLE verifications ADD COLUMN sealed_answers TEXT;
ALTER TABLE signatures ADD COLUMN answers_sealed TEXT;
