//! News of a campaign: links the public submits for review, and updates its author or the
//! platform posts (sent to the signers who asked for news).

use tomar_core::body::LetterBody;
use tomar_core::ids::{CampaignId, NewsLinkId, UpdateId};
use tomar_core::message::OutboundMessage;
use tomar_core::moderation::ModerationEvent;
use tomar_core::news::{NewNewsLink, NewsLink, NewsStatus};
use tomar_core::update::{NewUpdate, Update, UpdateAuthor};

use crate::StoreError;
use crate::outbox::Queued;
use crate::rows::{line, timestamp};

/// `SELECT … FROM news_links`, in [`NewsLinkRow`]'s order.
macro_rules! select_news_links {
    () => {
        "SELECT id, campaign_id, url, title, source_host, status, created_at, moved_from \
         FROM news_links"
    };
}

store_methods! {
    pub async fn add_news_link(
        &self,
        new: &NewNewsLink,
    ) -> Result<NewsLinkId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO news_links (campaign_id, url, title, source_host, \
             submitter_name, client_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.campaign_id.0)
        .bind(new.url.as_str())
        .bind(new.title.as_ref())
        .bind(new.source_host.as_str())
        .bind(new.submitter_name.as_deref())
        .bind(new.client_key.as_deref())
        .bind(new.at.as_second())
        .fetch_one(self.writer())
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::DuplicateNewsLink))?;
        Ok(NewsLinkId(id))
    }

    pub async fn review_news_link(
        &self,
        link: NewsLinkId,
        status: NewsStatus,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query("UPDATE news_links SET status = $1 WHERE id = $2")
            .bind(status.name())
            .bind(link.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        Self::commit_with_event(tx, changed, StoreError::NotFound("news link"), event).await
    }

    /// A campaign's news links in `status`, newest first.
    pub async fn news_links(
        &self,
        campaign: CampaignId,
        status: NewsStatus,
    ) -> Result<Vec<NewsLink>, StoreError> {
        let rows: Vec<NewsLinkRow> = sqlx::query_as(concat!(
            select_news_links!(),
            " WHERE campaign_id = $1 AND status = $2 ORDER BY id DESC"
        ))
        .bind(campaign.0)
        .bind(status.name())
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// News links waiting for review on any campaign, oldest first.
    pub async fn pending_news_links(
        &self,
        limit: u32,
    ) -> Result<Vec<NewsLink>, StoreError> {
        let rows: Vec<NewsLinkRow> = sqlx::query_as(concat!(
            select_news_links!(),
            " WHERE status = 'pending' ORDER BY id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Posts an update and queues `messages` (its news, to the signers who asked for it) in
    /// the same transaction.
    pub async fn add_update(
        &self,
        new: &NewUpdate,
        messages: &[OutboundMessage],
    ) -> Result<UpdateId, StoreError> {
        let mut tx = self.writer().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO updates (campaign_id, author, title, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.campaign_id.0)
        .bind(new.author.name())
        .bind(new.title.as_ref())
        .bind(new.body.as_ref())
        .bind(new.at.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        Self::insert_messages(&mut tx, &Queued::lasting(messages, new.at), None).await?;
        tx.commit().await?;
        Ok(UpdateId(id))
    }

    /// A campaign's updates, newest first.
    pub async fn updates(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<Update>, StoreError> {
        let rows: Vec<UpdateRow> = sqlx::query_as(
            "SELECT id, campaign_id, author, title, body, created_at, moved_from FROM updates \
             WHERE campaign_id = $1 ORDER BY id DESC",
        )
        .bind(campaign.0)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

#[derive(sqlx::FromRow)]
struct NewsLinkRow {
    id: i64,
    campaign_id: i64,
    url: String,
    title: String,
    source_host: String,
    status: String,
    created_at: i64,
    moved_from: Option<i64>,
}

impl TryFrom<NewsLinkRow> for NewsLink {
    type Error = StoreError;

    fn try_from(row: NewsLinkRow) -> Result<Self, StoreError> {
        Ok(NewsLink {
            id: NewsLinkId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            url: row.url,
            title: line(row.title, "news title")?,
            source_host: row.source_host,
            status: NewsStatus::from_name(&row.status).ok_or(StoreError::Corrupt("news status"))?,
            created_at: timestamp(row.created_at, "news time")?,
            moved_from: row.moved_from.map(CampaignId),
        })
    }
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: i64,
    campaign_id: i64,
    author: String,
    title: String,
    body: String,
    created_at: i64,
    moved_from: Option<i64>,
}

impl TryFrom<UpdateRow> for Update {
    type Error = StoreError;

    fn try_from(row: UpdateRow) -> Result<Self, StoreError> {
        Ok(Update {
            id: UpdateId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            author: UpdateAuthor::from_name(&row.author)
                .ok_or(StoreError::Corrupt("update author"))?,
            title: line(row.title, "update title")?,
            body: LetterBody::parse(&row.body).map_err(|_| StoreError::Corrupt("update body"))?,
            created_at: timestamp(row.created_at, "update time")?,
            moved_from: row.moved_from.map(CampaignId),
        })
    }
}
