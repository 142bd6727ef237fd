-- Reports count once per member, or once per network for people not logged in, so fresh
-- cookies no longer hide a comment; `flags` stays the total, and moderators see how many
-- of them are members.
ALTER TABLE comments ADD COLUMN member_flags BIGINT NOT NULL DEFAULT 0;
