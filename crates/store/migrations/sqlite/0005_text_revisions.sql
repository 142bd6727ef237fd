-- A published campaign's text is revised through review: the author's new text waits here
-- while the approved one stays live; approving it replaces the live text and raises the
-- campaign's text_version (signatures record the version they signed).
CREATE TABLE text_revisions (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    hashtag      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'replaced')),
    created_at   INTEGER NOT NULL
);
-- At most one revision of a campaign waits at a time; a newer one replaces it.
CREATE UNIQUE INDEX text_revisions_pending ON text_revisions (campaign_id) WHERE status = 'pending';

CREATE TABLE revision_addressees (
    revision_id INTEGER NOT NULL REFERENCES text_revisions (id),
    ordinal     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    position    TEXT NOT NULL,
    PRIMARY KEY (revision_id, ordinal)
);
