//! Campaign pictures: the two drawings of the current version, beside the campaign's
//! `image_version`, which cards and pages read with the rest of the campaign. A picture
//! is set or removed only while its campaign is a draft or rejected, so that what the
//! moderators approved is what the public sees.

use tomar_core::ids::CampaignId;
use tomar_core::image::{CampaignImage, ImageSize, ImageVersion};

use crate::StoreError;

/// The condition on a campaign whose author may change its picture (and its questions,
/// see `questions.rs`): a draft, or rejected.
macro_rules! changeable {
    () => {
        "lifecycle IN ('draft', 'rejected')"
    };
}
pub(crate) use changeable;

store_methods! {
    /// Makes `image` the campaign's picture, as the next version; the previous one is gone.
    /// `Conflict` once the campaign is in review or public.
    pub async fn set_campaign_image(
        &self,
        campaign: CampaignId,
        image: &CampaignImage,
    ) -> Result<ImageVersion, StoreError> {
        let mut tx = self.writer().begin().await?;
        // One statement raises the version and checks the lifecycle, so two uploads at once
        // get two versions and the campaign ends with the later one.
        let version: Option<i64> = sqlx::query_scalar(concat!(
            "UPDATE campaigns SET image_version = COALESCE(image_version, 0) + 1 \
             WHERE id = $1 AND ",
            changeable!(),
            " RETURNING image_version"
        ))
        .bind(campaign.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(version) = version else {
            return Err(StoreError::Conflict);
        };
        sqlx::query(
            "INSERT INTO campaign_images (campaign_id, version, wide, card) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (campaign_id) DO UPDATE SET version = excluded.version, \
             wide = excluded.wide, card = excluded.card",
        )
        .bind(campaign.0)
        .bind(version)
        .bind(&image.wide)
        .bind(&image.card)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(ImageVersion(version))
    }

    /// Takes the campaign's picture away. `Conflict` once it is in review or public.
    pub async fn remove_campaign_image(&self, campaign: CampaignId) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query(concat!(
            "UPDATE campaigns SET image_version = NULL WHERE id = $1 AND ",
            changeable!()
        ))
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::Conflict);
        }
        sqlx::query("DELETE FROM campaign_images WHERE campaign_id = $1")
            .bind(campaign.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// One drawing of a picture, if `version` is the campaign's current one.
    pub async fn campaign_image(
        &self,
        campaign: CampaignId,
        version: ImageVersion,
        size: ImageSize,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let query = match size {
            ImageSize::Wide => {
                "SELECT wide FROM campaign_images WHERE campaign_id = $1 AND version = $2"
            }
            ImageSize::Card => {
                "SELECT card FROM campaign_images WHERE campaign_id = $1 AND version = $2"
            }
        };
        Ok(sqlx::query_scalar(query)
            .bind(campaign.0)
            .bind(version.0)
            .fetch_optional(self.reader())
            .await?)
    }
}
