//! Registered people: members, moderators and admins. A member is known by the keyed hash
//! of the contact they log in with, like a signer; their contact is kept encrypted so the
//! platform can write to them (news of campaigns they signed, decisions on their own).

use jiff::Timestamp;

use crate::contact::ContactKey;
use crate::ids::MemberId;
use crate::named::named_enum;
use crate::names::PersonName;

named_enum! {
    /// What a registered person may do. Each role can do everything the ones before it can.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Role {
        Member = "member",
        Moderator = "moderator",
        Admin = "admin",
    }
}

#[derive(Clone, Debug)]
pub struct Member {
    pub id: MemberId,
    pub display_name: Option<PersonName>,
    pub role: Role,
    pub contact_key: ContactKey,
    /// The member's contact under `Secret::seal`.
    pub sealed_contact: Option<String>,
    /// Raised when the member logs out: sessions issued under an older epoch stop working,
    /// on every device and in every server process.
    pub session_epoch: u32,
    pub created_at: Timestamp,
}

impl Member {
    pub fn can_moderate(&self) -> bool {
        self.role >= Role::Moderator
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rank() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.name()), Some(role));
        }
        assert_eq!(Role::from_name("root"), None);
        assert!(Role::Admin > Role::Moderator && Role::Moderator > Role::Member);
    }
}
