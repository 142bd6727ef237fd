//! A logged-in member's session: a signed cookie value, so any server process holding the
//! secret can check it without shared memory. It names the member, the member's session
//! epoch when it was issued (logging out raises the epoch and voids every older session)
//! and its expiry.

use jiff::{SignedDuration, Timestamp};

use crate::ids::MemberId;
use crate::secret::Secret;

/// How long a session lasts after logging in.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub member: MemberId,
    pub epoch: u32,
    pub expires_at: Timestamp,
}

impl Session {
    pub fn new(member: MemberId, epoch: u32, now: Timestamp) -> Session {
        Session {
            member,
            epoch,
            expires_at: now.saturating_add(SESSION_LIFETIME).unwrap_or(now),
        }
    }

    fn payload(&self) -> String {
        format!(
            "{}.{}.{}",
            self.member.0,
            self.epoch,
            self.expires_at.as_second()
        )
    }

    /// The cookie value: the payload and its MAC under the server's secret.
    pub fn encode(&self, secret: &Secret) -> String {
        let payload = self.payload();
        let mac = secret.session_mac(&payload);
        format!("{payload}.{mac}")
    }

    /// The session in a cookie value, if it is well formed, signed by this secret and not
    /// expired at `now`. Whether its epoch is still current is for the caller to check
    /// against the stored member.
    pub fn decode(value: &str, secret: &Secret, now: Timestamp) -> Option<Session> {
        let (payload, mac) = value.rsplit_once('.')?;
        if !secret.verify_session_mac(payload, mac) {
            return None;
        }
        let mut parts = payload.split('.');
        let member = MemberId(parts.next()?.parse().ok()?);
        let epoch = parts.next()?.parse().ok()?;
        let expires_at = Timestamp::from_second(parts.next()?.parse().ok()?).ok()?;
        if parts.next().is_some() || now >= expires_at {
            return None;
        }
        Some(Session {
            member,
            epoch,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(byte: u8) -> Secret {
        Secret::new(vec![byte; 32]).unwrap()
    }

    #[test]
    fn sessions_round_trip_until_they_expire() {
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let session = Session::new(MemberId(42), 3, now);
        let value = session.encode(&secret(1));
        assert_eq!(Session::decode(&value, &secret(1), now), Some(session));
        let later = now.saturating_add(SESSION_LIFETIME).unwrap();
        assert_eq!(Session::decode(&value, &secret(1), later), None);
    }

    #[test]
    fn altered_or_foreign_sessions_are_refused() {
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let value = Session::new(MemberId(42), 0, now).encode(&secret(1));
        assert_eq!(Session::decode(&value, &secret(2), now), None);
        let promoted = value.replacen("42.", "1.", 1);
        assert_eq!(Session::decode(&promoted, &secret(1), now), None);
        for junk in ["", ".", "42", "42.0.1.", "a.b.c.d", &format!("{value}x")] {
            assert_eq!(Session::decode(junk, &secret(1), now), None, "{junk}");
        }
    }
}
