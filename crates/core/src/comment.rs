//! Discussion under a campaign: comments with one level of replies.

use jiff::Timestamp;

use crate::body::LetterBody;
use crate::ids::{CampaignId, CommentId, MemberId};
use crate::named::named_enum;
use crate::names::PersonName;

named_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum CommentStatus {
        Visible = "visible",
        Hidden = "hidden",
    }
}

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 2000;

/// A comment's text: plain, line breaks kept, at most [`COMMENT_MAX`] characters.
pub fn parse_comment_body(input: &str) -> Result<LetterBody, crate::names::InputError> {
    let body = LetterBody::parse(input)?;
    let length = body.as_ref().chars().count();
    if length > COMMENT_MAX {
        return Err(crate::names::InputError::TooLong { max: COMMENT_MAX });
    }
    Ok(body)
}

/// A comment about to be stored. `name: None` is an anonymous author (کاربر ناشناس).
#[derive(Clone, Debug)]
pub struct NewComment {
    pub campaign_id: CampaignId,
    pub parent_id: Option<CommentId>,
    pub author_id: Option<MemberId>,
    pub name: Option<PersonName>,
    pub body: LetterBody,
    /// Keyed hash of the poster's network, for per-network limits; never the address.
    pub client_key: Option<String>,
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub id: CommentId,
    pub campaign_id: CampaignId,
    pub parent_id: Option<CommentId>,
    pub author_id: Option<MemberId>,
    pub name: Option<PersonName>,
    pub body: LetterBody,
    pub status: CommentStatus,
    pub flags: Flags,
    pub created_at: Timestamp,
    /// The merged campaign it came from, if it moved here with it.
    pub moved_from: Option<CampaignId>,
}

/// Who reported a comment: a member, or someone not logged in, known by their network
/// alone (a keyed hash of it). Each counts once per comment, so fresh cookies or a crowd
/// behind one address count as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flagger {
    Member(MemberId),
    Network(String),
}

impl Flagger {
    /// The key a report is stored under, one per flagger and comment.
    pub fn key(&self) -> String {
        match self {
            Flagger::Member(member) => format!("member:{member}"),
            Flagger::Network(network) => format!("network:{network}"),
        }
    }
}

/// How many reported a comment: distinct networks of people not logged in, and members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub networks: u32,
    pub members: u32,
}

impl Flags {
    pub fn total(self) -> u32 {
        self.networks.saturating_add(self.members)
    }
}

/// A top-level comment with its replies, oldest reply first.
#[derive(Clone, Debug)]
pub struct Thread {
    pub comment: Comment,
    pub replies: Vec<Comment>,
}
