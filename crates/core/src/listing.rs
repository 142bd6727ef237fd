//! How campaigns are listed: which ones (status, kind, category, hashtag), in which order,
//! and where a page starts. Pages go by key, never by offset: a cursor is the sort key and
//! id of the last campaign shown, so campaigns arriving meanwhile cause no duplicates and
//! no gaps.

use jiff::Timestamp;

use crate::campaign::{CampaignKind, CampaignSummary};
use crate::lifecycle::{Outcome, Status};
use crate::named::named_enum;
use crate::names::{Hashtag, Line};

named_enum! {
    /// Which campaigns a listing shows, by where they are in their life.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum ListStatus {
        /// Every public campaign: open, ended or suspended.
        #[default]
        All = "all",
        Open = "open",
        Ended = "ended",
        Succeeded = "succeeded",
        /// Sent to the addressee by the platform.
        Delivered = "delivered",
        /// On the platform's special follow-up list (پیگیری ویژه), a public list of its own.
        SpecialFollowUp = "special_follow_up",
    }
}

impl ListStatus {
    /// Whether a public campaign belongs in a listing of this status at `now`.
    pub fn admits(self, campaign: &CampaignSummary, now: Timestamp) -> bool {
        match self {
            ListStatus::All => true,
            ListStatus::Open => campaign.status(now) == Status::Open,
            ListStatus::Ended => campaign.status(now) == Status::Ended,
            ListStatus::Succeeded => matches!(campaign.outcome, Outcome::Succeeded { .. }),
            ListStatus::Delivered => campaign.outcome == Outcome::Delivered,
            ListStatus::SpecialFollowUp => campaign.outcome == Outcome::SpecialFollowUp,
        }
    }
}

named_enum! {
    /// The order of a listing.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum ListSort {
        /// Most signatures first.
        #[default]
        Top = "top",
        /// Most recently published first.
        New = "new",
        /// Most signatures in the last 24 hours first.
        Trending = "trending",
        /// Soonest end date first.
        Ending = "ending",
    }
}

/// Where the next page starts: after the campaign with this sort key and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    /// The `KEY.ID` form used in addresses; anything else is `None`.
    pub fn parse(text: &str) -> Option<Cursor> {
        let (key, id) = text.trim().split_once('.')?;
        Some(Cursor {
            key: key.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.key, self.id)
    }
}

/// One listing request.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub status: ListStatus,
    pub sort: ListSort,
    pub kind: Option<CampaignKind>,
    pub category: Option<Line>,
    pub hashtag: Option<Hashtag>,
    pub after: Option<Cursor>,
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_cursors_round_trip() {
        for status in ListStatus::ALL {
            assert_eq!(ListStatus::from_name(status.name()), Some(status));
        }
        for sort in ListSort::ALL {
            assert_eq!(ListSort::from_name(sort.name()), Some(sort));
        }
        let cursor = Cursor { key: -5, id: 42 };
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
        for bad in ["", "1", "a.b", "1.2.3", ".1"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
