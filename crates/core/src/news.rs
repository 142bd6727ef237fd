//! Links to news about a campaign, submitted by anyone and shown once a moderator approves.

use jiff::Timestamp;

use crate::ids::{CampaignId, NewsLinkId};
use crate::named::named_enum;
use crate::names::{InputError, Line};

named_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum NewsStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

#[derive(Clone, Debug)]
pub struct NewNewsLink {
    pub campaign_id: CampaignId,
    /// An http(s) address; validated by the form that takes it.
    pub url: String,
    pub title: Line,
    pub source_host: String,
    pub submitter_name: Option<String>,
    /// Keyed hash of the submitter's network, for per-network limits; never the address.
    pub client_key: Option<String>,
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewsLink {
    pub id: NewsLinkId,
    pub campaign_id: CampaignId,
    pub url: String,
    pub title: Line,
    pub source_host: String,
    pub status: NewsStatus,
    pub created_at: Timestamp,
    /// The merged campaign it came from, if it moved here with it.
    pub moved_from: Option<CampaignId>,
}

/// The address of a news report: `http` or `https` only, at most [`NewsUrl::MAX`]
/// characters, a host, no credentials, no spaces or control characters. Hosts may be
/// internationalised (`https://خبر.ایران/…`); they are kept as typed, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsUrl {
    url: String,
    host: String,
}

impl NewsUrl {
    pub const MAX: usize = 2000;

    pub fn parse(input: &str) -> Result<NewsUrl, InputError> {
        let url = input.trim();
        if url.is_empty() {
            return Err(InputError::Empty);
        }
        if url.chars().count() > Self::MAX {
            return Err(InputError::TooLong { max: Self::MAX });
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InputError::BadCharacters);
        }
        let lower = url.to_lowercase();
        let rest = ["https://", "http://"]
            .iter()
            .find_map(|scheme| lower.starts_with(scheme).then(|| &url[scheme.len()..]))
            .ok_or(InputError::BadCharacters)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // `user:password@host` would put credentials on a public page.
        if authority.contains('@') {
            return Err(InputError::BadCharacters);
        }
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => authority,
        };
        let labels_ok = host.split('.').count() >= 2
            && host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !labels_ok {
            return Err(InputError::BadCharacters);
        }
        Ok(NewsUrl {
            url: url.to_owned(),
            host: host.to_lowercase(),
        })
    }

    /// The host, as shown beside a news title.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl AsRef<str> for NewsUrl {
    fn as_ref(&self) -> &str {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_addresses_are_http_with_a_host_and_no_credentials() {
        let url = NewsUrl::parse(" https://WWW.Example.org:8443/a?b=1#c ").unwrap();
        assert_eq!(url.as_ref(), "https://WWW.Example.org:8443/a?b=1#c");
        assert_eq!(url.host(), "www.example.org");
        assert_eq!(
            NewsUrl::parse("http://خبر.ایران/۱").unwrap().host(),
            "خبر.ایران"
        );
        assert_eq!(
            NewsUrl::parse("https://xn--mgbh0fb.xn--mgba3a4f16a/")
                .unwrap()
                .host(),
            "xn--mgbh0fb.xn--mgba3a4f16a"
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "ftp://example.org/x",
            "https://user:pass@example.org/",
            "https://example.org@evil.example/",
            "https://localhost/",
            "https:///path",
            "https://exa mple.org/",
            "https://example.org/\u{0}",
            "data:text/html,x",
            "https://.example.org/",
        ] {
            assert!(NewsUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(NewsUrl::MAX));
        assert_eq!(
            NewsUrl::parse(&long),
            Err(InputError::TooLong { max: NewsUrl::MAX })
        );
    }
}
