//! A campaign's extra questions on its sign form (read with the campaign, see
//! `campaigns::campaign_columns`). The answers travel sealed with the verification and
//! the signature (`signing.rs`, `signatures.rs`).

use tomar_core::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::ids::CampaignId;
use tomar_core::questions::{Asks, Question, Questions, Wording};

use crate::rows::{count, line, timestamp};
use crate::{Store, StoreError};

/// A campaign's public totals as last counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerTotals {
    pub counted_at: Timestamp,
    /// Question's place, choice's place, signers who took it.
    pub counts: Vec<(usize, usize, u64)>,
}

impl AnswerTotals {
    /// The signers who took each of the `choices` choices of the question at `place`, in
    /// their order; none counted for a choice not in the totals.
    pub fn of_question(&self, place: usize, choices: usize) -> Vec<u64> {
        let mut counts = vec![0; choices];
        for (_, choice, count) in self.counts.iter().filter(|(at, ..)| *at == place) {
            if let Some(slot) = counts.get_mut(*choice) {
                *slot = *count;
            }
        }
        counts
    }
}

impl Store {
    /// The totals of `campaign`'s answers its author made public, as last counted; nothing
    /// is read for a campaign that publishes none.
    pub async fn public_answer_totals(
        &self,
        campaign: &Campaign,
    ) -> Result<Option<AnswerTotals>, StoreError> {
        match campaign.questions.has_public_totals() {
            true => self.answer_totals(campaign.id).await,
            false => Ok(None),
        }
    }
}

store_methods! {
    /// Replaces the campaign's questions with `questions`, in one transaction. `Conflict`
    /// once the campaign is in review or public: every signer meets the same form.
    pub async fn set_questions(
        &self,
        campaign: CampaignId,
        questions: &Questions,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        // Checks the lifecycle and holds the campaign's row until the commit, so a
        // submission cannot slip between the check and the new questions.
        let changeable = sqlx::query(concat!(
            "UPDATE campaigns SET id = id WHERE id = $1 AND ",
            crate::images::changeable!()
        ))
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changeable != 1 {
            return Err(StoreError::Conflict);
        }
        sqlx::query("DELETE FROM campaign_questions WHERE campaign_id = $1")
            .bind(campaign.0)
            .execute(&mut *tx)
            .await?;
        for (place, question) in questions.all().iter().enumerate() {
            let choices = question.asks.choices();
            let fa: Vec<&str> = choices.iter().map(|choice| choice.fa.as_ref()).collect();
            let en: Vec<&str> = choices
                .iter()
                .map(|choice| choice.en.as_ref().map_or("", AsRef::as_ref))
                .collect();
            sqlx::query(
                "INSERT INTO campaign_questions (campaign_id, place, asks, required, \
                 totals_public, label_fa, label_en, choices_fa, choices_en) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(campaign.0)
            .bind(i32::try_from(place).map_err(|_| StoreError::Corrupt("question place"))?)
            .bind(question.asks.name())
            .bind(question.required)
            .bind(question.totals_public)
            .bind(question.wording.fa.as_ref())
            .bind(question.wording.en.as_ref().map(AsRef::as_ref))
            .bind(fa.join("\n"))
            .bind(en.join("\n"))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(())
    }


    /// The sealed answers of the campaign's counted signatures that have some, by number,
    /// after number `after`: the delivery package reads them a page at a time beside
    /// [`signatures_in_order`](Self::signatures_in_order).
    pub async fn sealed_answers_in_order(
        &self,
        campaign: CampaignId,
        after: u64,
        limit: u32,
    ) -> Result<Vec<(u64, String)>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT sequence, answers_sealed FROM signatures \
             WHERE campaign_id = $1 AND status = 'confirmed' AND sequence > $2 \
             AND answers_sealed IS NOT NULL ORDER BY sequence LIMIT $3",
        )
        .bind(campaign.0)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(sequence, sealed)| (count(sequence), sealed))
            .collect())
    }

    /// Public campaigns whose totals are due a count, at most `limit`: never counted, or
    /// counted before `counted_before` and signed or withdrawn from since. Read from the
    /// questions, so the campaigns that publish no totals cost nothing.
    pub async fn campaigns_due_a_tally(
        &self,
        counted_before: Timestamp,
        limit: u32,
    ) -> Result<Vec<CampaignId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT c.id FROM campaign_questions q \
             JOIN campaigns c ON c.id = q.campaign_id \
             LEFT JOIN answer_tallies t ON t.campaign_id = c.id \
             WHERE q.totals_public AND c.lifecycle IN ('published', 'ended', 'suspended') \
             AND (t.campaign_id IS NULL \
                  OR (t.signature_count <> c.signature_count AND t.counted_at < $1)) \
             ORDER BY c.id LIMIT $2",
        )
        .bind(counted_before.as_second())
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        Ok(ids.into_iter().map(CampaignId).collect())
    }

    /// Replaces the campaign's totals with `counts` (question's place, choice's place,
    /// signers), counted from its answers when its count was `signature_count`.
    pub async fn save_answer_totals(
        &self,
        campaign: CampaignId,
        counts: &[(usize, usize, u64)],
        signature_count: u64,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let number = |n: usize| i64::try_from(n).map_err(|_| StoreError::Corrupt("answer place"));
        let mut tx = self.writer().begin().await?;
        sqlx::query("DELETE FROM answer_totals WHERE campaign_id = $1")
            .bind(campaign.0)
            .execute(&mut *tx)
            .await?;
        for (place, choice, signatures) in counts {
            sqlx::query(
                "INSERT INTO answer_totals (campaign_id, place, choice, signatures) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(campaign.0)
            .bind(number(*place)?)
            .bind(number(*choice)?)
            .bind(i64::try_from(*signatures).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO answer_tallies (campaign_id, signature_count, counted_at) \
             VALUES ($1, $2, $3) ON CONFLICT (campaign_id) DO UPDATE \
             SET signature_count = excluded.signature_count, counted_at = excluded.counted_at",
        )
        .bind(campaign.0)
        .bind(i64::try_from(signature_count).unwrap_or(i64::MAX))
        .bind(at.as_second())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The campaign's totals as last counted; `None` before the first count.
    pub async fn answer_totals(
        &self,
        campaign: CampaignId,
    ) -> Result<Option<AnswerTotals>, StoreError> {
        let counted_at: Option<i64> =
            sqlx::query_scalar("SELECT counted_at FROM answer_tallies WHERE campaign_id = $1")
                .bind(campaign.0)
                .fetch_optional(self.reader())
                .await?;
        let Some(counted_at) = counted_at else {
            return Ok(None);
        };
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT CAST(place AS BIGINT), CAST(choice AS BIGINT), signatures FROM answer_totals \
             WHERE campaign_id = $1 \
             ORDER BY place, choice",
        )
        .bind(campaign.0)
        .fetch_all(self.reader())
        .await?;
        let place = |n: i64| usize::try_from(n).map_err(|_| StoreError::Corrupt("answer place"));
        let counts = rows
            .into_iter()
            .map(|(question, choice, signatures)| {
                Ok((place(question)?, place(choice)?, count(signatures)))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(AnswerTotals {
            counted_at: timestamp(counted_at, "answer totals' time")?,
            counts,
        }))
    }
}

/// The questions as the campaign's row joins them (`campaigns::campaign_columns`): one
/// per RS, its parts (kind, required, totals public, label in Persian and English, choices
/// in each) per US; the choices one per line.
pub(crate) fn joined(joined: Option<&str>) -> Result<Questions, StoreError> {
    let corrupt = || StoreError::Corrupt("campaign questions");
    let questions = joined
        .into_iter()
        .flat_map(|joined| joined.split('\u{1e}'))
        .map(|question| {
            let parts: Vec<&str> = question.split('\u{1f}').collect();
            let [
                asks,
                required,
                totals,
                label_fa,
                label_en,
                choices_fa,
                choices_en,
            ] = parts[..]
            else {
                return Err(corrupt());
            };
            question_of(
                asks,
                (required == "1", totals == "1"),
                label_fa,
                label_en,
                choices_fa,
                choices_en,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Questions::new(questions).map_err(|_| corrupt())
}

/// One question from its stored columns, with whether it must be answered and whether its
/// totals are public; an empty English label or choice is none.
fn question_of(
    asks: &str,
    (required, totals_public): (bool, bool),
    label_fa: &str,
    label_en: &str,
    choices_fa: &str,
    choices_en: &str,
) -> Result<Question, StoreError> {
    let english = |text: &str| match text {
        "" => Ok(None),
        text => line(text.to_owned(), "question wording").map(Some),
    };
    let mut en = choices_en.split('\n');
    let choices = choices_fa
        .split('\n')
        .filter(|choice| !choice.is_empty())
        .map(|fa| {
            Ok(Wording {
                fa: line(fa.to_owned(), "question choice")?,
                en: english(en.next().unwrap_or_default())?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let asks = match asks {
        "text" => Asks::Text,
        "one" => Asks::OneOf(choices),
        "several" => Asks::SeveralOf(choices),
        _ => return Err(StoreError::Corrupt("question kind")),
    };
    Ok(Question {
        wording: Wording {
            fa: line(label_fa.to_owned(), "question label")?,
            en: english(label_en)?,
        },
        asks,
        required,
        totals_public,
    })
}
