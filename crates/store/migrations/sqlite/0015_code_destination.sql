-- Where a code went, masked (`0912***6789`, `s***@example.org`), for the code page to show
-- so a mistyped number is seen at once. Blanked when the code is used or expires: it is
-- never kept longer than the code.
ALTER TABLE verifications ADD COLUMN destination TEXT NOT NULL DEFAULT '';
CREATE INDEX verifications_destination_expiring ON verifications (expires_at)
    WHERE destination <> '';
