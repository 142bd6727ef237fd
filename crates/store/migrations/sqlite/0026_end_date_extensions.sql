-- After a platform outage an admin gives the lost days back: every campaign open on that
-- day has its end date moved later, once per outage (the outage's day is unique, so a form
-- sent twice extends once), and its page says why.
CREATE TABLE end_date_extensions (
    id          INTEGER PRIMARY KEY,
    outage_on   TEXT NOT NULL UNIQUE,
    days        INTEGER NOT NULL CHECK (days > 0),
    reason      TEXT NOT NULL,
    actor_id    INTEGER REFERENCES members (id),
    created_at  INTEGER NOT NULL
);
ALTER TABLE campaigns ADD COLUMN extension_id INTEGER REFERENCES end_date_extensions (id);
