//! Identifiers of stored things. Each is its own type so one cannot stand in for another.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// The public number of a campaign, as in `/121524`.
    CampaignId
);
id_type!(SignatureId);
id_type!(CommentId);
id_type!(NewsLinkId);
id_type!(UpdateId);
id_type!(
    /// An entry of the admin-managed list of rejection reasons.
    RejectionReasonId
);
id_type!(
    /// A registered person (member, moderator, admin).
    MemberId
);
id_type!(
    /// A bulk invalidation of signatures, run in batches.
    InvalidationId
);
id_type!(
    /// A moderator's merge of one campaign into another: counted, then carried in batches.
    MergeId
);
