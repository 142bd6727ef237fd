-- Merging duplicate campaigns: a moderator previews how many of one campaign's signers are
-- new to another (counted in chunks, never in a request), then confirms; the new signers
-- are carried over in batches with their original times, the merged campaign's comments and
-- news move with it, and its pages lead to the one it joined.
CREATE TABLE merges (
    id              INTEGER PRIMARY KEY,
    from_id         INTEGER NOT NULL REFERENCES campaigns (id),
    into_id         INTEGER NOT NULL REFERENCES campaigns (id),
    status          TEXT NOT NULL CHECK (status IN ('counting', 'counted', 'dropped', 'carrying', 'done')),
    -- The merged campaign's last signature number the counting, then the carrying, has
    -- passed: both go through its signatures in order, a chunk at a time.
    passed          INTEGER NOT NULL DEFAULT 0,
    -- The preview: signers new to the other campaign, and those who had signed it already.
    new_signers     INTEGER NOT NULL DEFAULT 0,
    already_signed  INTEGER NOT NULL DEFAULT 0,
    carried         INTEGER NOT NULL DEFAULT 0,
    moderator_id    INTEGER NOT NULL REFERENCES members (id),
    created_at      INTEGER NOT NULL,
    counted_at      INTEGER,
    confirmed_at    INTEGER,
    finished_at     INTEGER,
    CHECK (from_id <> into_id)
);
-- A campaign is merged once: a second merge of it cannot be confirmed.
CREATE UNIQUE INDEX merges_once ON merges (from_id) WHERE status IN ('carrying', 'done');
CREATE INDEX merges_into ON merges (into_id, id);
CREATE INDEX merges_running ON merges (id) WHERE status IN ('counting', 'carrying');

ALTER TABLE campaigns ADD COLUMN merged_into INTEGER REFERENCES campaigns (id);
-- Where a carried signature, a moved comment, news link or update came from.
ALTER TABLE signatures ADD COLUMN carried_from INTEGER REFERENCES campaigns (id);
ALTER TABLE comments ADD COLUMN moved_from INTEGER REFERENCES campaigns (id);
ALTER TABLE news_links ADD COLUMN moved_from INTEGER REFERENCES campaigns (id);
ALTER TABLE updates ADD COLUMN moved_from INTEGER REFERENCES campaigns (id);
