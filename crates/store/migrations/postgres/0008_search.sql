-- Persian search. Each campaign's fields are stored already cut into words by
-- `tomar_core::search` (letter forms, digits, joiners and diacritics folded). The
-- document is built from those words with array_to_tsvector, and queries are tsquery
-- literals of the same words, so PostgreSQL's own parser and locale never split or fold
-- Persian text differently from SQLite.
CREATE TABLE campaign_search (
    campaign_id  BIGINT PRIMARY KEY REFERENCES campaigns (id),
    title        TEXT NOT NULL,
    addressees   TEXT NOT NULL,
    body         TEXT NOT NULL,
    hashtag      TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    document     tsvector NOT NULL
);
CREATE INDEX campaign_search_document ON campaign_search USING GIN (document);
