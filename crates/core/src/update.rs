//! Posts on a campaign after it starts: the author's news, or the platform's (the outcome).

use jiff::Timestamp;

use crate::body::LetterBody;
use crate::ids::{CampaignId, UpdateId};
use crate::named::named_enum;
use crate::names::Line;

named_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum UpdateAuthor {
        CampaignAuthor = "author",
        Platform = "platform",
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
    /// The merged campaign it came from, if it moved here with it.
    pub moved_from: Option<CampaignId>,
}
