//! A campaign (کارزار): a letter to one or more addressees, signed by the public.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::body::LetterBody;
use crate::extension::EndDateExtension;
use crate::ids::{CampaignId, MemberId};
use crate::image::{ImageSize, ImageVersion};
use crate::lifecycle::{Lifecycle, Outcome, Status, Transition, TransitionError};
use crate::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use crate::named::named_enum;
use crate::names::{Hashtag, Line, Slug};
use crate::questions::Questions;
use crate::response::AddresseeResponse;

named_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum CampaignKind {
        /// درخواست
        Request = "request",
        /// شکایت
        Complaint = "complaint",
        /// قدردانی
        Appreciation = "appreciation",
    }
}

/// Someone the letter is addressed to, with their office: «جناب آقای …» / «ریاست محترم …».
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addressee {
    pub name: Line,
    pub position: Line,
}

/// Everything an author writes; what a new text version replaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignText {
    pub title: Line,
    pub addressees: Vec<Addressee>,
    pub body: LetterBody,
    /// از طرف: the group the demand comes from.
    pub on_behalf_of: Line,
    /// نویسنده: the public name(s) of the author(s).
    pub author_name: Line,
    pub hashtag: Hashtag,
}

impl CampaignText {
    pub const TITLE_MAX: usize = 120;
    pub const LINE_MAX: usize = 200;

    /// The addressees as lines of text, each its name and its position, in order.
    pub fn addressee_lines(&self) -> Vec<(String, String)> {
        self.addressees
            .iter()
            .map(|a| (a.name.to_string(), a.position.to_string()))
            .collect()
    }
}

/// A campaign as it is about to be stored for the first time.
#[derive(Clone, Debug)]
pub struct NewCampaign {
    pub slug: Option<Slug>,
    pub kind: CampaignKind,
    pub text: CampaignText,
    pub category: Option<Line>,
    pub author_id: Option<MemberId>,
    pub start_date: Date,
    pub end_date: Date,
    pub signature_goal: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Campaign {
    pub id: CampaignId,
    pub slug: Option<Slug>,
    pub kind: CampaignKind,
    pub text: CampaignText,
    pub text_version: u32,
    pub category: Option<Line>,
    pub author_id: Option<MemberId>,
    pub start_date: Date,
    pub end_date: Date,
    pub signature_goal: Option<u32>,
    pub lifecycle: Lifecycle,
    pub outcome: Outcome,
    /// Confirmed signatures, as last counted by the store.
    pub signature_count: u64,
    pub created_at: Timestamp,
    /// When a moderator approved it for publication.
    pub published_at: Option<Timestamp>,
    /// When it last entered review.
    pub submitted_at: Option<Timestamp>,
    /// Its picture's current version, if it has one.
    pub image: Option<ImageVersion>,
    /// When a moderator first marked it delivered to its addressees.
    pub delivered_at: Option<Timestamp>,
    /// The addressee's answer, once a moderator records it.
    pub response: Option<AddresseeResponse>,
    /// The latest extension of its end date after a platform outage, if one moved it.
    pub extension: Option<EndDateExtension>,
    /// What its sign form asks besides name and contact; none for most campaigns.
    pub questions: Questions,
    /// The campaign a moderator merged this one into: its pages lead there.
    pub merged_into: Option<CampaignId>,
}

/// What a campaign and its summary both answer from their number, slug, end date and
/// lifecycle, written once for the two.
macro_rules! status_and_address {
    ($type:ty) => {
        impl $type {
            pub fn status(&self, now: Timestamp) -> Status {
                self.lifecycle.status_at(self.end_date, now)
            }

            /// Whole days left to sign, while open.
            pub fn days_left(&self, now: Timestamp) -> Option<i32> {
                self.lifecycle.days_left_at(self.end_date, now)
            }

            /// The address segment people share: the slug if it has one, else the number.
            pub fn path_segment(&self) -> String {
                match &self.slug {
                    Some(slug) => slug.to_string(),
                    None => self.id.to_string(),
                }
            }

            /// The campaign page's address: `/` and its path segment.
            pub fn path(&self) -> String {
                format!("/{}", self.path_segment())
            }

            /// Where its picture is drawn at `size`, if it has one.
            pub fn image_path(&self, size: ImageSize) -> Option<String> {
                self.image
                    .map(|version| crate::image::image_path(self.id, version, size))
            }
        }
    };
}

status_and_address!(Campaign);
status_and_address!(CampaignSummary);

impl Campaign {
    /// Applies `transition`, recording who did it and why; the campaign is unchanged when
    /// the transition is not allowed.
    pub fn apply(
        &mut self,
        transition: Transition,
        actor: Actor,
        note: Option<String>,
        at: Timestamp,
    ) -> Result<ModerationEvent, TransitionError> {
        let next = self.lifecycle.after(&transition)?;
        let action = ModerationAction::of(&transition);
        match transition {
            Transition::Approve => self.published_at = Some(at),
            Transition::Submit => self.submitted_at = Some(at),
            _ => {}
        }
        self.lifecycle = next;
        Ok(ModerationEvent {
            actor,
            action,
            target: Target::Campaign(self.id),
            note,
            at,
        })
    }
}

/// What a listing shows of a campaign: enough for a card, without the letter.
#[derive(Clone, Debug)]
pub struct CampaignSummary {
    pub id: CampaignId,
    pub slug: Option<Slug>,
    pub kind: CampaignKind,
    pub title: Line,
    pub hashtag: Hashtag,
    pub category: Option<Line>,
    pub first_addressee: Option<Addressee>,
    pub end_date: Date,
    pub lifecycle: Lifecycle,
    pub outcome: Outcome,
    pub signature_count: u64,
    pub image: Option<ImageVersion>,
    /// The day the addressee answered, if they have.
    pub answered_on: Option<Date>,
}
