-- Tomar's first schema, SQLite flavour. Instants are UTC seconds since 1970 (INTEGER);
-- campaign days are Iran calendar dates written 'YYYY-MM-DD' (TEXT), which sort as dates.

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    contact_key  TEXT NOT NULL UNIQUE,
    display_name TEXT,
    role         TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
    created_at   INTEGER NOT NULL
);

CREATE TABLE rejection_reasons (
    id       INTEGER PRIMARY KEY,
    label_fa TEXT NOT NULL,
    label_en TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE campaigns (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('request', 'complaint', 'appreciation')),
    title               TEXT NOT NULL,
    body                TEXT NOT NULL,
    on_behalf_of        TEXT NOT NULL,
    author_name         TEXT NOT NULL,
    hashtag             TEXT NOT NULL,
    category            TEXT,
    author_id           INTEGER REFERENCES members (id),
    start_date          TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    end_date            TEXT NOT NULL CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    signature_goal      INTEGER CHECK (signature_goal > 0),
    text_version        INTEGER NOT NULL DEFAULT 1,
    lifecycle           TEXT NOT NULL CHECK (lifecycle IN ('draft', 'in_review', 'published', 'ended', 'rejected', 'suspended')),
    rejection_reason_id INTEGER REFERENCES rejection_reasons (id),
    suspension_order    TEXT,
    outcome             TEXT NOT NULL DEFAULT 'none' CHECK (outcome IN ('none', 'delivered', 'special_follow_up', 'succeeded', 'failed')),
    outcome_news_url    TEXT,
    -- Confirmed signatures and the last sequence number handed out. Both move by one
    -- UPDATE per batch of confirmations, never per signature.
    signature_count     INTEGER NOT NULL DEFAULT 0,
    last_sequence       INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    published_at        INTEGER,
    CHECK (end_date >= start_date),
    CHECK (lifecycle <> 'rejected' OR rejection_reason_id IS NOT NULL),
    CHECK (lifecycle <> 'suspended' OR suspension_order IS NOT NULL),
    CHECK (outcome <> 'succeeded' OR outcome_news_url IS NOT NULL)
);
CREATE INDEX campaigns_by_lifecycle ON campaigns (lifecycle, end_date);
CREATE INDEX campaigns_by_hashtag ON campaigns (hashtag);

CREATE TABLE addressees (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    position    TEXT NOT NULL,
    PRIMARY KEY (campaign_id, ordinal)
);

CREATE TABLE signatures (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    sequence     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    public       INTEGER NOT NULL CHECK (public IN (0, 1)),
    contact_key  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'withdrawn', 'invalidated')),
    text_version INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    confirmed_at INTEGER,
    UNIQUE (campaign_id, contact_key),
    UNIQUE (campaign_id, sequence)
);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    parent_id   INTEGER REFERENCES comments (id),
    author_id   INTEGER REFERENCES members (id),
    name        TEXT,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    flags       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_by_campaign ON comments (campaign_id, parent_id, id);

CREATE TABLE news_links (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns (id),
    url            TEXT NOT NULL,
    title          TEXT NOT NULL,
    source_host    TEXT NOT NULL,
    submitter_name TEXT,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at     INTEGER NOT NULL,
    UNIQUE (campaign_id, url)
);

CREATE TABLE updates (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    author      TEXT NOT NULL CHECK (author IN ('author', 'platform')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX updates_by_campaign ON updates (campaign_id, id);

CREATE TABLE moderation_events (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER REFERENCES members (id),
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('campaign', 'comment', 'news_link')),
    target_id   INTEGER NOT NULL,
    note        TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX moderation_events_by_target ON moderation_events (target_kind, target_id, id);

-- Platform texts and switches that admins change at run time.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
