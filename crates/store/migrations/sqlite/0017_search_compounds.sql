-- The index also holds each pair of neighbouring words written as one (`compounds`), so that
-- a campaign that spaces «کتاب خانه» is found by «کتابخانه». FTS5 tables take no new column:
-- the table is made again, empty, and the server fills it at start
-- (`Store::index_missing_campaigns`).
DROP TABLE campaign_search;
CREATE VIRTUAL TABLE campaign_search USING fts5(
    title, addressees, body, hashtag, on_behalf_of, compounds,
    tokenize = 'unicode61 remove_diacritics 0'
);
