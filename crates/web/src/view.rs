//! Shapes that templates render: domain values already translated, dated and counted for
//! one language, so templates only lay them out.

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{Outcome, Status};

use crate::i18n::Tr;

/// What every page's frame needs: the translator, the page title, and where the language
/// toggle leads.
pub struct Shell {
    pub tr: Tr,
    pub title: String,
    pub toggle_href: String,
}

impl Shell {
    /// `path` is the current path; the toggle leads to it in the other language.
    pub fn new(tr: Tr, title: String, path: &str) -> Shell {
        let other = match tr.language {
            tomar_core::language::Language::Fa => "en",
            tomar_core::language::Language::En => "fa",
        };
        Shell {
            tr,
            title,
            toggle_href: format!("{path}?lang={other}"),
        }
    }
}

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

/// A piece of text that may be a link. User links are marked `ugc` so they pass no
/// reputation and open nothing with our page's authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    UserLink(String),
    Link { href: String, text: String },
}

/// Splits user text into plain text and http(s) addresses. Only those two schemes become
/// links, so `javascript:` and friends stay text.
pub fn linkify(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let is_link = (word.starts_with("https://") || word.starts_with("http://"))
            && word.len() > "https://".len();
        if is_link {
            // Trailing punctuation belongs to the sentence, not the address.
            let address = word.trim_end_matches(['.', ',', '،', '!', '?', ')', '؛', ':']);
            if !plain.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut plain)));
            }
            segments.push(Segment::UserLink(address.to_owned()));
            plain.push_str(&word[address.len()..]);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        segments.push(Segment::Text(plain));
    }
    segments
}

/// A translated sentence whose `{name}` placeholders are replaced by segments (links).
pub fn sentence(template: &str, values: Vec<(&str, Segment)>) -> Vec<Segment> {
    let mut segments = vec![Segment::Text(template.to_owned())];
    for (name, value) in values {
        let marker = format!("{{{name}}}");
        segments = segments
            .into_iter()
            .flat_map(|segment| match segment {
                Segment::Text(text) if text.contains(&marker) => {
                    let (before, after) = text.split_once(&marker).unwrap_or((&text, ""));
                    vec![
                        Segment::Text(before.to_owned()),
                        value.clone(),
                        Segment::Text(after.to_owned()),
                    ]
                }
                other => vec![other],
            })
            .filter(|s| !matches!(s, Segment::Text(t) if t.is_empty()))
            .collect();
    }
    segments
}

/// How a campaign is shared: its short address and links that open the share screens of
/// Telegram, WhatsApp and X with the title and the address filled in.
pub struct Share {
    pub url: String,
    pub links: Vec<(String, String)>,
}

impl Share {
    pub fn new(public_url: &str, id: CampaignId, title: &str, tr: Tr) -> Share {
        let url = format!("{public_url}/{id}");
        let text = percent_encode(title);
        let encoded = percent_encode(&url);
        let links = vec![
            (
                tr.t("signed.share_telegram"),
                format!("https://t.me/share/url?url={encoded}&text={text}"),
            ),
            (
                tr.t("signed.share_whatsapp"),
                format!("https://wa.me/?text={text}%20{encoded}"),
            ),
            (
                tr.t("signed.share_x"),
                format!("https://x.com/intent/post?url={encoded}&text={text}"),
            ),
        ];
        Share { url, links }
    }
}

/// What a page tells link previews and feed readers: Open Graph and Twitter card tags,
/// the one canonical address, and its Atom feed.
pub struct PageMeta {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub feed: Option<String>,
}

/// A campaign in a listing.
pub struct Card {
    pub href: String,
    pub title: String,
    /// The title in runs, the words a search matched marked, for a search result.
    pub marked_title: Option<Vec<(String, bool)>>,
    pub kind: String,
    /// The first addressee's name, shown after `to` ("To", «خطاب به»).
    pub addressee: Option<String>,
    pub to: String,
    pub count: String,
    /// Days left, ended, suspended or succeeded; `badge_class` styles it.
    pub badge: String,
    pub badge_class: &'static str,
}

impl Card {
    pub fn new(summary: &CampaignSummary, tr: Tr, now: Timestamp) -> Card {
        let (badge, badge_class) = match (&summary.outcome, summary.status(now)) {
            (Outcome::Succeeded { .. }, _) => (tr.t("card.succeeded"), "badge-success"),
            (_, Status::Suspended) => (tr.t("card.suspended"), "badge-muted"),
            (_, Status::Draft) => (tr.t("card.draft"), "badge-muted"),
            (_, Status::InReview) => (tr.t("card.in_review"), "badge-open"),
            (_, Status::Rejected) => (tr.t("card.rejected"), "badge-urgent"),
            (_, Status::Open) => match summary.days_left(now) {
                Some(0) | None => (tr.t("card.last_day"), "badge-urgent"),
                Some(days) => (
                    tr.with("card.days_left", &[("days", &tr.number(days))]),
                    "badge-open",
                ),
            },
            _ => (tr.t("card.ended"), "badge-muted"),
        };
        Card {
            href: format!("/{}", summary.path_segment()),
            title: summary.title.to_string(),
            marked_title: None,
            kind: tr.t(&format!("kind.{}", summary.kind.name())),
            addressee: summary.first_addressee.as_ref().map(|a| a.name.to_string()),
            to: tr.t("card.to"),
            count: tr.with(
                "card.signatures",
                &[("count", &tr.count(summary.signature_count))],
            ),
            badge,
            badge_class,
        }
    }

    pub fn list(summaries: &[CampaignSummary], tr: Tr, now: Timestamp) -> Vec<Card> {
        summaries.iter().map(|s| Card::new(s, tr, now)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert_eq!(
            linkify("ببینید https://example.org/a، و javascript:alert(1) را"),
            vec![
                text("ببینید "),
                Segment::UserLink("https://example.org/a".into()),
                text("، و javascript:alert(1) را"),
            ]
        );
        assert_eq!(linkify("https://"), vec![text("https://")]);
        assert_eq!(linkify(""), vec![]);
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("آب_1 a/b?"), "%D8%A2%D8%A8_1%20a%2Fb%3F");
    }

    #[test]
    fn sentences_take_links_for_placeholders() {
        let link = Segment::Link {
            href: "/t".into(),
            text: "T".into(),
        };
        assert_eq!(
            sentence(
                "see {a} or {b}.",
                vec![("a", link.clone()), ("b", text("B"))]
            ),
            vec![text("see "), link, text(" or "), text("B"), text(".")]
        );
    }
}
