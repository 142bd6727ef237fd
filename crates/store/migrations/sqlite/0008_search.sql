-- Persian search. Each campaign's fields are stored already cut into words by
-- `tomar_core::search` (letter forms, digits, joiners and diacritics folded), one row per
-- campaign with the campaign's id as rowid; unicode61 then splits on the spaces and keeps
-- Persian words whole. Queries are prefix matches of every word.
CREATE VIRTUAL TABLE campaign_search USING fts5(
    title, addressees, body, hashtag, on_behalf_of,
    tokenize = 'unicode61 remove_diacritics 0'
);
