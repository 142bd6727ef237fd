//! Posts on a campaign after it starts: the author's news, or the platform's (the outcome).

use jiff::Timestamp;

use crate::body::LetterBody;
use crate::ids::{CampaignId, UpdateId};
use crate::names::Line;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateAuthor {
    CampaignAuthor,
    Platform,
}

impl UpdateAuthor {
    pub fn name(self) -> &'static str {
        match self {
            UpdateAuthor::CampaignAuthor => "author",
            UpdateAuthor::Platform => "platform",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [UpdateAuthor::CampaignAuthor, UpdateAuthor::Platform]
            .into_iter()
            .find(|a| a.name() == name)
    }
}

#[derive(Clone, Debug)]
pub struct NewUpdate {
    pub campaign_id: CampaignId,
    pub author: UpdateAuthor,
    pub title: Line,
    pub body: LetterBody,
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Update {
    pub id: UpdateId,
    pub campaign_id: CampaignId,
    pub author: UpdateAuthor,
    pub title: Line,
    pub body: LetterBody,
    pub created_at: Timestamp,
}
