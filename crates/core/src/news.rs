//! Links to news about a campaign, submitted by anyone and shown once a moderator approves.

use jiff::Timestamp;

use crate::ids::{CampaignId, NewsLinkId};
use crate::names::Line;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewsStatus {
    Pending,
    Approved,
    Rejected,
}

impl NewsStatus {
    pub const ALL: [NewsStatus; 3] = [
        NewsStatus::Pending,
        NewsStatus::Approved,
        NewsStatus::Rejected,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NewsStatus::Pending => "pending",
            NewsStatus::Approved => "approved",
            NewsStatus::Rejected => "rejected",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Clone, Debug)]
pub struct NewNewsLink {
    pub campaign_id: CampaignId,
    /// An http(s) address; validated by the form that takes it.
    pub url: String,
    pub title: Line,
    pub source_host: String,
    pub submitter_name: Option<String>,
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewsLink {
    pub id: NewsLinkId,
    pub campaign_id: CampaignId,
    pub url: String,
    pub title: Line,
    pub source_host: String,
    pub status: NewsStatus,
    pub created_at: Timestamp,
}
