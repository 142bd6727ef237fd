-- A code can be sent again to a signer who types their contact once more (it is never
-- kept to resend to); this counts the resends of each verification.
ALTER TABLE verifications ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
