-- The index also holds each pair of neighbouring words written as one, so that a campaign
-- that spaces «کتاب خانه» is found by «کتابخانه». The documents are dropped and the server
-- makes them again at start (`Store::index_missing_campaigns`).
DELETE FROM campaign_search;
