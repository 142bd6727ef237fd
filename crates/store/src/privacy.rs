//! Forgetting signers: some days after a campaign ends, what ties its signatures to people
//! is erased, and what the campaign needs to stand (its count, the names shown, its public
//! log) stays.

use tomar_core::contact::ContactKey;
use tomar_core::ids::CampaignId;
use tomar_core::verification::VerificationId;
use tomar_core::{Date, Timestamp};

use crate::StoreError;

/// Signatures erased per statement, each statement its own transaction: signing elsewhere
/// never waits long behind a campaign of millions.
const CHUNK: i64 = 5000;
/// Campaigns gone over per call.
const CAMPAIGNS_PER_CALL: i64 = 10;

/// What one call of [`Store::anonymise_ended_campaigns`] went over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anonymised {
    pub campaigns: u64,
    pub signatures: u64,
}

store_methods! {
    /// For public campaigns whose last day was before `ended_before` and that were not
    /// gone over yet (ten a call), erases what ties their signatures to their signers:
    /// contact fingerprints (each replaced by a placeholder of its own row, so "one
    /// signature per person" can no longer be asked of them), sealed contacts (no more news)
    /// and sealed answers to the campaign's questions,
    /// the name salts of hidden names (receipt codes; a shown name's salt is public in its
    /// opening and stays), network keys and email domains; then the campaign's
    /// code verifications and its counts by source. Counts, names shown, withdrawal links
    /// and the log stay. Safe to run from several processes at once: every step only
    /// erases. A campaign in a merge being carried waits for it (its signers' keys decide
    /// who is new to the other campaign); a mere preview holds nothing back, and a merge is
    /// refused once either campaign is anonymised.
    pub async fn anonymise_ended_campaigns(
        &self,
        ended_before: Date,
        at: Timestamp,
    ) -> Result<Anonymised, StoreError> {
        let due: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, last_sequence FROM campaigns \
             WHERE lifecycle IN ('published', 'ended', 'suspended') AND end_date < $1 \
             AND signers_anonymised_at IS NULL \
             AND id NOT IN (SELECT from_id FROM merges WHERE status = 'carrying') \
             AND id NOT IN (SELECT into_id FROM merges WHERE status = 'carrying') \
             ORDER BY end_date LIMIT $2",
        )
        .bind(ended_before.to_string())
        .bind(CAMPAIGNS_PER_CALL)
        .fetch_all(self.writer())
        .await?;
        let mut done = Anonymised::default();
        for (campaign, last_sequence) in due {
            for from in (0..last_sequence.max(0)).step_by(CHUNK as usize) {
                let erased = sqlx::query(
                    "UPDATE signatures SET contact_key = 'erased-' || id, \
                     contact_sealed = NULL, wants_updates = FALSE, answers_sealed = NULL, \
                     name_salt = CASE WHEN public THEN name_salt END, \
                     client_key = NULL, email_domain = NULL \
                     WHERE campaign_id = $1 AND sequence > $2 AND sequence <= $3",
                )
                .bind(campaign)
                .bind(from)
                .bind(from + CHUNK)
                .execute(self.writer())
                .await?;
                done.signatures += erased.rows_affected();
            }
            loop {
                let gone = sqlx::query(
                    "DELETE FROM verifications WHERE id IN \
                     (SELECT id FROM verifications WHERE campaign_id = $1 LIMIT $2)",
                )
                .bind(campaign)
                .bind(CHUNK)
                .execute(self.writer())
                .await?;
                if gone.rows_affected() == 0 {
                    break;
                }
            }
            sqlx::query("DELETE FROM signature_sources WHERE campaign_id = $1")
                .bind(campaign)
                .execute(self.writer())
                .await?;
            sqlx::query("UPDATE campaigns SET signers_anonymised_at = $1 WHERE id = $2")
                .bind(at.as_second())
                .bind(campaign)
                .execute(self.writer())
                .await?;
            done.campaigns += 1;
        }
        Ok(done)
    }

    /// Marks an inquiry's verification used, once: answers whether this call did (the
    /// right code was typed a moment before). Its masked destination is forgotten with it.
    pub async fn open_inquiry(
        &self,
        id: &VerificationId,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let opened = sqlx::query(
            "UPDATE verifications SET consumed_at = $1, destination = '' \
             WHERE id = $2 AND purpose = 'inquiry' AND consumed_at IS NULL",
        )
        .bind(at.as_second())
        .bind(id.as_ref())
        .execute(self.writer())
        .await?;
        Ok(opened.rows_affected() == 1)
    }

    /// The campaigns on which this contact's counted signature keeps its contact,
    /// encrypted, for news.
    pub async fn contacts_kept_for_news(
        &self,
        contact_key: &ContactKey,
    ) -> Result<Vec<CampaignId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT campaign_id FROM signatures WHERE contact_key = $1 \
             AND status = 'confirmed' AND contact_sealed IS NOT NULL",
        )
        .bind(contact_key.as_ref())
        .fetch_all(self.reader())
        .await?;
        Ok(ids.into_iter().map(CampaignId).collect())
    }

    /// Erases the encrypted contact of this contact's signature on the campaign, and with
    /// it the news; answers whether there was one.
    pub async fn forget_contact(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<bool, StoreError> {
        let forgotten = sqlx::query(
            "UPDATE signatures SET contact_sealed = NULL, wants_updates = FALSE \
             WHERE campaign_id = $1 AND contact_key = $2 AND contact_sealed IS NOT NULL",
        )
        .bind(campaign.0)
        .bind(contact_key.as_ref())
        .execute(self.writer())
        .await?;
        Ok(forgotten.rows_affected() == 1)
    }

    /// Deletes the verifications of codes that proved a contact rather than a signature
    /// (logins, inquiries) and expired before `expired_before`; answers how many. A
    /// signature's verification stays with its campaign until the campaign's signers are
    /// anonymised: its thank-you page and withdrawal need it.
    pub async fn forget_contact_codes(&self, expired_before: Timestamp) -> Result<u64, StoreError> {
        let gone = sqlx::query(
            "DELETE FROM verifications WHERE campaign_id IS NULL AND expires_at < $1",
        )
        .bind(expired_before.as_second())
        .execute(self.writer())
        .await?;
        Ok(gone.rows_affected())
    }
}
