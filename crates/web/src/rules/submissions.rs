//! How often campaigns, and new texts of published ones, may be sent for review: each
//! member and each network has an hourly share, so nobody floods the moderators' queue.

use std::net::IpAddr;

use jiff::Timestamp;
use tomar_core::ids::MemberId;
use tomar_store::Counter;

use crate::error::{Limited, WebError};
use crate::rules::platform::{Platform, network_key};
use crate::state::AppState;

/// Who sends something for review, and from where.
pub struct Submitter<'a> {
    pub platform: &'a Platform,
    pub member: MemberId,
    pub peer: IpAddr,
}

impl Submitter<'_> {
    /// Takes one of the member's and one of the network's submissions this hour, or
    /// refuses once either has had its share.
    pub async fn take_a_submission(&self, state: &AppState) -> Result<(), WebError> {
        let now = Timestamp::now();
        let by_member = Counter::SubmissionsByMember(self.member);
        let member_share = self.platform.submissions_per_member_per_hour();
        if state.store.count_one(&by_member, now).await? > member_share {
            return Err(WebError::TooMany(Limited::Submissions));
        }
        let from_network = Counter::SubmissionsFromNetwork(network_key(state, self.peer));
        let network_share = self.platform.submissions_per_network_per_hour();
        if state.store.count_one(&from_network, now).await? > network_share {
            return Err(WebError::TooMany(Limited::Submissions));
        }
        Ok(())
    }
}
