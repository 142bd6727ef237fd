//! Signature counts by campaign and Iran clock hour (and by source and hour, for the fraud
//! tools):
//! moved in the transaction of every change to a count, read instead of the signatures by
//! trending and the growth history, and checked against the rows by reconciliation, a
//! bounded chunk at a time.

use std::collections::BTreeMap;

use tomar_core::Timestamp;
use tomar_core::ids::CampaignId;

use crate::limits::hour_of_second;
use crate::rows::{count, timestamp};
use crate::{Db, StoreError, Tx};

/// What a source of signatures is: the keyed network they were asked from, or the domain
/// of their email addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Network,
    Domain,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Network => "network",
            SourceKind::Domain => "domain",
        }
    }
}

/// Rows of `(start, count)` as buckets.
fn buckets(rows: Vec<(i64, i64)>) -> Result<Vec<BucketCount>, StoreError> {
    rows.into_iter()
        .map(|(start, n)| {
            Ok(BucketCount {
                start: timestamp(start, "signature bucket")?,
                count: count(n),
            })
        })
        .collect()
}

/// Iran's clock is UTC+3:30 (and was +4:30 in the summers before 2023): its hours begin at
/// half past the UTC hour. The counts by hour follow Iran's hours, so that a day of them is
/// an Iran calendar day, the day campaigns start and end on.
const IRAN_HOUR_OFFSET: i64 = 1800;

/// The second the Iran clock hour holding `at_second` begins.
pub(crate) fn iran_hour_of(at_second: i64) -> i64 {
    (at_second - IRAN_HOUR_OFFSET).div_euclid(3600) * 3600 + IRAN_HOUR_OFFSET
}

/// A signature entering or leaving a campaign's count, as the counts by hour, by source
/// and by text version see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct Counted {
    pub confirmed_at: i64,
    pub client_key: Option<String>,
    pub email_domain: Option<String>,
    pub text_version: i64,
}

/// Where a pass of reconciliation stands. A pass checks the hour rows that changed at or
/// after `since` against the signatures they count, in the order they changed; then the
/// totals of the campaigns those rows belong to against their hours, once every hour has
/// been checked (a total compared with hours not yet checked could be "repaired" wrong).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconcilePass {
    since: i64,
    stage: Stage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Checked up to this hour row: when it changed, its campaign and its hour.
    Hours { after: (i64, i64, i64) },
    /// Checked the totals of campaigns up to this id.
    Totals { after: i64 },
}

impl ReconcilePass {
    /// A pass over what changed at or after `since`.
    pub fn since(since: Timestamp) -> ReconcilePass {
        ReconcilePass {
            since: since.as_second(),
            stage: Stage::Hours {
                after: (i64::MIN, i64::MIN, i64::MIN),
            },
        }
    }

    /// A pass over every hour row and every campaign's total.
    pub fn everything() -> ReconcilePass {
        ReconcilePass::since(Timestamp::UNIX_EPOCH)
    }

    fn at(self, stage: Stage) -> ReconcilePass {
        ReconcilePass { stage, ..self }
    }
}

/// A count that did not match the rows it counts, and was repaired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drift {
    pub campaign: CampaignId,
    /// The hour whose count drifted, or `None` for the campaign's total.
    pub hour: Option<Timestamp>,
    pub stored: u64,
    pub actual: u64,
}

/// What one step of a reconciliation pass found, and where the pass goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconcileStep {
    pub drifted: Vec<Drift>,
    /// `None` when the pass is over.
    pub next: Option<ReconcilePass>,
}

/// The signatures a campaign counts from one bucket of time (an Iran hour or day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketCount {
    /// When the bucket begins.
    pub start: Timestamp,
    pub count: u64,
}

/// Iran has kept UTC+3:30 all year since 2023, and Tomar holds no older signature, so an
/// Iran day is the 24 Iran hours from 20:30 UTC: this many seconds before a UTC midnight.
const IRAN_DAY_OFFSET: i64 = 12_600;

store_methods! {
    /// A campaign's counted signatures by Iran clock hour, oldest first, leaving out the
    /// hours that count none: at most a row an hour of its life, whatever it holds.
    pub async fn signatures_by_hour(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT hour_start, count FROM signature_hours \
             WHERE campaign_id = $1 AND count > 0 ORDER BY hour_start",
        )
        .bind(campaign.0)
        .fetch_all(self.public_reader())
        .await?;
        buckets(rows)
    }

    /// The same summed by Iran calendar day: a row a day of the campaign's life.
    pub async fn signatures_by_day(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC; both read back as BIGINT.
            "SELECT (hour_start + $2) / 86400 * 86400 - $2, CAST(SUM(count) AS BIGINT) \
             FROM signature_hours WHERE campaign_id = $1 \
             GROUP BY (hour_start + $2) / 86400 HAVING SUM(count) > 0 ORDER BY 1",
        )
        .bind(campaign.0)
        .bind(IRAN_DAY_OFFSET)
        .fetch_all(self.public_reader())
        .await?;
        buckets(rows)
    }

    /// When a campaign's count last moved, if it ever did.
    pub async fn count_changed_at(
        &self,
        campaign: CampaignId,
    ) -> Result<Option<Timestamp>, StoreError> {
        let changed: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(changed_at) FROM signature_hours WHERE campaign_id = $1",
        )
        .bind(campaign.0)
        .fetch_one(self.public_reader())
        .await?;
        changed.map(|at| timestamp(at, "count change time")).transpose()
    }

    /// Takes the next step of `pass`: checks up to `limit` more hour rows, or once they are
    /// all checked, up to `limit` campaigns' totals, and repairs what drifted. Each
    /// comparison is one statement, so it sees one moment; a repair applies only if the
    /// stored count is still the one compared (every change to the rows moves it in the
    /// same transaction), so signing meanwhile and other processes reconciling at once
    /// never make a count wrong. The reads run on the readers: signing never waits for
    /// them. An hour row missing beside its signatures, which no store write leaves, is not
    /// looked for.
    pub async fn reconcile_step(
        &self,
        pass: &ReconcilePass,
        limit: u32,
    ) -> Result<ReconcileStep, StoreError> {
        match pass.stage {
            Stage::Hours { after } => self.reconcile_hours(pass, after, limit).await,
            Stage::Totals { after } => self.reconcile_totals(pass, after, limit).await,
        }
    }
}

backend_helpers! {
    async fn reconcile_hours(
        &self,
        pass: &ReconcilePass,
        (after_changed, after_campaign, after_hour): (i64, i64, i64),
        limit: u32,
    ) -> Result<ReconcileStep, StoreError> {
        let hours: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT h.campaign_id, h.hour_start, h.changed_at, h.count, \
             (SELECT COUNT(*) FROM signatures s WHERE s.campaign_id = h.campaign_id \
              AND s.confirmed_at >= h.hour_start AND s.confirmed_at < h.hour_start + 3600 \
              AND s.status = 'confirmed') \
             FROM signature_hours h WHERE h.changed_at >= $1 \
             AND (h.changed_at > $2 OR (h.changed_at = $2 AND (h.campaign_id > $3 \
                  OR (h.campaign_id = $3 AND h.hour_start > $4)))) \
             ORDER BY h.changed_at, h.campaign_id, h.hour_start LIMIT $5",
        )
        .bind(pass.since.max(after_changed))
        .bind(after_changed)
        .bind(after_campaign)
        .bind(after_hour)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        let compared = hours
            .iter()
            .map(|&(campaign, hour, _, stored, actual)| (campaign, Some(hour), stored, actual));
        let drifted = self.repair(compared).await?;
        let next = match hours.last() {
            Some(&(campaign, hour, changed, _, _)) if hours.len() == limit as usize => {
                Stage::Hours {
                    after: (changed, campaign, hour),
                }
            }
            _ => Stage::Totals { after: i64::MIN },
        };
        Ok(ReconcileStep {
            drifted,
            next: Some(pass.at(next)),
        })
    }

    /// Checks campaigns' totals against the sum of their hours: every campaign in a full
    /// pass, else those with an hour row changed since the pass's moment.
    async fn reconcile_totals(
        &self,
        pass: &ReconcilePass,
        after: i64,
        limit: u32,
    ) -> Result<ReconcileStep, StoreError> {
        let totals: Vec<(i64, i64, i64)> = sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC; both read back as BIGINT.
            "SELECT c.id, c.signature_count, CAST(COALESCE((SELECT SUM(h.count) \
             FROM signature_hours h WHERE h.campaign_id = c.id), 0) AS BIGINT) \
             FROM campaigns c WHERE c.id > $1 AND ($2 <= 0 OR EXISTS (SELECT 1 \
             FROM signature_hours h WHERE h.campaign_id = c.id AND h.changed_at >= $2)) \
             ORDER BY c.id LIMIT $3",
        )
        .bind(after)
        .bind(pass.since)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        let compared = totals
            .iter()
            .map(|&(campaign, stored, actual)| (campaign, None, stored, actual));
        let drifted = self.repair(compared).await?;
        let next = match totals.last() {
            Some(&(campaign, _, _)) if totals.len() == limit as usize => {
                Some(pass.at(Stage::Totals { after: campaign }))
            }
            _ => None,
        };
        Ok(ReconcileStep { drifted, next })
    }

    /// Sets each count compared, `(campaign, hour or None for the total, stored, actual)`,
    /// that drifted to what it counts, if it still reads what was compared; answers the
    /// repairs made.
    async fn repair(
        &self,
        compared: impl Iterator<Item = (i64, Option<i64>, i64, i64)>,
    ) -> Result<Vec<Drift>, StoreError> {
        let mut repaired = Vec::new();
        for (campaign, hour, stored, actual) in compared.filter(|c| c.2 != c.3) {
            let update = match hour {
                Some(hour) => sqlx::query(
                    "UPDATE signature_hours SET count = $1 \
                     WHERE campaign_id = $2 AND count = $3 AND hour_start = $4",
                )
                .bind(actual)
                .bind(campaign)
                .bind(stored)
                .bind(hour),
                None => sqlx::query(
                    "UPDATE campaigns SET signature_count = $1 \
                     WHERE id = $2 AND signature_count = $3",
                )
                .bind(actual)
                .bind(campaign)
                .bind(stored),
            };
            if update.execute(self.writer()).await?.rows_affected() == 1 {
                repaired.push(Drift {
                    campaign: CampaignId(campaign),
                    hour: hour.map(|h| timestamp(h, "signature hour")).transpose()?,
                    stored: count(stored),
                    actual: count(actual),
                });
            }
        }
        Ok(repaired)
    }

    /// Moves a campaign's counts by hour, by source and by text version by `delta` for
    /// each signature in `changed` (1 as they are counted, -1 as they leave), in the
    /// caller's transaction.
    pub(crate) async fn count_by_hour(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        changed: &[Counted],
        delta: i64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if changed.is_empty() {
            return Ok(());
        }
        let mut hours: BTreeMap<i64, i64> = BTreeMap::new();
        let mut sources: BTreeMap<(&str, &str, i64), i64> = BTreeMap::new();
        let mut versions: BTreeMap<i64, i64> = BTreeMap::new();
        for signature in changed {
            *hours.entry(iran_hour_of(signature.confirmed_at)).or_default() += delta;
            *versions.entry(signature.text_version).or_default() += delta;
            // The fraud tools count by UTC hour, as the limits do.
            let hour = hour_of_second(signature.confirmed_at);
            for (kind, source) in [
                (SourceKind::Network, signature.client_key.as_deref()),
                (SourceKind::Domain, signature.email_domain.as_deref()),
            ] {
                if let Some(source) = source {
                    *sources.entry((kind.name(), source, hour)).or_default() += delta;
                }
            }
        }
        let mut upsert = sqlx::QueryBuilder::<Db<Self>>::new(
            "INSERT INTO signature_hours (campaign_id, hour_start, count, changed_at) ",
        );
        upsert.push_values(hours, |mut row, (hour, count)| {
            row.push_bind(campaign.0)
                .push_bind(hour)
                .push_bind(count)
                .push_bind(at.as_second());
        });
        upsert.push(
            " ON CONFLICT (campaign_id, hour_start) DO UPDATE \
             SET count = signature_hours.count + excluded.count, \
             changed_at = excluded.changed_at",
        );
        upsert.build().execute(&mut **tx).await?;
        // A batch is nearly always of one version; a version signed before the log kept
        // its texts has no row to move.
        for (version, moved) in versions {
            sqlx::query(
                "UPDATE campaign_texts SET signatures = signatures + $1 \
                 WHERE campaign_id = $2 AND version = $3",
            )
            .bind(moved)
            .bind(campaign.0)
            .bind(version)
            .execute(&mut **tx)
            .await?;
        }
        if sources.is_empty() {
            return Ok(());
        }
        let mut upsert = sqlx::QueryBuilder::<Db<Self>>::new(
            "INSERT INTO signature_sources (campaign_id, kind, source, window_start, count) ",
        );
        upsert.push_values(sources, |mut row, ((kind, source, hour), count)| {
            row.push_bind(campaign.0)
                .push_bind(kind)
                .push_bind(source)
                .push_bind(hour)
                .push_bind(count);
        });
        upsert.push(
            " ON CONFLICT (campaign_id, kind, source, window_start) DO UPDATE \
             SET count = signature_sources.count + excluded.count",
        );
        upsert.build().execute(&mut **tx).await?;
        Ok(())
    }

    /// Takes signatures that left the count (withdrawn, invalidated) off their campaign's
    /// total and its counts by hour and source, in the caller's transaction.
    pub(crate) async fn uncount(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        gone: &[Counted],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if gone.is_empty() {
            return Ok(());
        }
        sqlx::query("UPDATE campaigns SET signature_count = signature_count - $1 WHERE id = $2")
            .bind(gone.len() as i64)
            .bind(campaign.0)
            .execute(&mut **tx)
            .await?;
        Self::count_by_hour(tx, campaign, gone, -1, at).await
    }
}

#[cfg(test)]
mod tests {
    use super::iran_hour_of;

    #[test]
    fn iran_hours_begin_at_half_past_the_utc_hour() {
        let tehran_midnight: i64 = "2024-06-16T20:30:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second();
        assert_eq!(iran_hour_of(tehran_midnight), tehran_midnight);
        assert_eq!(iran_hour_of(tehran_midnight + 3599), tehran_midnight);
        assert_eq!(iran_hour_of(tehran_midnight - 1), tehran_midnight - 3600);
    }
}
