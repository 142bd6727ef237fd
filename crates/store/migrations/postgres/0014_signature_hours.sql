-- A campaign's counted signatures by the Iran clock hour they were confirmed in (hours
-- begin at half past the UTC hour, so 24 of them make an Iran calendar day). Every change to a
-- count (a batch of confirmations, a withdrawal, an invalidation) moves these rows in the
-- same transaction, so trending, the last day's signatures and the growth history read
-- at most a row an hour, never the signatures. changed_at is when the row last moved:
-- reconciliation rechecks what changed since it last looked.
CREATE TABLE signature_hours (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    hour_start  BIGINT NOT NULL,
    count       BIGINT NOT NULL,
    changed_at  BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, hour_start)
);
CREATE INDEX signature_hours_by_change ON signature_hours (changed_at, campaign_id, hour_start);
INSERT INTO signature_hours (campaign_id, hour_start, count, changed_at)
SELECT campaign_id, confirmed_at - (confirmed_at - 1800) % 3600, COUNT(*), MAX(confirmed_at)
FROM signatures WHERE status = 'confirmed' AND confirmed_at IS NOT NULL
GROUP BY campaign_id, confirmed_at - (confirmed_at - 1800) % 3600;
