//! Addresses: percent-encoding for paths and query values, and the site's own addresses
//! that more than one page links to.

use tomar_core::ids::CampaignId;
use tomar_core::names::Hashtag;

/// Percent-encodes everything but unreserved ASCII, for paths and query values.
pub fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The listing of a hashtag, with the tag percent-encoded.
pub fn hashtag_path(tag: &Hashtag) -> String {
    format!("/hashtag/{}", percent_encode(tag.as_ref()))
}

/// A campaign's page for moderators.
pub fn review_path(id: CampaignId) -> String {
    format!("/moderation/campaigns/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("آب_1 a/b?"), "%D8%A2%D8%A8_1%20a%2Fb%3F");
    }
}
