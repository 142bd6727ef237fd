-- Discussion and news from the public: posts are limited per network (a keyed hash of it,
-- never the address), comments can be flagged once per person, and moderators review
-- flagged comments.
ALTER TABLE comments ADD COLUMN client_key TEXT;
-- When a moderator last decided on the comment; a reviewed comment is not hidden by flags again.
ALTER TABLE comments ADD COLUMN reviewed_at INTEGER;
CREATE INDEX comments_by_client ON comments (client_key, created_at);
CREATE INDEX comments_flagged ON comments (flags, id) WHERE flags > 0 AND reviewed_at IS NULL;

ALTER TABLE news_links ADD COLUMN client_key TEXT;
CREATE INDEX news_links_by_client ON news_links (client_key, created_at);
CREATE INDEX news_links_pending ON news_links (id) WHERE status = 'pending';

CREATE TABLE comment_flags (
    comment_id  INTEGER NOT NULL REFERENCES comments (id),
    -- A keyed hash of who flagged: the member, or the browser of an anonymous person.
    flagger_key TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (comment_id, flagger_key)
);
