-- A third kind of code: a signer without an account asking what Tomar holds about them.
ALTER TABLE verifications DROP CONSTRAINT verifications_purpose_check;
ALTER TABLE verifications ADD CONSTRAINT verifications_purpose_check
    CHECK (purpose IN ('sign', 'login', 'inquiry'));
